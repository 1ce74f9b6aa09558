package dev.lunar.telemetry.controlplane;

import java.time.Instant;
import java.util.List;

/** One validated {@code PUT /api/v1/aggregates} body: a tenant's windows, each with its endpoints and overview. */
record AggregateBatch(String tenant, List<Window> windows) {

    record Window(Instant windowStart, long windowLengthMs, String idempotencyKey, long sourceEvents,
            Overview overview, List<Endpoint> endpoints) {}

    record Overview(long calls, long errors, int providers, List<TopEndpoint> topEndpoints) {}

    record TopEndpoint(String provider, String method, String pathTemplate, long calls, long errors) {}

    record Endpoint(String idempotencyKey, String provider, String method, String pathTemplate, long sourceEvents,
            long calls, long errors, long status2xx, long status3xx, long status4xx, long status5xx,
            long latencySumMs, long latencyMaxMs, Double latencyP95Ms) {}

    int endpointCount() {
        return windows.stream().mapToInt(w -> w.endpoints().size()).sum();
    }
}
