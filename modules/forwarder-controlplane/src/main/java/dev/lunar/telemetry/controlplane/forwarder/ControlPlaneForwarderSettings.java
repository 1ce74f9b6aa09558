package dev.lunar.telemetry.controlplane.forwarder;

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
        int maxEndpointsPerRequest) {

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
                + maxEndpointsPerRequest + "]";
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

        public ControlPlaneForwarderSettings build() {
            return new ControlPlaneForwarderSettings(window, allowedLateness, correctionHorizon, idleTick,
                    topEndpoints, controlPlaneUrl, tenantTokens, requestTimeout, maxEndpointsPerRequest);
        }
    }
}
