package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.TenantId;
import dev.lunar.telemetry.events.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import dev.lunar.telemetry.settings.InvalidSettingException;
import dev.lunar.telemetry.settings.Setting;
import dev.lunar.telemetry.settings.SettingsTable;

/**
 * Settings of the control-plane forwarder, immutable and validated on construction: a bad value throws
 * {@link InvalidSettingException} naming the key, the bound and the fix. Each key is defined once below; the
 * builder's defaults, the launcher's binding and the README's table come from those definitions. Besides them,
 * {@code audit.*} ({@link AuditSettings}): the audit trail every accepted request is written to before it counts as
 * accepted (P7).
 *
 * <p>{@link #toString()} never shows tokens.
 */
public record ControlPlaneForwarderSettings(
        Duration window,
        Duration allowedLateness,
        Duration correctionHorizon,
        Duration idleTick,
        int topEndpoints,
        URI controlPlaneUrl,
        Map<String, String> tenantTokens,
        Duration requestTimeout,
        int maxEndpointsPerRequest,
        String topic,
        String groupId,
        String deadLetterTopic,
        int batchMaxRecords,
        Duration batchMaxWait,
        int maxHeldRecords,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration authRetryInterval,
        Duration shutdownTimeout,
        AuditSettings audit) {

    public static final Setting<Duration> WINDOW = Setting.duration("control-plane-forwarder.window",
            Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1), "length of the event-time tumbling"
                    + " windows, aligned to the epoch (whole milliseconds)");
    public static final Setting<Duration> ALLOWED_LATENESS = Setting.duration(
            "control-plane-forwarder.allowed-lateness", Duration.ofSeconds(30), Duration.ZERO, Duration.ofDays(1),
            "a window is first emitted when the watermark passes its end plus this");
    public static final Setting<Duration> CORRECTION_HORIZON = Setting.duration(
            "control-plane-forwarder.correction-horizon", Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(7),
            "how long after its first emission a window's state is kept so that late or redelivered events correct"
                    + " it; later events for it are counted and dropped");
    public static final Setting<Duration> IDLE_TICK = Setting.duration("control-plane-forwarder.idle-tick",
            Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofDays(1), "processing-time tick: while no event"
                    + " arrives the watermark moves on with the clock; at most `window`");
    public static final Setting<Integer> TOP_ENDPOINTS = Setting.integer("control-plane-forwarder.top-endpoints", 5,
            0, 50, "endpoints listed in each window's overview");
    public static final Setting<String> URL = Setting.text("control-plane-forwarder.url", "http://127.0.0.1:8480",
            "the control plane's base URL");
    public static final Setting<Map<String, String>> TENANT_TOKENS = Setting.entries(
            "control-plane-forwarder.tenant-tokens", "tenant", "token the forwarder sends for the tenant; a"
                    + " CONTROL_PLANE tenant without one cannot be forwarded (nothing is committed)");
    public static final Setting<Duration> REQUEST_TIMEOUT = Setting.positiveDuration(
            "control-plane-forwarder.request-timeout", Duration.ofSeconds(10), Duration.ofMinutes(10),
            "a request without an answer by then is a retriable failure");
    public static final Setting<Integer> MAX_ENDPOINTS_PER_REQUEST = Setting.integer(
            "control-plane-forwarder.max-endpoints-per-request", 1000, 1, 10_000, "a tenant's windows are split"
                    + " into requests of at most this many endpoint aggregates (whole windows)");
    public static final Setting<String> TOPIC = Setting.text("control-plane-forwarder.topic",
            EventKind.ENDPOINTS.enrichedTopic(), "the enriched endpoint-stats topic to read (`read_committed`)");
    public static final Setting<String> GROUP_ID = Setting.text("control-plane-forwarder.group-id",
            "control-plane-forwarder", "consumer group; any number of instances may share it (each sends partial"
                    + " aggregates of the partitions it reads, which the control plane merges)");
    public static final Setting<String> DEAD_LETTER_TOPIC = Setting.text("control-plane-forwarder.dead-letter-topic",
            Topics.DEAD_LETTERS, "where undecodable records go");
    public static final Setting<Integer> BATCH_MAX_RECORDS = Setting.integer(
            "control-plane-forwarder.batch.max-records", 500, 1, 10_000, "records per batch handed to the"
                    + " aggregator");
    public static final Setting<Duration> BATCH_MAX_WAIT = Setting.positiveDuration(
            "control-plane-forwarder.batch.max-wait", Duration.ofSeconds(1), Duration.ofMinutes(10),
            "longest wait to fill a batch");
    public static final Setting<Integer> MAX_HELD_RECORDS = Setting.integer("control-plane-forwarder.max-held-records",
            200_000, 1, 10_000_000, "records read but not yet committable (their windows are open or not yet"
                    + " accepted); above it the consumer pauses. Size it above the topic's rate × (`window` +"
                    + " `allowed-lateness`); each costs about 150 bytes");
    public static final Setting<Duration> RETRY_INITIAL_BACKOFF = Setting.positiveDuration(
            "control-plane-forwarder.retry.initial-backoff", Duration.ofMillis(500), Duration.ofHours(1),
            "first delay before a window is sent again after a retriable answer (doubles, with jitter; never"
                    + " before `Retry-After`)");
    public static final Setting<Duration> RETRY_MAX_BACKOFF = Setting.positiveDuration(
            "control-plane-forwarder.retry.max-backoff", Duration.ofSeconds(60), Duration.ofHours(1),
            "longest such delay unless the control plane asks for more; at least `initial-backoff`");
    public static final Setting<Duration> AUTH_RETRY_INTERVAL = Setting.positiveDuration(
            "control-plane-forwarder.auth-retry-interval", Duration.ofSeconds(60), Duration.ofHours(1),
            "how often a tenant's window is tried again while its token is rejected");
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.positiveDuration(
            "control-plane-forwarder.shutdown-timeout", Duration.ofSeconds(30), Duration.ofHours(1),
            "how long a stop waits for the batches being read to be handed over and committed");
    public static final Setting<Map<String, String>> KAFKA = Setting.entries("control-plane-forwarder.kafka",
            "property", "extra Kafka client properties (security, timeouts)");

    /** The forwarder's keys, in the README's order. */
    public static final SettingsTable SETTINGS = SettingsTable.of("control-plane-forwarder", WINDOW,
            ALLOWED_LATENESS, CORRECTION_HORIZON, IDLE_TICK, TOP_ENDPOINTS, URL, TENANT_TOKENS, REQUEST_TIMEOUT,
            MAX_ENDPOINTS_PER_REQUEST, TOPIC, GROUP_ID, DEAD_LETTER_TOPIC, BATCH_MAX_RECORDS, BATCH_MAX_WAIT,
            MAX_HELD_RECORDS, RETRY_INITIAL_BACKOFF, RETRY_MAX_BACKOFF, AUTH_RETRY_INTERVAL, SHUTDOWN_TIMEOUT, KAFKA);

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");


    public ControlPlaneForwarderSettings {
        WINDOW.check(window);
        WINDOW.require(window.getNano() % 1_000_000 == 0, "must be in whole milliseconds, e.g. 1m (was " + window
                + ")");
        ALLOWED_LATENESS.check(allowedLateness);
        CORRECTION_HORIZON.check(correctionHorizon);
        IDLE_TICK.check(idleTick);
        IDLE_TICK.require(idleTick.compareTo(window) <= 0, "must not be longer than " + WINDOW + " (" + window
                + "), was " + idleTick);
        TOP_ENDPOINTS.check(topEndpoints);
        URL.require(controlPlaneUrl != null, "must be set, e.g. http://127.0.0.1:8480");
        String scheme = controlPlaneUrl.getScheme();
        URL.require(!(scheme == null || !(scheme.equals("http") || scheme.equals("https"))
                || controlPlaneUrl.getHost() == null
                || (controlPlaneUrl.getPath() != null && !controlPlaneUrl.getPath().isEmpty()
                        && !controlPlaneUrl.getPath().equals("/"))
                || controlPlaneUrl.getQuery() != null), "must be http(s)://host:port of the control plane (no"
                        + " path), e.g. http://127.0.0.1:8480; was " + controlPlaneUrl);
        Objects.requireNonNull(tenantTokens, TENANT_TOKENS.key());
        Map<String, String> tokens = new TreeMap<>();
        tenantTokens.forEach((tenant, token) -> {
            String key = TENANT_TOKENS + "." + tenant;
            if (!TenantId.isValid(tenant)) {
                throw new InvalidSettingException(key, key + ": the tenant id must be " + TenantId.RULE);
            }
            if (token == null || token.isBlank() || !token.strip().equals(token)
                    || token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
                throw new InvalidSettingException(key, key + " must be the tenant's control-plane token, without"
                        + " spaces or control characters");
            }
            tokens.put(tenant, token);
        });
        tenantTokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        REQUEST_TIMEOUT.check(requestTimeout);
        MAX_ENDPOINTS_PER_REQUEST.check(maxEndpointsPerRequest);
        requireTopic(TOPIC, topic);
        GROUP_ID.check(groupId);
        requireTopic(DEAD_LETTER_TOPIC, deadLetterTopic);
        Objects.requireNonNull(audit, "audit");
        BATCH_MAX_RECORDS.check(batchMaxRecords);
        BATCH_MAX_WAIT.check(batchMaxWait);
        MAX_HELD_RECORDS.check(maxHeldRecords);
        RETRY_INITIAL_BACKOFF.check(retryInitialBackoff);
        RETRY_MAX_BACKOFF.check(retryMaxBackoff);
        RETRY_MAX_BACKOFF.require(retryMaxBackoff.compareTo(retryInitialBackoff) >= 0, "(" + retryMaxBackoff
                + ") must not be shorter than " + RETRY_INITIAL_BACKOFF + " (" + retryInitialBackoff + ")");
        AUTH_RETRY_INTERVAL.check(authRetryInterval);
        SHUTDOWN_TIMEOUT.check(shutdownTimeout);
    }

    /** The token configured for {@code tenantId}, if any. */
    public Optional<String> tokenOf(String tenantId) {
        return Optional.ofNullable(tenantTokens.get(tenantId));
    }

    @Override
    public String toString() {
        return "ControlPlaneForwarderSettings[window=" + window + ", allowedLateness=" + allowedLateness
                + ", correctionHorizon=" + correctionHorizon + ", idleTick=" + idleTick + ", topEndpoints="
                + topEndpoints + ", controlPlaneUrl=" + controlPlaneUrl + ", tenantTokens=" + tenantTokens.keySet()
                + " (tokens hidden), requestTimeout=" + requestTimeout + ", maxEndpointsPerRequest="
                + maxEndpointsPerRequest + ", topic=" + topic + ", groupId=" + groupId + ", deadLetterTopic="
                + deadLetterTopic + ", batchMaxRecords=" + batchMaxRecords + ", batchMaxWait=" + batchMaxWait
                + ", maxHeldRecords=" + maxHeldRecords + ", retryInitialBackoff=" + retryInitialBackoff
                + ", retryMaxBackoff=" + retryMaxBackoff + ", authRetryInterval=" + authRetryInterval
                + ", shutdownTimeout=" + shutdownTimeout + ", audit=" + audit + "]";
    }

    private static void requireTopic(Setting<String> setting, String topic) {
        setting.require(topic != null && TOPIC_NAME.matcher(topic).matches(), "must be a Kafka topic name (1..249"
                + " characters of a-z A-Z 0-9 . _ -), was " + topic);
    }

    public static ControlPlaneForwarderSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.window = window;
        b.allowedLateness = allowedLateness;
        b.correctionHorizon = correctionHorizon;
        b.idleTick = idleTick;
        b.topEndpoints = topEndpoints;
        b.controlPlaneUrl = controlPlaneUrl;
        b.tenantTokens = new LinkedHashMap<>(tenantTokens);
        b.requestTimeout = requestTimeout;
        b.maxEndpointsPerRequest = maxEndpointsPerRequest;
        b.topic = topic;
        b.groupId = groupId;
        b.deadLetterTopic = deadLetterTopic;
        b.batchMaxRecords = batchMaxRecords;
        b.batchMaxWait = batchMaxWait;
        b.maxHeldRecords = maxHeldRecords;
        b.retryInitialBackoff = retryInitialBackoff;
        b.retryMaxBackoff = retryMaxBackoff;
        b.authRetryInterval = authRetryInterval;
        b.shutdownTimeout = shutdownTimeout;
        b.audit = audit;
        return b;
    }

    /** Builds {@link ControlPlaneForwarderSettings}; every default is written here, once. */
    public static final class Builder {
        private Duration window = WINDOW.defaultValue();
        private Duration allowedLateness = ALLOWED_LATENESS.defaultValue();
        private Duration correctionHorizon = CORRECTION_HORIZON.defaultValue();
        private Duration idleTick = IDLE_TICK.defaultValue();
        private int topEndpoints = TOP_ENDPOINTS.defaultValue();
        private URI controlPlaneUrl = URI.create(URL.defaultValue());
        private Map<String, String> tenantTokens = new LinkedHashMap<>(TENANT_TOKENS.defaultValue());
        private Duration requestTimeout = REQUEST_TIMEOUT.defaultValue();
        private int maxEndpointsPerRequest = MAX_ENDPOINTS_PER_REQUEST.defaultValue();
        private String topic = TOPIC.defaultValue();
        private String groupId = GROUP_ID.defaultValue();
        private String deadLetterTopic = DEAD_LETTER_TOPIC.defaultValue();
        private int batchMaxRecords = BATCH_MAX_RECORDS.defaultValue();
        private Duration batchMaxWait = BATCH_MAX_WAIT.defaultValue();
        private int maxHeldRecords = MAX_HELD_RECORDS.defaultValue();
        private Duration retryInitialBackoff = RETRY_INITIAL_BACKOFF.defaultValue();
        private Duration retryMaxBackoff = RETRY_MAX_BACKOFF.defaultValue();
        private Duration authRetryInterval = AUTH_RETRY_INTERVAL.defaultValue();
        private Duration shutdownTimeout = SHUTDOWN_TIMEOUT.defaultValue();
        private AuditSettings audit = AuditSettings.defaults();

        private Builder() {}

        /** {@code control-plane-forwarder.window}. */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /** {@code control-plane-forwarder.allowed-lateness}. */
        public Builder allowedLateness(Duration allowedLateness) {
            this.allowedLateness = allowedLateness;
            return this;
        }

        /** {@code control-plane-forwarder.correction-horizon}. */
        public Builder correctionHorizon(Duration correctionHorizon) {
            this.correctionHorizon = correctionHorizon;
            return this;
        }

        /** {@code control-plane-forwarder.idle-tick}. */
        public Builder idleTick(Duration idleTick) {
            this.idleTick = idleTick;
            return this;
        }

        /** {@code control-plane-forwarder.top-endpoints}. */
        public Builder topEndpoints(int topEndpoints) {
            this.topEndpoints = topEndpoints;
            return this;
        }

        /** {@code control-plane-forwarder.url}. */
        public Builder controlPlaneUrl(URI controlPlaneUrl) {
            this.controlPlaneUrl = controlPlaneUrl;
            return this;
        }

        /** {@code control-plane-forwarder.tenant-tokens.<tenant-id>} for every tenant (replaces earlier ones). */
        public Builder tenantTokens(Map<String, String> tenantTokens) {
            this.tenantTokens = new LinkedHashMap<>(tenantTokens);
            return this;
        }

        /** {@code control-plane-forwarder.tenant-tokens.<tenant-id>} for one tenant. */
        public Builder tenantToken(String tenantId, String token) {
            this.tenantTokens.put(tenantId, token);
            return this;
        }

        /** {@code control-plane-forwarder.request-timeout}. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** {@code control-plane-forwarder.max-endpoints-per-request}. */
        public Builder maxEndpointsPerRequest(int maxEndpointsPerRequest) {
            this.maxEndpointsPerRequest = maxEndpointsPerRequest;
            return this;
        }

        /** {@code control-plane-forwarder.topic}. */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** {@code control-plane-forwarder.group-id}. */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** {@code control-plane-forwarder.dead-letter-topic}. */
        public Builder deadLetterTopic(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        /** {@code control-plane-forwarder.batch.max-records} and {@code control-plane-forwarder.batch.max-wait}. */
        public Builder batching(int maxRecords, Duration maxWait) {
            this.batchMaxRecords = maxRecords;
            this.batchMaxWait = maxWait;
            return this;
        }

        /** {@code control-plane-forwarder.max-held-records}. */
        public Builder maxHeldRecords(int maxHeldRecords) {
            this.maxHeldRecords = maxHeldRecords;
            return this;
        }

        /** {@code control-plane-forwarder.retry.initial-backoff} and {@code control-plane-forwarder.retry.max-backoff}. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitialBackoff = initial;
            this.retryMaxBackoff = max;
            return this;
        }

        /** {@code control-plane-forwarder.auth-retry-interval}. */
        public Builder authRetryInterval(Duration authRetryInterval) {
            this.authRetryInterval = authRetryInterval;
            return this;
        }

        /** {@code control-plane-forwarder.shutdown-timeout}. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /** {@code audit.*}: where every accepted request is recorded. */
        public Builder audit(AuditSettings audit) {
            this.audit = audit;
            return this;
        }

        public ControlPlaneForwarderSettings build() {
            return new ControlPlaneForwarderSettings(window, allowedLateness, correctionHorizon, idleTick,
                    topEndpoints, controlPlaneUrl, tenantTokens, requestTimeout, maxEndpointsPerRequest, topic,
                    groupId, deadLetterTopic, batchMaxRecords, batchMaxWait, maxHeldRecords, retryInitialBackoff,
                    retryMaxBackoff, authRetryInterval, shutdownTimeout, audit);
        }
    }
}
