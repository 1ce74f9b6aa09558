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
import dev.lunar.telemetry.settings.InvalidSettingException;
import dev.lunar.telemetry.settings.Setting;
import dev.lunar.telemetry.settings.SettingsTable;

/**
 * Everything the processor can be told, validated once (in the constructor) with a message that names the key, the
 * bound and the fix. Immutable. Each key is defined once below — type, default, bounds, meaning — and the builder's
 * defaults, the launcher's binding and the README's table come from those definitions; start from
 * {@link #builder(String)}.
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

    public static final Setting<String> GROUP_ID = Setting.text("processor.group-id", "lunar-telemetry-processor",
            "consumer group of the raw topics; instances with the same id share the partitions");
    public static final Setting<String> CLIENT_ID = Setting.text("processor.client-id", "lunar-telemetry-processor",
            "prefix of the Kafka client ids (visible in broker logs and client metrics)");
    public static final Setting<String> TOPIC_PREFIX = Setting.text("processor.topic-prefix", "",
            "prepended to every topic name (raw, enriched, `tenants.v1`, `telemetry.dlq.v1`) so that several"
                    + " pipelines can share a cluster; letters, digits, `.`, `_` and `-`");
    public static final Setting<DeliveryGuarantee> DELIVERY = Setting.choice("processor.delivery",
            DeliveryGuarantee.class, DeliveryGuarantee.AT_LEAST_ONCE, "or `exactly-once`");
    public static final Setting<String> TRANSACTIONAL_ID = Setting.text("processor.transactional-id", null,
            "exactly-once, optional: zombies are fenced by the group's metadata (KIP-447), not by this id; set it"
                    + " only to keep a fixed id").defaultShown("derived: `<group-id>-<random UUID>` per instance");
    public static final Setting<Integer> CONCURRENCY = Setting.integer("processor.concurrency",
            Runtime.getRuntime().availableProcessors(), 1, 1024,
            "records processed at the same time, at most one per partition").defaultShown("number of processors");
    public static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("processor.max-in-flight", 4096, 1,
            1_000_000, "records sent, not yet acknowledged (Reactor Kafka's 256 caps throughput)");
    public static final Setting<Integer> MAX_DEFERRED_COMMITS = Setting.integer("processor.max-deferred-commits",
            65536, 1, 1 << 22, "records received ahead of processing, all partitions together; above it the consumer"
                    + " pauses (a partition with a sixteenth of it waiting is paused alone); at least"
                    + " `max-in-flight`");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.positiveDuration("processor.commit-interval",
            Duration.ofMillis(200), Duration.ofMinutes(1), "at-least-once: how often acknowledged offsets are"
                    + " committed");
    public static final Setting<Integer> TRANSACTION_BATCH_SIZE = Setting.integer("processor.transaction-batch-size",
            500, 1, 1 << 20, "exactly-once: records per transaction, at most");
    public static final Setting<Duration> TRANSACTION_BATCH_TIMEOUT = Setting.positiveDuration(
            "processor.transaction-batch-timeout", Duration.ofMillis(100), Duration.ofMinutes(1),
            "exactly-once: a transaction is committed at the latest this long after its first record");
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.positiveDuration("processor.shutdown-timeout",
            Duration.ofSeconds(30), Duration.ofHours(1), "how long a stop waits for in-flight records to drain and"
                    + " commit");
    public static final Setting<Duration> RESTART_BACKOFF = Setting.positiveDuration("processor.restart-backoff",
            Duration.ofMillis(500), Duration.ofHours(1), "first wait before the stream is restarted after an error"
                    + " (doubling, with jitter)");
    public static final Setting<Duration> RESTART_BACKOFF_MAX = Setting.positiveDuration(
            "processor.restart-backoff-max", Duration.ofSeconds(30), Duration.ofHours(1),
            "longest wait between restarts; at least `restart-backoff`");
    public static final Setting<List<String>> API_KEY_TAGS = Setting.list("processor.api-key-tags",
            List.of("api_key", "lunar_api_key", "x-lunar-api-key"), "tags (case-insensitive) that may carry the"
                    + " tenant's API key; used to identify the tenant, then removed");
    public static final Setting<List<String>> API_KEY_ENVIRONMENT = Setting.list("processor.api-key-environment",
            List.of("LUNAR_API_KEY"), "environment variables (case-insensitive) that may carry it; likewise");
    public static final Setting<List<String>> DENYLIST = Setting.list("processor.denylist", List.of(),
            "extra field patterns removed from every event, on top of the defaults");
    public static final Setting<Map<String, String>> REDACTION_PATTERNS = Setting.entries(
            "processor.redaction-patterns", "name", "extra regex of text to redact, in RE2 syntax (a group named"
                    + " `secret` limits the replacement); lookaround, back references and possessive quantifiers"
                    + " stop start-up with the reason");
    public static final Setting<Duration> SCRUB_BUDGET = Setting.positiveDuration("processor.scrub-budget",
            Duration.ofSeconds(2), Duration.ofMinutes(1), "most CPU time the scrub of one record may take (CPU time, so a busy machine does not count against it); past it the record is"
                    + " dead-lettered as `SCRUB_BUDGET` without its content (a record holds its partition while it"
                    + " is scrubbed)");
    public static final Setting<Map<String, String>> KAFKA = Setting.entries("processor.kafka", "property",
            "extra Kafka client properties (security, timeouts); those the processor owns (serializers, commits,"
                    + " transactions, isolation) are refused; its producer lingers 25 ms (fewer, larger batches"
                    + " across the enriched topics' partitions) unless `linger.ms` is set");
    public static final Setting<LogLevel> MIN_LOG_LEVEL = Setting.choice("processor.min-log-level", LogLevel.class,
            LogLevel.INFO, "log lines below it are dropped whole and counted (P4); `TRACE`, `DEBUG`, `INFO`, `WARN` or"
                    + " `ERROR`, anything else stops start-up; a line whose level cannot be read ranks as `TRACE`").defaultShown("`INFO`");

    /** The processor's keys, in the README's order. */
    public static final SettingsTable SETTINGS = SettingsTable.of("processor", GROUP_ID, CLIENT_ID, TOPIC_PREFIX,
            DELIVERY, TRANSACTIONAL_ID, CONCURRENCY, MAX_IN_FLIGHT, MAX_DEFERRED_COMMITS, COMMIT_INTERVAL,
            TRANSACTION_BATCH_SIZE, TRANSACTION_BATCH_TIMEOUT, SHUTDOWN_TIMEOUT, RESTART_BACKOFF, RESTART_BACKOFF_MAX,
            API_KEY_TAGS, API_KEY_ENVIRONMENT, DENYLIST, REDACTION_PATTERNS, SCRUB_BUDGET, KAFKA, MIN_LOG_LEVEL);

    private static final Pattern TOPIC_PREFIX_TEXT = Pattern.compile("[a-zA-Z0-9._-]*");

    public ProcessorSettings {
        if (kafka == null) {
            throw new InvalidSettingException("processor.bootstrap-servers", "processor.bootstrap-servers is"
                    + " required; set it to the Kafka brokers, e.g. 127.0.0.1:9092");
        }
        GROUP_ID.check(groupId);
        CLIENT_ID.check(clientId);
        TOPIC_PREFIX.require(topicPrefix != null && TOPIC_PREFIX_TEXT.matcher(topicPrefix).matches()
                && topicPrefix.length() <= 200, "may contain only letters, digits, '.', '_' and '-' (was '"
                        + topicPrefix + "')");
        DELIVERY.check(delivery);
        TRANSACTIONAL_ID.require(transactionalId == null || !transactionalId.isBlank(),
                "must not be blank; leave it out to derive one per process (<group-id>-<random UUID>)");
        CONCURRENCY.check(concurrency);
        MAX_IN_FLIGHT.check(maxInFlight);
        MAX_DEFERRED_COMMITS.check(maxDeferredCommits);
        MAX_DEFERRED_COMMITS.require(maxDeferredCommits >= maxInFlight, "(" + maxDeferredCommits
                + ") must be at least processor.max-in-flight (" + maxInFlight + "), or the consumer pauses before"
                + " the producer is busy; raise it or lower max-in-flight");
        COMMIT_INTERVAL.check(commitInterval);
        TRANSACTION_BATCH_SIZE.check(transactionBatchSize);
        TRANSACTION_BATCH_TIMEOUT.check(transactionBatchTimeout);
        SHUTDOWN_TIMEOUT.check(shutdownTimeout);
        RESTART_BACKOFF.check(restartBackoff);
        RESTART_BACKOFF_MAX.check(restartBackoffMax);
        RESTART_BACKOFF_MAX.require(restartBackoffMax.compareTo(restartBackoff) >= 0,
                "must be at least processor.restart-backoff");
        apiKeyTags = API_KEY_TAGS.check(List.copyOf(Objects.requireNonNull(apiKeyTags, API_KEY_TAGS.key())));
        apiKeyEnvironment = API_KEY_ENVIRONMENT.check(List.copyOf(Objects.requireNonNull(apiKeyEnvironment,
                API_KEY_ENVIRONMENT.key())));
        denylist = List.copyOf(Objects.requireNonNull(denylist, "processor.denylist"));
        for (int i = 0; i < denylist.size(); i++) {
            try {
                FieldPattern.parse(denylist.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(DENYLIST.key(), DENYLIST.key() + "[" + i + "]: " + e.getMessage());
            }
        }
        redactionPatterns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(redactionPatterns, "processor.redaction-patterns")));
        try {
            ValueRedactor.of(ValueRedactor.withDefaults(redactionPatterns));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(REDACTION_PATTERNS.key(), REDACTION_PATTERNS.prefix() + ": "
                    + e.getMessage());
        }
        SCRUB_BUDGET.check(scrubBudget);
        MIN_LOG_LEVEL.require(minLogLevel != null, "must be one of " + LogLevel.ALLOWED);
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

    /** Builder of {@link ProcessorSettings}; its initial values are the documented defaults. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId = GROUP_ID.defaultValue();
        private String clientId = CLIENT_ID.defaultValue();
        private String topicPrefix = TOPIC_PREFIX.defaultValue();
        private DeliveryGuarantee delivery = DELIVERY.defaultValue();
        private String transactionalId = TRANSACTIONAL_ID.defaultValue();
        private int maxInFlight = MAX_IN_FLIGHT.defaultValue();
        private int maxDeferredCommits = MAX_DEFERRED_COMMITS.defaultValue();
        private int concurrency = CONCURRENCY.defaultValue();
        private Duration commitInterval = COMMIT_INTERVAL.defaultValue();
        private int transactionBatchSize = TRANSACTION_BATCH_SIZE.defaultValue();
        private Duration transactionBatchTimeout = TRANSACTION_BATCH_TIMEOUT.defaultValue();
        private Duration shutdownTimeout = SHUTDOWN_TIMEOUT.defaultValue();
        private Duration restartBackoff = RESTART_BACKOFF.defaultValue();
        private Duration restartBackoffMax = RESTART_BACKOFF_MAX.defaultValue();
        private List<String> apiKeyTags = API_KEY_TAGS.defaultValue();
        private List<String> apiKeyEnvironment = API_KEY_ENVIRONMENT.defaultValue();
        private List<String> denylist = DENYLIST.defaultValue();
        private Map<String, String> redactionPatterns = REDACTION_PATTERNS.defaultValue();
        private Duration scrubBudget = SCRUB_BUDGET.defaultValue();
        private Map<String, String> kafka = KAFKA.defaultValue();
        /** Text until {@link #build()}, so that a bad value fails there, naming the key like every other. */
        private String minLogLevel = MIN_LOG_LEVEL.defaultValue().name();

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
                throw new InvalidSettingException("processor.bootstrap-servers", "processor.bootstrap-servers is"
                        + " required; set it to the Kafka"
                        + " brokers, e.g. 127.0.0.1:9092");
            }
            KafkaClientSettings client;
            try {
                client = new KafkaClientSettings(bootstrapServers, Objects.requireNonNull(kafka, "processor.kafka"));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(KAFKA.key(), KAFKA.prefix() + " "
                        + e.getMessage().replaceFirst("^kafka properties ", ""));
            }
            return new ProcessorSettings(client, groupId, clientId, topicPrefix, delivery, transactionalId,
                    maxInFlight, maxDeferredCommits, concurrency, commitInterval, transactionBatchSize,
                    transactionBatchTimeout, shutdownTimeout, restartBackoff, restartBackoffMax, apiKeyTags,
                    apiKeyEnvironment, denylist, redactionPatterns, scrubBudget,
                    minLogLevel());
        }

        private LogLevel minLogLevel() {
            try {
                return LogLevel.ofSetting(minLogLevel, MIN_LOG_LEVEL.key());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(MIN_LOG_LEVEL.key(), e.getMessage());
            }
        }
    }
}
