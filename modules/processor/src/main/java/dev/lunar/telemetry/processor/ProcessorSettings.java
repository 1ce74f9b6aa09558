package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.processor.privacy.FieldPattern;
import dev.lunar.telemetry.processor.privacy.LogLevel;
import dev.lunar.telemetry.processor.privacy.PrivacyDefaults;
import dev.lunar.telemetry.processor.privacy.ValueRedactor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the processor can be told, validated once (in the constructor) with a message that names the key and
 * the fix. Immutable. Defaults live in {@link Builder}'s field initialisers and nowhere else; start from
 * {@link #builder(String)}.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code processor.bootstrap-servers}</td><td>(required)</td><td>Kafka {@code bootstrap.servers}.</td></tr>
 *   <tr><td>{@code processor.group-id}</td><td>{@code lunar-telemetry-processor}</td><td>Consumer group of the raw
 *       topics; instances with the same id share the partitions.</td></tr>
 *   <tr><td>{@code processor.client-id}</td><td>{@code lunar-telemetry-processor}</td><td>Prefix of the Kafka client
 *       ids (visible in broker logs and client metrics).</td></tr>
 *   <tr><td>{@code processor.topic-prefix}</td><td>""</td><td>Prepended to every topic name (raw, enriched,
 *       {@code tenants.v1}, {@code telemetry.dlq.v1}); lets several pipelines share a cluster.</td></tr>
 *   <tr><td>{@code processor.delivery}</td><td>{@code at-least-once}</td><td>{@code at-least-once} or
 *       {@code exactly-once}; see {@link DeliveryGuarantee}.</td></tr>
 *   <tr><td>{@code processor.transactional-id}</td><td>(derived)</td><td>Exactly-once only, and optional: by
 *       default each instance uses {@code <group-id>-<random UUID>}. Zombies are fenced by the consumer group's
 *       metadata (KIP-447), not by this id, so replicas need none of their own; set it only to keep a fixed id
 *       (a restarted instance then also aborts its former self's open transaction at once).</td></tr>
 *   <tr><td>{@code processor.concurrency}</td><td>available processors</td><td>Records processed at the same time,
 *       at most one per partition: partitions are processed independently (in order within a partition), so one
 *       slow record delays only its own partition.</td></tr>
 *   <tr><td>{@code processor.max-in-flight}</td><td>4096</td><td>Records sent but not yet acknowledged. The library
 *       default of 256 caps throughput near 30 k records/s (shared/KAFKA-NOTES.md).</td></tr>
 *   <tr><td>{@code processor.max-deferred-commits}</td><td>65536</td><td>Records received ahead of processing,
 *       all partitions together; above it the consumer pauses. With {@code max-in-flight} this bounds memory when
 *       the output is slow. A partition with more than a sixteenth of it waiting is paused on its own.</td></tr>
 *   <tr><td>{@code processor.commit-interval}</td><td>1s</td><td>At-least-once: how often acknowledged offsets are
 *       committed.</td></tr>
 *   <tr><td>{@code processor.transaction-batch-size}</td><td>500</td><td>Exactly-once: records per
 *       transaction, at most.</td></tr>
 *   <tr><td>{@code processor.transaction-batch-timeout}</td><td>100ms</td><td>Exactly-once: a transaction is
 *       committed at the latest this long after its first record.</td></tr>
 *   <tr><td>{@code processor.shutdown-timeout}</td><td>30s</td><td>How long {@code close()} waits for in-flight
 *       records to drain and commit.</td></tr>
 *   <tr><td>{@code processor.restart-backoff}</td><td>500ms</td><td>First wait before the stream is restarted after
 *       an error (doubling, with jitter).</td></tr>
 *   <tr><td>{@code processor.restart-backoff-max}</td><td>30s</td><td>Longest wait between restarts.</td></tr>
 *   <tr><td>{@code processor.api-key-tags}</td><td>{@code api_key, lunar_api_key, x-lunar-api-key}</td><td>Tag names
 *       (case-insensitive) that may carry the tenant's API key; used to identify the tenant, then removed.</td></tr>
 *   <tr><td>{@code processor.api-key-environment}</td><td>{@code LUNAR_API_KEY}</td><td>Environment variables
 *       (case-insensitive) that may carry the tenant's API key; likewise.</td></tr>
 *   <tr><td>{@code processor.denylist}</td><td>[]</td><td>Field patterns removed from every event, on top of
 *       {@link PrivacyDefaults#DENYLIST}; syntax in {@link FieldPattern}.</td></tr>
 *   <tr><td>{@code processor.redaction-patterns}</td><td>{}</td><td>Name → RE2 regex of text to redact, on top of
 *       {@link PrivacyDefaults#REDACTION_PATTERNS}; a group named {@code secret} limits what is replaced. RE2 is
 *       Java's syntax without lookaround, back references and possessive quantifiers: patterns run on a linear-time
 *       engine, and one using those stops start-up.</td></tr>
 *   <tr><td>{@code processor.scrub-budget}</td><td>2s</td><td>How long scrubbing one record may take; past it the
 *       record is dead-lettered (reason {@code SCRUB_BUDGET}) without its value and headers (fail closed).
 *       Records take microseconds and a megabyte of log text a few hundred milliseconds; a megabyte built of near
 *       misses can take seconds (linear, but RE2/J has no DFA) and is then dead-lettered rather than stall its
 *       partition. At most 1m.</td></tr>
 *   <tr><td>{@code processor.kafka}</td><td>{}</td><td>Extra Kafka client properties for every client (security,
 *       timeouts...). Properties the processor owns (serializers, commits, transactions, isolation) are
 *       refused.</td></tr>
 *   <tr><td>{@code processor.min-log-level}</td><td>{@code INFO}</td><td>Log lines below this level are dropped whole
 *       and counted (P4); one of {@code TRACE DEBUG INFO WARN ERROR}. A line whose level cannot be read ranks as
 *       {@code TRACE}; see {@link LogLevel}.</td></tr>
 * </table>
 */
public record ProcessorSettings(
        KafkaClientSettings kafka,
        String groupId,
        String clientId,
        String topicPrefix,
        DeliveryGuarantee delivery,
        String transactionalId,
        int maxInFlight,
        int maxDeferredCommits,
        int concurrency,
        Duration commitInterval,
        int transactionBatchSize,
        Duration transactionBatchTimeout,
        Duration shutdownTimeout,
        Duration restartBackoff,
        Duration restartBackoffMax,
        List<String> apiKeyTags,
        List<String> apiKeyEnvironment,
        List<String> denylist,
        Map<String, String> redactionPatterns,
        Duration scrubBudget,
        LogLevel minLogLevel) {

    private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]*");

    public ProcessorSettings {
        require(kafka != null, "processor.bootstrap-servers", "is required; set it to the Kafka brokers, e.g."
                + " 127.0.0.1:9092");
        require(groupId != null && !groupId.isBlank(), "processor.group-id", "must not be empty");
        require(clientId != null && !clientId.isBlank(), "processor.client-id", "must not be empty");
        require(topicPrefix != null && TOPIC_PREFIX.matcher(topicPrefix).matches() && topicPrefix.length() <= 200,
                "processor.topic-prefix", "may contain only letters, digits, '.', '_' and '-' (was '"
                        + topicPrefix + "')");
        require(delivery != null, "processor.delivery", "must be at-least-once or exactly-once");
        require(transactionalId == null || !transactionalId.isBlank(), "processor.transactional-id",
                "must not be blank; leave it out to derive one per process (<group-id>-<random UUID>)");
        require(concurrency >= 1 && concurrency <= 1024, "processor.concurrency",
                "must be between 1 and 1024 (was " + concurrency + "); the default is the number of processors");
        require(maxInFlight >= 1 && maxInFlight <= 1_000_000, "processor.max-in-flight",
                "must be between 1 and 1000000 (was " + maxInFlight + "); 4096 is a good value");
        require(maxDeferredCommits >= 1, "processor.max-deferred-commits",
                "must be at least 1 (was " + maxDeferredCommits + ")");
        require(maxDeferredCommits >= maxInFlight, "processor.max-deferred-commits",
                "(" + maxDeferredCommits + ") must be at least processor.max-in-flight (" + maxInFlight
                        + "), or the consumer pauses before the producer is busy; raise it or lower max-in-flight");
        requirePositive(commitInterval, "processor.commit-interval");
        require(transactionBatchSize >= 1, "processor.transaction-batch-size",
                "must be at least 1 (was " + transactionBatchSize + ")");
        requirePositive(transactionBatchTimeout, "processor.transaction-batch-timeout");
        requirePositive(shutdownTimeout, "processor.shutdown-timeout");
        requirePositive(restartBackoff, "processor.restart-backoff");
        requirePositive(restartBackoffMax, "processor.restart-backoff-max");
        require(restartBackoffMax.compareTo(restartBackoff) >= 0, "processor.restart-backoff-max",
                "must be at least processor.restart-backoff");
        apiKeyTags = names(apiKeyTags, "processor.api-key-tags");
        apiKeyEnvironment = names(apiKeyEnvironment, "processor.api-key-environment");
        denylist = List.copyOf(Objects.requireNonNull(denylist, "processor.denylist"));
        for (int i = 0; i < denylist.size(); i++) {
            try {
                FieldPattern.parse(denylist.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("processor.denylist[" + i + "]: " + e.getMessage(), e);
            }
        }
        redactionPatterns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(redactionPatterns, "processor.redaction-patterns")));
        try {
            ValueRedactor.of(ValueRedactor.withDefaults(redactionPatterns));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("processor.redaction-patterns: " + e.getMessage(), e);
        }
        requirePositive(scrubBudget, "processor.scrub-budget");
        require(scrubBudget.compareTo(Duration.ofMinutes(1)) <= 0, "processor.scrub-budget",
                "must be at most 1m (was " + scrubBudget + "): a record holds its partition while it is scrubbed;"
                        + " 2s is a good value");
        require(minLogLevel != null, "processor.min-log-level", "must be one of " + LogLevel.ALLOWED);
    }

    /** The broker list, {@code processor.bootstrap-servers}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /**
     * The exactly-once transactional id of one processor instance: {@code processor.transactional-id}, or
     * {@code <group-id>-<random UUID>}, new for every instance (its runs keep it, so a new run fences the last).
     */
    public String transactionalIdOrDerived() {
        return transactionalId != null ? transactionalId : groupId + "-" + java.util.UUID.randomUUID();
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder().bootstrapServers(bootstrapServers);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder().bootstrapServers(kafka.bootstrapServers()).groupId(groupId).clientId(clientId)
                .topicPrefix(topicPrefix).delivery(delivery).transactionalId(transactionalId).maxInFlight(maxInFlight)
                .maxDeferredCommits(maxDeferredCommits).concurrency(concurrency).commitInterval(commitInterval)
                .transactionBatchSize(transactionBatchSize).transactionBatchTimeout(transactionBatchTimeout)
                .shutdownTimeout(shutdownTimeout).restartBackoff(restartBackoff).restartBackoffMax(restartBackoffMax)
                .apiKeyTags(apiKeyTags).apiKeyEnvironment(apiKeyEnvironment).denylist(denylist)
                .redactionPatterns(redactionPatterns).scrubBudget(scrubBudget).kafka(kafka.properties())
                .minLogLevel(minLogLevel);
    }

    /** {@code <topic-prefix><name>}: the name of a pipeline topic on this cluster. */
    public String topic(String name) {
        return topicPrefix + name;
    }

    private static void require(boolean condition, String key, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(key + " " + problem);
        }
    }

    private static void requirePositive(Duration duration, String key) {
        require(duration != null && !duration.isNegative() && !duration.isZero(), key,
                "must be a positive duration such as 500ms or 2s (was " + duration + ")");
    }

    private static List<String> names(List<String> names, String key) {
        Objects.requireNonNull(names, key);
        for (String name : names) {
            require(name != null && !name.isBlank(), key, "must not contain empty names");
        }
        return List.copyOf(names);
    }

    /** Builder of {@link ProcessorSettings}; its initial values are the documented defaults. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId = "lunar-telemetry-processor";
        private String clientId = "lunar-telemetry-processor";
        private String topicPrefix = "";
        private DeliveryGuarantee delivery = DeliveryGuarantee.AT_LEAST_ONCE;
        private String transactionalId = null;
        private int maxInFlight = 4096;
        private int maxDeferredCommits = 65536;
        private int concurrency = Runtime.getRuntime().availableProcessors();
        private Duration commitInterval = Duration.ofMillis(200);
        private int transactionBatchSize = 500;
        private Duration transactionBatchTimeout = Duration.ofMillis(100);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration restartBackoff = Duration.ofMillis(500);
        private Duration restartBackoffMax = Duration.ofSeconds(30);
        private List<String> apiKeyTags = List.of("api_key", "lunar_api_key", "x-lunar-api-key");
        private List<String> apiKeyEnvironment = List.of("LUNAR_API_KEY");
        private List<String> denylist = List.of();
        private Map<String, String> redactionPatterns = Map.of();
        private Duration scrubBudget = Duration.ofSeconds(2);
        private Map<String, String> kafka = Map.of();
        /** Text until {@link #build()}, so that a bad value fails there, naming the key like every other. */
        private String minLogLevel = LogLevel.INFO.name();

        private Builder() {}

        public Builder bootstrapServers(String value) { this.bootstrapServers = value; return this; }
        public Builder groupId(String value) { this.groupId = value; return this; }
        public Builder clientId(String value) { this.clientId = value; return this; }
        public Builder topicPrefix(String value) { this.topicPrefix = value; return this; }
        public Builder delivery(DeliveryGuarantee value) { this.delivery = value; return this; }
        public Builder transactionalId(String value) { this.transactionalId = value; return this; }
        public Builder maxInFlight(int value) { this.maxInFlight = value; return this; }
        public Builder maxDeferredCommits(int value) { this.maxDeferredCommits = value; return this; }
        public Builder concurrency(int value) { this.concurrency = value; return this; }
        public Builder commitInterval(Duration value) { this.commitInterval = value; return this; }
        public Builder transactionBatchSize(int value) { this.transactionBatchSize = value; return this; }
        public Builder transactionBatchTimeout(Duration value) { this.transactionBatchTimeout = value; return this; }
        public Builder shutdownTimeout(Duration value) { this.shutdownTimeout = value; return this; }
        public Builder restartBackoff(Duration value) { this.restartBackoff = value; return this; }
        public Builder restartBackoffMax(Duration value) { this.restartBackoffMax = value; return this; }
        public Builder apiKeyTags(List<String> value) { this.apiKeyTags = value; return this; }
        public Builder apiKeyEnvironment(List<String> value) { this.apiKeyEnvironment = value; return this; }
        public Builder denylist(List<String> value) { this.denylist = value; return this; }
        public Builder redactionPatterns(Map<String, String> value) { this.redactionPatterns = value; return this; }
        public Builder scrubBudget(Duration value) { this.scrubBudget = value; return this; }
        public Builder kafka(Map<String, String> value) { this.kafka = value; return this; }
        public Builder minLogLevel(LogLevel value) { this.minLogLevel = value == null ? null : value.name(); return this; }
        /** One of {@code TRACE DEBUG INFO WARN ERROR} (any case); checked by {@link #build()}. */
        public Builder minLogLevel(String value) { this.minLogLevel = value; return this; }

        /** @throws IllegalArgumentException naming the key that is wrong and how to fix it */
        public ProcessorSettings build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("processor.bootstrap-servers is required; set it to the Kafka"
                        + " brokers, e.g. 127.0.0.1:9092");
            }
            KafkaClientSettings client;
            try {
                client = new KafkaClientSettings(bootstrapServers, Objects.requireNonNull(kafka, "processor.kafka"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("processor.kafka " + e.getMessage().replaceFirst("^kafka properties ", ""),
                        e);
            }
            return new ProcessorSettings(client, groupId, clientId, topicPrefix, delivery, transactionalId,
                    maxInFlight, maxDeferredCommits, concurrency, commitInterval, transactionBatchSize,
                    transactionBatchTimeout, shutdownTimeout, restartBackoff, restartBackoffMax, apiKeyTags,
                    apiKeyEnvironment, denylist, redactionPatterns, scrubBudget,
                    LogLevel.ofSetting(minLogLevel, "processor.min-log-level"));
        }
    }
}
