package dev.lunar.telemetry.controlplane.forwarder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A tenant's whole window: total API calls, errors, error rate, number of providers, and the busiest endpoints.
 * Keyed by (tenant, window start, window length) — {@link #idempotencyKey()}.
 *
 * @param topEndpoints the endpoints with the most calls, most first (ties: more errors first, then by key)
 */
public record WindowOverview(String tenantId, Instant windowStart, Duration windowLength, long sourceEvents,
        long calls, long errors, int providers, List<TopEndpoint> topEndpoints) {

    /** One of a window's busiest endpoints. */
    public record TopEndpoint(EndpointKey endpoint, long calls, long errors) {}

    public WindowOverview {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowLength, "windowLength");
        topEndpoints = List.copyOf(topEndpoints);
    }

    /** {@link #errors()} / {@link #calls()}, 0 without calls. */
    public double errorRate() {
        return calls == 0 ? 0.0 : (double) errors / calls;
    }

    /** {@code tenant|windowStart|windowLengthMs}. */
    public String idempotencyKey() {
        return IdempotencyKeys.window(tenantId, windowStart, windowLength);
    }
}
