package dev.lunar.telemetry.controlplane.forwarder;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a CONTROL_PLANE tenant's dashboard gets for one endpoint in one window (P6): calls, status classes, errors,
 * latency, from the events of one source partition (-1: of the whole topic). Keyed by (tenant, window start, window
 * length, source partition, provider, method, path template) — {@link #idempotencyKey()}.
 *
 * @param sourceEvents   distinct endpoint-stats events merged into this aggregate (the control plane keeps the row
 *                       computed from the most events)
 * @param calls          calls in the window (sum of the events' {@code count})
 * @param statusClasses  calls per status class; {@link #errors()} = 4xx + 5xx
 * @param latencySumMs   sum of provider latencies, for the average
 * @param latencyMaxMs   largest provider latency seen
 * @param latencyP95Ms   95th percentile estimated from the merged histogram buckets, see
 *                       {@link WindowedEndpointAggregator}; empty when no event carried a histogram
 * @param latencyBuckets the merged histogram: calls per bucket upper bound (ms, non-cumulative), so that the control
 *                       plane can merge the partials' histograms bucket by bucket
 * @param latencyOverflow calls above the last bucket's bound
 */
record EndpointAggregate(String tenantId, Instant windowStart, Duration windowLength, int sourcePartition,
        EndpointKey endpoint, long sourceEvents, long calls, StatusClasses statusClasses, long latencySumMs,
        long latencyMaxMs, OptionalDouble latencyP95Ms, SortedMap<Long, Long> latencyBuckets, long latencyOverflow) {

    /** A whole window's aggregate (no source partition) without a histogram. */
    public EndpointAggregate(String tenantId, Instant windowStart, Duration windowLength, EndpointKey endpoint,
                             long sourceEvents, long calls, StatusClasses statusClasses, long latencySumMs,
                             long latencyMaxMs, OptionalDouble latencyP95Ms) {
        this(tenantId, windowStart, windowLength, -1, endpoint, sourceEvents, calls, statusClasses, latencySumMs,
                latencyMaxMs, latencyP95Ms, new TreeMap<>(), 0);
    }

    public EndpointAggregate {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowLength, "windowLength");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(statusClasses, "statusClasses");
        Objects.requireNonNull(latencyP95Ms, "latencyP95Ms");
        latencyBuckets = Collections.unmodifiableSortedMap(new TreeMap<>(latencyBuckets));
    }

    /** Calls answered 400..599. */
    public long errors() {
        return statusClasses.errors();
    }

    /** {@link #errors()} / {@link #calls()}, 0 without calls. */
    public double errorRate() {
        return calls == 0 ? 0.0 : (double) errors() / calls;
    }

    /** {@link #latencySumMs()} / {@link #calls()}, 0 without calls. */
    public double latencyAvgMs() {
        return calls == 0 ? 0.0 : (double) latencySumMs / calls;
    }

    /** {@code tenant|windowStart|windowLengthMs|p<sourcePartition>|provider|METHOD pathTemplate}. */
    public String idempotencyKey() {
        return IdempotencyKeys.endpoint(tenantId, windowStart, windowLength, sourcePartition, endpoint);
    }
}
