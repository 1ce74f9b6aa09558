package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.events.EventKind;
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

/**
 * Settings of the control-plane forwarder, immutable and validated on construction: a bad value throws
 * {@link IllegalArgumentException} naming the key and the fix. Defaults live in {@link Builder} and nowhere else.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code control-plane-forwarder.window}</td><td>{@code 1m}</td><td>length of the event-time tumbling
 *       windows, aligned to the epoch (1s..1d, whole milliseconds)</td></tr>
 *   <tr><td>{@code control-plane-forwarder.allowed-lateness}</td><td>{@code 30s}</td><td>a window is first emitted
 *       when the watermark passes its end plus this</td></tr>
 *   <tr><td>{@code control-plane-forwarder.correction-horizon}</td><td>{@code 10m}</td><td>how long after its first
 *       emission a window's state is kept so that late or redelivered events correct it (or are recognised as
 *       duplicates); later events for it are dropped and counted</td></tr>
 *   <tr><td>{@code control-plane-forwarder.idle-tick}</td><td>{@code 1s}</td><td>processing-time tick: while no
 *       event arrives the watermark moves on with the clock, and pending corrections are emitted</td></tr>
 *   <tr><td>{@code control-plane-forwarder.top-endpoints}</td><td>{@code 5}</td><td>endpoints listed in each
 *       window's overview (0..50)</td></tr>
 *   <tr><td>{@code control-plane-forwarder.url}</td><td>{@code http://127.0.0.1:8480}</td><td>the control plane's
 *       base URL</td></tr>
 *   <tr><td>{@code control-plane-forwarder.tenant-tokens.<tenant-id>}</td><td>none</td><td>the control-plane token
 *       of each CONTROL_PLANE tenant; a tenant without one cannot be forwarded (auth failure, nothing
 *       committed)</td></tr>
 *   <tr><td>{@code control-plane-forwarder.request-timeout}</td><td>{@code 10s}</td><td>a request without an
 *       answer by then is a retriable failure</td></tr>
 *   <tr><td>{@code control-plane-forwarder.max-endpoints-per-request}</td><td>{@code 1000}</td><td>a tenant's
 *       windows are split into requests of at most this many endpoint aggregates (whole windows)</td></tr>
 *   <tr><td>{@code control-plane-forwarder.topic}</td><td>{@code telemetry.endpoints.v1}</td><td>the enriched
 *       endpoint-stats topic to read ({@code read_committed})</td></tr>
 *   <tr><td>{@code control-plane-forwarder.group-id}</td><td>{@code control-plane-forwarder}</td><td>Kafka consumer
 *       group; any number of instances may share it (each sends partial aggregates of the partitions it reads,
 *       which the control plane merges)</td></tr>
 *   <tr><td>{@code control-plane-forwarder.dead-letter-topic}</td><td>{@code telemetry.dlq.v1}</td><td>where
 *       undecodable records go</td></tr>
 *   <tr><td>{@code control-plane-forwarder.batch.max-records}</td><td>{@code 500}</td><td>records per batch handed
 *       to the aggregator</td></tr>
 *   <tr><td>{@code control-plane-forwarder.batch.max-wait}</td><td>{@code 1s}</td><td>longest wait to fill a
 *       batch</td></tr>
 *   <tr><td>{@code control-plane-forwarder.max-held-records}</td><td>{@code 200000}</td><td>records read but not yet
 *       committable (their windows are open or not yet accepted); beyond it the forwarder stops reading until
 *       windows are accepted. Size it above the topic's rate × ({@code window} + {@code allowed-lateness}); each
 *       costs about 150 bytes (its position, not its value)</td></tr>
 *   <tr><td>{@code control-plane-forwarder.retry.initial-backoff}</td><td>{@code 500ms}</td><td>first delay before
 *       a window is sent again after a retriable answer (doubles, with jitter; never before
 *       {@code Retry-After})</td></tr>
 *   <tr><td>{@code control-plane-forwarder.retry.max-backoff}</td><td>{@code 60s}</td><td>longest such delay unless
 *       the control plane asks for more</td></tr>
 *   <tr><td>{@code control-plane-forwarder.auth-retry-interval}</td><td>{@code 60s}</td><td>how often a tenant's
 *       window is tried again while its token is rejected</td></tr>
 *   <tr><td>{@code control-plane-forwarder.shutdown-timeout}</td><td>{@code 30s}</td><td>how long a stop waits for
 *       the batches being read to be handed over and committed</td></tr>
 *   <tr><td>{@code audit.topic} / {@code audit.retention}</td><td>{@code telemetry.audit.v1} / {@code 7d}</td><td>the
 *       audit trail every accepted request is written to before it counts as accepted (P7)</td></tr>
 * </table>
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

    public static final String WINDOW = "control-plane-forwarder.window";
    public static final String ALLOWED_LATENESS = "control-plane-forwarder.allowed-lateness";
    public static final String CORRECTION_HORIZON = "control-plane-forwarder.correction-horizon";
    public static final String IDLE_TICK = "control-plane-forwarder.idle-tick";
    public static final String TOP_ENDPOINTS = "control-plane-forwarder.top-endpoints";
    public static final String URL = "control-plane-forwarder.url";
    /** Prefix of the per-tenant token keys: {@code control-plane-forwarder.tenant-tokens.<tenant-id>}. */
    public static final String TENANT_TOKENS = "control-plane-forwarder.tenant-tokens";
    public static final String REQUEST_TIMEOUT = "control-plane-forwarder.request-timeout";
    public static final String MAX_ENDPOINTS_PER_REQUEST = "control-plane-forwarder.max-endpoints-per-request";
    public static final String TOPIC = "control-plane-forwarder.topic";
    public static final String GROUP_ID = "control-plane-forwarder.group-id";
    public static final String DEAD_LETTER_TOPIC = "control-plane-forwarder.dead-letter-topic";
    public static final String BATCH_MAX_RECORDS = "control-plane-forwarder.batch.max-records";
    public static final String BATCH_MAX_WAIT = "control-plane-forwarder.batch.max-wait";
    public static final String MAX_HELD_RECORDS = "control-plane-forwarder.max-held-records";
    public static final String RETRY_INITIAL_BACKOFF = "control-plane-forwarder.retry.initial-backoff";
    public static final String RETRY_MAX_BACKOFF = "control-plane-forwarder.retry.max-backoff";
    public static final String AUTH_RETRY_INTERVAL = "control-plane-forwarder.auth-retry-interval";
    public static final String SHUTDOWN_TIMEOUT = "control-plane-forwarder.shutdown-timeout";
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    public ControlPlaneForwarderSettings {
        Objects.requireNonNull(window, WINDOW);
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0
                || window.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException(WINDOW + " must be 1s..1d in whole milliseconds, e.g. 1m; was "
                    + window);
        }
        requireNotNegative(ALLOWED_LATENESS, allowedLateness);
        requireNotNegative(CORRECTION_HORIZON, correctionHorizon);
        Objects.requireNonNull(idleTick, IDLE_TICK);
        if (idleTick.compareTo(Duration.ofMillis(10)) < 0 || idleTick.compareTo(window) > 0) {
            throw new IllegalArgumentException(IDLE_TICK + " must be between 10ms and " + WINDOW + " (" + window
                    + "), was " + idleTick);
        }
        if (topEndpoints < 0 || topEndpoints > 50) {
            throw new IllegalArgumentException(TOP_ENDPOINTS + " must be 0..50, was " + topEndpoints);
        }
        Objects.requireNonNull(controlPlaneUrl, URL);
        String scheme = controlPlaneUrl.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || controlPlaneUrl.getHost() == null
                || (controlPlaneUrl.getPath() != null && !controlPlaneUrl.getPath().isEmpty()
                        && !controlPlaneUrl.getPath().equals("/"))
                || controlPlaneUrl.getQuery() != null) {
            throw new IllegalArgumentException(URL + " must be http(s)://host:port of the control plane (no path),"
                    + " e.g. http://127.0.0.1:8480; was " + controlPlaneUrl);
        }
        Objects.requireNonNull(tenantTokens, TENANT_TOKENS);
        Map<String, String> tokens = new TreeMap<>();
        tenantTokens.forEach((tenant, token) -> {
            if (tenant == null || !TENANT_ID.matcher(tenant).matches()) {
                throw new IllegalArgumentException(TENANT_TOKENS + "." + tenant + ": the tenant id must be 1..128"
                        + " characters of A-Z a-z 0-9 . _ : @ -");
            }
            if (token == null || token.isBlank() || !token.strip().equals(token)
                    || token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
                throw new IllegalArgumentException(TENANT_TOKENS + "." + tenant + " must be the tenant's"
                        + " control-plane token, without spaces or control characters");
            }
            tokens.put(tenant, token);
        });
        tenantTokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        Objects.requireNonNull(requestTimeout, REQUEST_TIMEOUT);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException(REQUEST_TIMEOUT + " must be positive, e.g. 10s, was " + requestTimeout);
        }
        if (maxEndpointsPerRequest < 1 || maxEndpointsPerRequest > 10_000) {
            throw new IllegalArgumentException(MAX_ENDPOINTS_PER_REQUEST + " must be 1..10000, was "
                    + maxEndpointsPerRequest);
        }
        requireTopic(TOPIC, topic);
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException(GROUP_ID + " is empty: name the Kafka consumer group, e.g."
                    + " control-plane-forwarder");
        }
        requireTopic(DEAD_LETTER_TOPIC, deadLetterTopic);
        Objects.requireNonNull(audit, "audit");
        if (batchMaxRecords < 1 || batchMaxRecords > 10_000) {
            throw new IllegalArgumentException(BATCH_MAX_RECORDS + " must be 1..10000, was " + batchMaxRecords);
        }
        requirePositive(BATCH_MAX_WAIT, batchMaxWait);
        if (maxHeldRecords < 1 || maxHeldRecords > 10_000_000) {
            throw new IllegalArgumentException(MAX_HELD_RECORDS + " must be 1..10000000, was " + maxHeldRecords);
        }
        requirePositive(RETRY_INITIAL_BACKOFF, retryInitialBackoff);
        requirePositive(RETRY_MAX_BACKOFF, retryMaxBackoff);
        if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
            throw new IllegalArgumentException(RETRY_MAX_BACKOFF + " (" + retryMaxBackoff + ") must not be shorter"
                    + " than " + RETRY_INITIAL_BACKOFF + " (" + retryInitialBackoff + ")");
        }
        requirePositive(AUTH_RETRY_INTERVAL, authRetryInterval);
        requirePositive(SHUTDOWN_TIMEOUT, shutdownTimeout);
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

    private static void requireTopic(String key, String topic) {
        if (topic == null || !TOPIC_NAME.matcher(topic).matches()) {
            throw new IllegalArgumentException(key + " must be a Kafka topic name (1..249 characters of a-z A-Z 0-9"
                    + " . _ -), was " + topic);
        }
    }

    private static void requirePositive(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was " + d);
        }
    }

    private static void requireNotNegative(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, was " + d);
        }
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
        private Duration window = Duration.ofMinutes(1);
        private Duration allowedLateness = Duration.ofSeconds(30);
        private Duration correctionHorizon = Duration.ofMinutes(10);
        private Duration idleTick = Duration.ofSeconds(1);
        private int topEndpoints = 5;
        private URI controlPlaneUrl = URI.create("http://127.0.0.1:8480");
        private Map<String, String> tenantTokens = new LinkedHashMap<>();
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxEndpointsPerRequest = 1000;
        private String topic = EventKind.ENDPOINTS.enrichedTopic();
        private String groupId = "control-plane-forwarder";
        private String deadLetterTopic = Topics.DEAD_LETTERS;
        private int batchMaxRecords = 500;
        private Duration batchMaxWait = Duration.ofSeconds(1);
        private int maxHeldRecords = 200_000;
        private Duration retryInitialBackoff = Duration.ofMillis(500);
        private Duration retryMaxBackoff = Duration.ofSeconds(60);
        private Duration authRetryInterval = Duration.ofSeconds(60);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
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
