package dev.lunar.telemetry.controlplane.forwarder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A tenant's window as seen in one source partition (or the whole window, partition -1): total API calls, errors,
 * error rate, number of providers, and the busiest endpoints. Keyed by (tenant, window start, window length, source
 * partition) — {@link #idempotencyKey()}.
 *
 * @param topEndpoints      the endpoints with the most calls, most first (ties: more errors first, then by key)
 * @param topEndpointsLimit how many endpoints {@code topEndpoints} lists at most: the control plane lists as many
 *                          of the merged window's busiest endpoints
 */
record WindowOverview(String tenantId, Instant windowStart, Duration windowLength, int sourcePartition,
        long sourceEvents, long calls, long errors, int providers, List<TopEndpoint> topEndpoints,
        int topEndpointsLimit) {

    /** One of a window's busiest endpoints. */
    public record TopEndpoint(EndpointKey endpoint, long calls, long errors) {}

    public WindowOverview {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowLength, "windowLength");
        topEndpoints = List.copyOf(topEndpoints);
    }

    /** A whole window's overview (no source partition), listing at most as many endpoints as it lists. */
    public WindowOverview(String tenantId, Instant windowStart, Duration windowLength, long sourceEvents, long calls,
                          long errors, int providers, List<TopEndpoint> topEndpoints) {
        this(tenantId, windowStart, windowLength, -1, sourceEvents, calls, errors, providers, topEndpoints,
                topEndpoints.size());
    }

    /** {@link #errors()} / {@link #calls()}, 0 without calls. */
    public double errorRate() {
        return calls == 0 ? 0.0 : (double) errors / calls;
    }

    /** {@code tenant|windowStart|windowLengthMs|p<sourcePartition>}. */
    public String idempotencyKey() {
        return IdempotencyKeys.window(tenantId, windowStart, windowLength, sourcePartition);
    }
}
