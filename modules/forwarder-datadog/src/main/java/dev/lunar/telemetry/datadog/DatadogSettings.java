package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.DatadogSite;
import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.settings.InvalidSettingException;
import dev.lunar.telemetry.settings.Setting;
import dev.lunar.telemetry.settings.SettingsTable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the Datadog forwarder, immutable and validated on construction: a bad value throws
 * {@link dev.lunar.telemetry.settings.InvalidSettingException} naming the key, the bound and the fix. Each key is
 * defined once below; the builder's defaults, the launcher's binding and the README's table come from those
 * definitions. Besides them: {@code DD_API_KEY} (environment; without it the forwarder runs in dry-run and sends
 * nothing), {@code data-dir} (dry-run requests go to {@code <data-dir>/outbox/datadog/}) and {@code audit.*}
 * ({@link AuditSettings}).
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

    public static final Setting<String> SITE = Setting.text("datadog.site", DatadogSite.US1.domain(),
            "Datadog site: " + DatadogSite.domains());
    public static final Setting<String> BASE_URL = Setting.text("datadog.base-url", null, "send every request (the"
            + " pipeline's and tenants') to this `http(s)://host:port` instead (a proxy, or a test server)");
    public static final Setting<Boolean> DRY_RUN = Setting.bool("datadog.dry-run", false,
            "write requests to the outbox even with a key");
    public static final Setting<String> SERVICE = Setting.text("datadog.service", "lunar-proxy",
            "`service` of every log entry");
    public static final Setting<String> SOURCE = Setting.text("datadog.source", "lunar-proxy",
            "`ddsource` of every log entry");
    public static final Setting<String> GROUP_ID = Setting.text("datadog.group-id", "datadog-forwarder",
            "consumer group");
    public static final Setting<Map<String, String>> TOPICS = Setting.entries("datadog.topics", "kind",
            "input topic of `logs`, `resources`, `heartbeats` or `policies`; endpoint stats cannot be configured"
                    + " (P2, P4)").defaultShown("`telemetry.<kind>.v1`");
    public static final Setting<String> TENANTS_TOPIC = Setting.text("datadog.tenants-topic", Topics.TENANTS,
            "where per-tenant destinations are read");
    public static final Setting<String> DEAD_LETTER_TOPIC = Setting.text("datadog.dead-letter-topic",
            Topics.DEAD_LETTERS, "where refused records go");
    public static final Setting<Integer> BATCH_MAX_RECORDS = Setting.integer("datadog.batch.max-records", 1000, 1,
            10_000, "records per batch read from Kafka (Datadog's per-request limits are enforced on top)");
    public static final Setting<Duration> BATCH_MAX_WAIT = Setting.positiveDuration("datadog.batch.max-wait",
            Duration.ofSeconds(2), Duration.ofMinutes(10), "longest wait to fill a batch");
    public static final Setting<Duration> REQUEST_TIMEOUT = Setting.positiveDuration("datadog.request-timeout",
            Duration.ofSeconds(30), Duration.ofMinutes(10), "a request without an answer by then is retried");
    public static final Setting<Duration> RETRY_INITIAL_BACKOFF = Setting.positiveDuration(
            "datadog.retry.initial-backoff", Duration.ofMillis(500), Duration.ofHours(1),
            "first retry delay (doubles, with jitter)");
    public static final Setting<Duration> RETRY_MAX_BACKOFF = Setting.positiveDuration("datadog.retry.max-backoff",
            Duration.ofSeconds(60), Duration.ofHours(1), "longest retry delay unless Datadog asks for more"
                    + " (`Retry-After` and `X-RateLimit-Reset` are honoured); at least `initial-backoff`");
    public static final Setting<Duration> AUTH_RETRY_INTERVAL = Setting.positiveDuration(
            "datadog.auth-retry-interval", Duration.ofSeconds(60), Duration.ofHours(1),
            "retry interval while the key is rejected");
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.positiveDuration("datadog.shutdown-timeout",
            Duration.ofSeconds(30), Duration.ofHours(1), "how long a stop waits for requests in flight");
    public static final Setting<Boolean> TENANT_DESTINATIONS = Setting.bool("datadog.tenant-destinations.enabled",
            true, "also send a tenant's data to the Datadog account named in its tenant metadata");
    public static final Setting<Boolean> DOGSTATSD_ENABLED = Setting.bool("datadog.dogstatsd.enabled", false,
            "send metrics to a local Agent over UDP instead of the Metrics API");
    public static final Setting<String> DOGSTATSD_HOST = Setting.text("datadog.dogstatsd.host", "127.0.0.1",
            "the Agent's DogStatsD host");
    public static final Setting<Integer> DOGSTATSD_PORT = Setting.integer("datadog.dogstatsd.port", 8125, 1, 65535,
            "the Agent's DogStatsD port");
    public static final Setting<Map<String, String>> KAFKA = Setting.entries("datadog.kafka", "property",
            "extra Kafka client properties (security, timeouts) for its consumer and dead-letter producer");

    /** The forwarder's keys, in the README's order. */
    public static final SettingsTable SETTINGS = SettingsTable.of("datadog", SITE, BASE_URL, DRY_RUN, SERVICE,
            SOURCE, GROUP_ID, TOPICS, TENANTS_TOPIC, DEAD_LETTER_TOPIC, BATCH_MAX_RECORDS, BATCH_MAX_WAIT,
            REQUEST_TIMEOUT, RETRY_INITIAL_BACKOFF, RETRY_MAX_BACKOFF, AUTH_RETRY_INTERVAL, SHUTDOWN_TIMEOUT,
            TENANT_DESTINATIONS, DOGSTATSD_ENABLED, DOGSTATSD_HOST, DOGSTATSD_PORT, KAFKA);

    public DatadogSettings {
        SITE.require(site != null, "must be set: " + DatadogSite.domains());
        Objects.requireNonNull(baseUrl, BASE_URL.key());
        Objects.requireNonNull(apiKey, API_KEY_ENV);
        baseUrl.ifPresent(DatadogSettings::checkBaseUrl);
        apiKey.ifPresent(k -> {
            if (k.isBlank() || !k.strip().equals(k)) {
                throw new InvalidSettingException(API_KEY_ENV, API_KEY_ENV + " is blank or has surrounding whitespace: set it to"
                        + " the API key shown under Organization Settings > API Keys, or unset it for dry-run");
            }
        });
        Objects.requireNonNull(dataDir, "data-dir must be set: the dry-run outbox lives under it");
        SERVICE.check(service);
        SOURCE.check(source);
        GROUP_ID.check(groupId);
        TENANTS_TOPIC.check(tenantsTopic);
        DEAD_LETTER_TOPIC.check(deadLetterTopic);
        topics = checkTopics(topics);
        BATCH_MAX_RECORDS.check(batchMaxRecords);
        BATCH_MAX_WAIT.check(batchMaxWait);
        REQUEST_TIMEOUT.check(requestTimeout);
        RETRY_INITIAL_BACKOFF.check(retryInitialBackoff);
        RETRY_MAX_BACKOFF.check(retryMaxBackoff);
        AUTH_RETRY_INTERVAL.check(authRetryInterval);
        SHUTDOWN_TIMEOUT.check(shutdownTimeout);
        RETRY_MAX_BACKOFF.require(retryMaxBackoff.compareTo(retryInitialBackoff) >= 0, "(" + retryMaxBackoff
                + ") is shorter than datadog.retry.initial-backoff (" + retryInitialBackoff + "): raise it");
        DOGSTATSD_HOST.check(dogStatsdHost);
        DOGSTATSD_PORT.check(dogStatsdPort);
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
            throw BASE_URL.reject("'" + url + "' must be http(s)://host[:port] without a path; the forwarder appends"
                    + " /api/v2/logs and /api/v2/series");
        }
    }

    private static Map<EventKind, String> checkTopics(Map<EventKind, String> topics) {
        Objects.requireNonNull(topics, "datadog.topics");
        if (topics.isEmpty()) {
            throw new InvalidSettingException(TOPICS.prefix(), "datadog.topics is empty: keep at least one of logs, resources,"
                    + " heartbeats, policies");
        }
        for (Map.Entry<EventKind, String> e : topics.entrySet()) {
            if (!FORWARDED_KINDS.contains(e.getKey())) {
                throw new InvalidSettingException(TOPICS.prefix() + "." + e.getKey().id(), "datadog.topics."
                        + e.getKey().id() + " is not allowed: endpoint"
                        + " stats never go to Datadog (DESIGN.md P2, P4); remove the key");
            }
            requireText("datadog.topics." + e.getKey().id(), e.getValue());
            if (e.getValue().equals(EventKind.ENDPOINTS.enrichedTopic())
                    || e.getValue().equals(EventKind.ENDPOINTS.rawTopic())) {
                throw new InvalidSettingException(TOPICS.prefix() + "." + e.getKey().id(), "datadog.topics."
                        + e.getKey().id() + " = " + e.getValue()
                        + " is the endpoint-stats topic, which never goes to Datadog (DESIGN.md P2, P4)");
            }
        }
        return Map.copyOf(topics);
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidSettingException(key, key + " is empty: give it a value or leave it out for the default");
        }
    }

    /** Builder with every default. */
    public static final class Builder {
        private DatadogSite site = DatadogSite.of(SITE.key(), SITE.defaultValue());
        private URI baseUrl;
        private String apiKey;
        private boolean dryRun = DRY_RUN.defaultValue();
        private Path dataDir = Path.of("data");
        private String service = SERVICE.defaultValue();
        private String source = SOURCE.defaultValue();
        private String groupId = GROUP_ID.defaultValue();
        private Map<EventKind, String> topics = defaultTopics();
        private String tenantsTopic = TENANTS_TOPIC.defaultValue();
        private String deadLetterTopic = DEAD_LETTER_TOPIC.defaultValue();
        private int batchMaxRecords = BATCH_MAX_RECORDS.defaultValue();
        private Duration batchMaxWait = BATCH_MAX_WAIT.defaultValue();
        private Duration requestTimeout = REQUEST_TIMEOUT.defaultValue();
        private Duration retryInitialBackoff = RETRY_INITIAL_BACKOFF.defaultValue();
        private Duration retryMaxBackoff = RETRY_MAX_BACKOFF.defaultValue();
        private Duration authRetryInterval = AUTH_RETRY_INTERVAL.defaultValue();
        private Duration shutdownTimeout = SHUTDOWN_TIMEOUT.defaultValue();
        private boolean tenantDestinations = TENANT_DESTINATIONS.defaultValue();
        private boolean dogStatsdEnabled = DOGSTATSD_ENABLED.defaultValue();
        private String dogStatsdHost = DOGSTATSD_HOST.defaultValue();
        private int dogStatsdPort = DOGSTATSD_PORT.defaultValue();
        private AuditSettings audit = AuditSettings.defaults();

        private static Map<EventKind, String> defaultTopics() {
            Map<EventKind, String> m = new EnumMap<>(EventKind.class);
            FORWARDED_KINDS.forEach(k -> m.put(k, k.enrichedTopic()));
            return m;
        }

        /** {@code datadog.site}, e.g. {@code datadoghq.eu}. */
        public Builder site(String domain) {
            try {
                this.site = DatadogSite.of(SITE.key(), domain);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(SITE.key(), e.getMessage());
            }
            return this;
        }

        public Builder site(DatadogSite site) {
            this.site = Objects.requireNonNull(site, SITE.key());
            return this;
        }

        /** {@code datadog.base-url}; null for none. */
        public Builder baseUrl(String url) {
            try {
                this.baseUrl = url == null || url.isBlank() ? null : URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw BASE_URL.reject("'" + url + "' is not a URL: use http(s)://host:port");
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
