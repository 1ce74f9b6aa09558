package dev.lunar.telemetry.controlplane;

import dev.lunar.telemetry.events.LatencyHistogram;
import java.time.Instant;
import java.util.List;

/**
 * One validated {@code PUT /api/v1/aggregates} body: a tenant's windows, each with its endpoints and overview. A
 * window is either whole (wire format v1: {@code sourcePartition} -1) or one source partition's partial of it (v2:
 * the partition, the overview's top-endpoints limit and each endpoint's latency histogram, which merging needs).
 */
record AggregateBatch(String tenant, List<Window> windows) {

    record Window(Instant windowStart, long windowLengthMs, int sourcePartition, String idempotencyKey,
            long sourceEvents, Overview overview, List<Endpoint> endpoints) {}

    /** @param topEndpointsLimit how many endpoints the forwarder lists at most; null in v1 */
    record Overview(long calls, long errors, int providers, List<TopEndpoint> topEndpoints,
            Integer topEndpointsLimit) {}

    record TopEndpoint(String provider, String method, String pathTemplate, long calls, long errors) {}

    record Endpoint(String idempotencyKey, String provider, String method, String pathTemplate, long sourceEvents,
            long calls, long errors, long status2xx, long status3xx, long status4xx, long status5xx,
            long latencySumMs, long latencyMaxMs, Double latencyP95Ms, LatencyHistogram histogram) {}

    int endpointCount() {
        return windows.stream().mapToInt(w -> w.endpoints().size()).sum();
    }
}
