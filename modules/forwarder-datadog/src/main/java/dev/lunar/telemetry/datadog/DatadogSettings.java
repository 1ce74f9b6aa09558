package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the Datadog forwarder, immutable and validated on construction: a bad value throws
 * {@link IllegalArgumentException} naming the key and the fix. Defaults live in {@link Builder} and nowhere else.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code DD_API_KEY} (environment)</td><td>none</td><td>the pipeline's Datadog API key; without it the
 *       forwarder runs in dry-run and sends nothing</td></tr>
 *   <tr><td>{@code datadog.site}</td><td>{@code datadoghq.com}</td><td>datadoghq.com, us3.datadoghq.com,
 *       us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ap2.datadoghq.com or ddog-gov.com</td></tr>
 *   <tr><td>{@code datadog.base-url}</td><td>none</td><td>send every request (the pipeline's and tenants') to this
 *       {@code http(s)://host:port} instead of the site's intakes — for tests and egress proxies</td></tr>
 *   <tr><td>{@code datadog.dry-run}</td><td>{@code false}</td><td>write requests to the outbox even with a key</td></tr>
 *   <tr><td>{@code data-dir}</td><td>{@code ./data}</td><td>dry-run requests go to {@code <data-dir>/outbox/datadog/}</td></tr>
 *   <tr><td>{@code datadog.service}</td><td>{@code lunar-proxy}</td><td>{@code service} of every log entry</td></tr>
 *   <tr><td>{@code datadog.source}</td><td>{@code lunar-proxy}</td><td>{@code ddsource} of every log entry</td></tr>
 *   <tr><td>{@code datadog.group-id}</td><td>{@code datadog-forwarder}</td><td>Kafka consumer group</td></tr>
 *   <tr><td>{@code datadog.topics.<kind>}</td><td>{@code telemetry.<kind>.v1}</td><td>for logs, resources,
 *       heartbeats, policies; endpoint stats cannot be configured (P2, P4)</td></tr>
 *   <tr><td>{@code datadog.tenants-topic}</td><td>{@code tenants.v1}</td><td>where per-tenant destinations are read</td></tr>
 *   <tr><td>{@code datadog.dead-letter-topic}</td><td>{@code telemetry.dlq.v1}</td><td>where refused records go</td></tr>
 *   <tr><td>{@code datadog.batch.max-records}</td><td>{@code 1000}</td><td>records per batch read from Kafka</td></tr>
 *   <tr><td>{@code datadog.batch.max-wait}</td><td>{@code 2s}</td><td>longest wait to fill a batch</td></tr>
 *   <tr><td>{@code datadog.request-timeout}</td><td>{@code 30s}</td><td>a request without an answer by then is retried</td></tr>
 *   <tr><td>{@code datadog.retry.initial-backoff}</td><td>{@code 500ms}</td><td>first retry delay (doubles, jitter)</td></tr>
 *   <tr><td>{@code datadog.retry.max-backoff}</td><td>{@code 60s}</td><td>longest retry delay unless Datadog asks for more</td></tr>
 *   <tr><td>{@code datadog.auth-retry-interval}</td><td>{@code 60s}</td><td>retry interval while the key is rejected</td></tr>
 *   <tr><td>{@code datadog.shutdown-timeout}</td><td>{@code 30s}</td><td>how long a stop waits for requests in flight</td></tr>
 *   <tr><td>{@code datadog.tenant-destinations.enabled}</td><td>{@code true}</td><td>also send a tenant's data to the
 *       Datadog account named in its tenant metadata</td></tr>
 *   <tr><td>{@code datadog.dogstatsd.enabled}</td><td>{@code false}</td><td>send metrics to a local Agent over UDP
 *       instead of the Metrics API</td></tr>
 *   <tr><td>{@code datadog.dogstatsd.host}</td><td>{@code 127.0.0.1}</td><td>the Agent's DogStatsD host</td></tr>
 *   <tr><td>{@code datadog.dogstatsd.port}</td><td>{@code 8125}</td><td>the Agent's DogStatsD port</td></tr>
 *   <tr><td>{@code audit.topic} / {@code audit.retention}</td><td>{@code telemetry.audit.v1} / {@code 7d}</td><td>the
 *       audit trail every accepted request is written to before its batch is committed (P7)</td></tr>
 * </table>
 */
public record DatadogSettings(
        DatadogSite site,
        Optional<URI> baseUrl,
        Optional<String> apiKey,
        boolean dryRun,
        Path dataDir,
        String service,
        String source,
        String groupId,
        Map<EventKind, String> topics,
        String tenantsTopic,
        String deadLetterTopic,
        int batchMaxRecords,
        Duration batchMaxWait,
        Duration requestTimeout,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration authRetryInterval,
        Duration shutdownTimeout,
        boolean tenantDestinations,
        boolean dogStatsdEnabled,
        String dogStatsdHost,
        int dogStatsdPort,
        AuditSettings audit) {

    /** The environment variable holding the pipeline's Datadog API key. */
    public static final String API_KEY_ENV = "DD_API_KEY";
    /** The kinds the forwarder reads. Endpoint stats are never among them (P2, P4). */
    public static final java.util.List<EventKind> FORWARDED_KINDS =
            java.util.List.of(EventKind.LOGS, EventKind.RESOURCES, EventKind.HEARTBEATS, EventKind.POLICIES);

    public DatadogSettings {
        Objects.requireNonNull(site, "datadog.site");
        Objects.requireNonNull(baseUrl, "datadog.base-url");
        Objects.requireNonNull(apiKey, API_KEY_ENV);
        baseUrl.ifPresent(DatadogSettings::checkBaseUrl);
        apiKey.ifPresent(k -> {
            if (k.isBlank() || !k.strip().equals(k)) {
                throw new IllegalArgumentException(API_KEY_ENV + " is blank or has surrounding whitespace: set it to"
                        + " the API key shown under Organization Settings > API Keys, or unset it for dry-run");
            }
        });
        Objects.requireNonNull(dataDir, "data-dir must be set: the dry-run outbox lives under it");
        requireText("datadog.service", service);
        requireText("datadog.source", source);
        requireText("datadog.group-id", groupId);
        requireText("datadog.tenants-topic", tenantsTopic);
        requireText("datadog.dead-letter-topic", deadLetterTopic);
        topics = checkTopics(topics);
        if (batchMaxRecords < 1 || batchMaxRecords > 10_000) {
            throw new IllegalArgumentException("datadog.batch.max-records must be 1..10000, was " + batchMaxRecords);
        }
        requirePositive("datadog.batch.max-wait", batchMaxWait);
        requirePositive("datadog.request-timeout", requestTimeout);
        requirePositive("datadog.retry.initial-backoff", retryInitialBackoff);
        requirePositive("datadog.retry.max-backoff", retryMaxBackoff);
        requirePositive("datadog.auth-retry-interval", authRetryInterval);
        requirePositive("datadog.shutdown-timeout", shutdownTimeout);
        if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
            throw new IllegalArgumentException("datadog.retry.max-backoff (" + retryMaxBackoff
                    + ") is shorter than datadog.retry.initial-backoff (" + retryInitialBackoff + "): raise it");
        }
        requireText("datadog.dogstatsd.host", dogStatsdHost);
        if (dogStatsdPort < 1 || dogStatsdPort > 65535) {
            throw new IllegalArgumentException("datadog.dogstatsd.port must be 1..65535, was " + dogStatsdPort);
        }
        Objects.requireNonNull(audit, "audit");
    }

    /** Whether requests go to the outbox instead of Datadog: no {@code DD_API_KEY}, or {@code datadog.dry-run}. */
    public boolean isDryRun() {
        return dryRun || apiKey.isEmpty();
    }

    /** {@code <data-dir>/outbox/datadog}. */
    public Path outboxDirectory() {
        return dataDir.resolve("outbox").resolve("datadog");
    }

    public static DatadogSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.site = site;
        b.baseUrl = baseUrl.orElse(null);
        b.apiKey = apiKey.orElse(null);
        b.dryRun = dryRun;
        b.dataDir = dataDir;
        b.service = service;
        b.source = source;
        b.groupId = groupId;
        b.topics = new EnumMap<>(topics);
        b.tenantsTopic = tenantsTopic;
        b.deadLetterTopic = deadLetterTopic;
        b.batchMaxRecords = batchMaxRecords;
        b.batchMaxWait = batchMaxWait;
        b.requestTimeout = requestTimeout;
        b.retryInitialBackoff = retryInitialBackoff;
        b.retryMaxBackoff = retryMaxBackoff;
        b.authRetryInterval = authRetryInterval;
        b.shutdownTimeout = shutdownTimeout;
        b.tenantDestinations = tenantDestinations;
        b.dogStatsdEnabled = dogStatsdEnabled;
        b.dogStatsdHost = dogStatsdHost;
        b.dogStatsdPort = dogStatsdPort;
        b.audit = audit;
        return b;
    }

    /** Never shows the API key. */
    @Override
    public String toString() {
        return "DatadogSettings[site=" + site.domain() + ", baseUrl=" + baseUrl.map(URI::toString).orElse("-")
                + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(not set)") + ", dryRun=" + isDryRun()
                + ", dataDir=" + dataDir + ", service=" + service + ", source=" + source + ", groupId=" + groupId
                + ", topics=" + topics.values() + ", tenantDestinations=" + tenantDestinations
                + ", dogstatsd=" + (dogStatsdEnabled ? dogStatsdHost + ":" + dogStatsdPort : "off") + "]";
    }

    private static void checkBaseUrl(URI url) {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null || !(url.getPath() == null || url.getPath().isEmpty() || url.getPath().equals("/"))) {
            throw new IllegalArgumentException("datadog.base-url '" + url + "' must be http(s)://host[:port] without a"
                    + " path; the forwarder appends /api/v2/logs and /api/v2/series");
        }
    }

    private static Map<EventKind, String> checkTopics(Map<EventKind, String> topics) {
        Objects.requireNonNull(topics, "datadog.topics");
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("datadog.topics is empty: keep at least one of logs, resources,"
                    + " heartbeats, policies");
        }
        for (Map.Entry<EventKind, String> e : topics.entrySet()) {
            if (!FORWARDED_KINDS.contains(e.getKey())) {
                throw new IllegalArgumentException("datadog.topics." + e.getKey().id() + " is not allowed: endpoint"
                        + " stats never go to Datadog (DESIGN.md P2, P4); remove the key");
            }
            requireText("datadog.topics." + e.getKey().id(), e.getValue());
            if (e.getValue().equals(EventKind.ENDPOINTS.enrichedTopic())
                    || e.getValue().equals(EventKind.ENDPOINTS.rawTopic())) {
                throw new IllegalArgumentException("datadog.topics." + e.getKey().id() + " = " + e.getValue()
                        + " is the endpoint-stats topic, which never goes to Datadog (DESIGN.md P2, P4)");
            }
        }
        return Map.copyOf(topics);
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is empty: give it a value or leave it out for the default");
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be a positive duration, was " + d);
        }
    }

    /** Builder with every default. */
    public static final class Builder {
        private DatadogSite site = DatadogSite.US1;
        private URI baseUrl;
        private String apiKey;
        private boolean dryRun;
        private Path dataDir = Path.of("data");
        private String service = "lunar-proxy";
        private String source = "lunar-proxy";
        private String groupId = "datadog-forwarder";
        private Map<EventKind, String> topics = defaultTopics();
        private String tenantsTopic = Topics.TENANTS;
        private String deadLetterTopic = Topics.DEAD_LETTERS;
        private int batchMaxRecords = 1000;
        private Duration batchMaxWait = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration retryInitialBackoff = Duration.ofMillis(500);
        private Duration retryMaxBackoff = Duration.ofSeconds(60);
        private Duration authRetryInterval = Duration.ofSeconds(60);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private boolean tenantDestinations = true;
        private boolean dogStatsdEnabled;
        private String dogStatsdHost = "127.0.0.1";
        private int dogStatsdPort = 8125;
        private AuditSettings audit = AuditSettings.defaults();

        private static Map<EventKind, String> defaultTopics() {
            Map<EventKind, String> m = new EnumMap<>(EventKind.class);
            FORWARDED_KINDS.forEach(k -> m.put(k, k.enrichedTopic()));
            return m;
        }

        /** {@code datadog.site}, e.g. {@code datadoghq.eu}. */
        public Builder site(String domain) {
            this.site = DatadogSite.of("datadog.site", domain);
            return this;
        }

        public Builder site(DatadogSite site) {
            this.site = Objects.requireNonNull(site, "datadog.site");
            return this;
        }

        /** {@code datadog.base-url}; null for none. */
        public Builder baseUrl(String url) {
            try {
                this.baseUrl = url == null || url.isBlank() ? null : URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("datadog.base-url '" + url + "' is not a URL: use http(s)://host:port");
            }
            return this;
        }

        /** The pipeline's key ({@code DD_API_KEY}); null or blank for none (dry-run). */
        public Builder apiKey(String key) {
            this.apiKey = key == null || key.isBlank() ? null : key;
            return this;
        }

        /** Reads {@code DD_API_KEY} from {@code environment} (e.g. {@code System.getenv()}). */
        public Builder apiKeyFromEnvironment(Map<String, String> environment) {
            return apiKey(environment.get(API_KEY_ENV));
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder service(String service) {
            this.service = service;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** {@code datadog.topics.<kind>}. */
        public Builder topic(EventKind kind, String topic) {
            this.topics.put(kind, topic);
            return this;
        }

        public Builder tenantsTopic(String topic) {
            this.tenantsTopic = topic;
            return this;
        }

        public Builder deadLetterTopic(String topic) {
            this.deadLetterTopic = topic;
            return this;
        }

        public Builder batch(int maxRecords, Duration maxWait) {
            this.batchMaxRecords = maxRecords;
            this.batchMaxWait = maxWait;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitialBackoff = initial;
            this.retryMaxBackoff = max;
            return this;
        }

        public Builder authRetryInterval(Duration interval) {
            this.authRetryInterval = interval;
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        public Builder tenantDestinations(boolean enabled) {
            this.tenantDestinations = enabled;
            return this;
        }

        public Builder dogStatsd(boolean enabled, String host, int port) {
            this.dogStatsdEnabled = enabled;
            this.dogStatsdHost = host;
            this.dogStatsdPort = port;
            return this;
        }

        /** {@code audit.*}: where every accepted request is recorded. */
        public Builder audit(AuditSettings audit) {
            this.audit = audit;
            return this;
        }

        public DatadogSettings build() {
            return new DatadogSettings(site, Optional.ofNullable(baseUrl), Optional.ofNullable(apiKey), dryRun, dataDir,
                    service, source, groupId, new EnumMap<>(topics), tenantsTopic, deadLetterTopic, batchMaxRecords,
                    batchMaxWait, requestTimeout, retryInitialBackoff, retryMaxBackoff, authRetryInterval,
                    shutdownTimeout, tenantDestinations, dogStatsdEnabled, dogStatsdHost, dogStatsdPort, audit);
        }
    }
}
