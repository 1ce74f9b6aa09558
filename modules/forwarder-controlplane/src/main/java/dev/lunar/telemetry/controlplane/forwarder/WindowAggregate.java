package dev.lunar.telemetry.controlplane.forwarder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the control plane gets for one tenant's window from one source partition (a partial, which the control
 * plane merges with the other partitions' at query time; partition -1: the whole window): one aggregate per endpoint
 * (ordered by {@link EndpointKey}) and the partial's overview. Emitted once when the window closes
 * ({@code revision} 0) and again, complete, after late data ({@code revision} 1, 2, ...): the same idempotency keys,
 * so the control plane replaces rows instead of adding them.
 */
record WindowAggregate(String tenantId, Instant windowStart, Duration windowLength, int revision,
        List<EndpointAggregate> endpoints, WindowOverview overview) {

    public WindowAggregate {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowLength, "windowLength");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(overview, "overview");
    }

    /** Whether this replaces an earlier emission of the same window. */
    public boolean isCorrection() {
        return revision > 0;
    }

    /** Distinct events merged into this window. */
    public long sourceEvents() {
        return overview.sourceEvents();
    }

    /** End of the window (exclusive). */
    public Instant windowEnd() {
        return windowStart.plus(windowLength);
    }

    /** The source partition of the partial, -1 for a whole window. */
    public int sourcePartition() {
        return overview.sourcePartition();
    }

    /** {@code tenant|windowStart|windowLengthMs|p<sourcePartition>}. */
    public String idempotencyKey() {
        return overview.idempotencyKey();
    }
}
