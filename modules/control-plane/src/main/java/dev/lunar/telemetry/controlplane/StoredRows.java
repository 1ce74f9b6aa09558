package dev.lunar.telemetry.controlplane;

import dev.lunar.telemetry.events.LatencyHistogram;
import java.time.Instant;
import java.util.List;

/** What the store answers to queries. */
final class StoredRows {
    private StoredRows() {}

    record EndpointRow(Instant windowStart, long windowLengthMs, String idempotencyKey, String provider,
            String method, String pathTemplate, long sourceEvents, long calls, long errors, long status2xx,
            long status3xx, long status4xx, long status5xx, long latencySumMs, long latencyMaxMs,
            Double latencyP95Ms, Instant updatedAt) {}

    record OverviewRow(Instant windowStart, long windowLengthMs, String idempotencyKey, long sourceEvents,
            long calls, long errors, int providers, String topEndpointsJson, Instant updatedAt) {}

    record EndpointRows(List<EndpointRow> rows, boolean truncated) {}

    /**
     * One stored endpoint row: a whole window's ({@code sourcePartition} -1, written before partials or by a v1
     * forwarder) or one source partition's partial. {@code histogram} is {@link LatencyHistogram}'s text, null for a
     * whole window's row.
     */
    record PartialRow(Instant windowStart, long windowLengthMs, int sourcePartition, String provider, String method,
            String pathTemplate, long sourceEvents, long calls, long errors, long status2xx, long status3xx,
            long status4xx, long status5xx, long latencySumMs, long latencyMaxMs, Double latencyP95Ms,
            String histogram, Instant updatedAt) {

        boolean whole() {
            return sourcePartition < 0;
        }
    }

    /** One stored overview row: a whole window's ({@code sourcePartition} -1) or one source partition's partial. */
    record OverviewPartial(Instant windowStart, long windowLengthMs, int sourcePartition, String idempotencyKey,
            long sourceEvents, long calls, long errors, int providers, String topEndpointsJson,
            Integer topEndpointsLimit, Instant updatedAt) {

        boolean whole() {
            return sourcePartition < 0;
        }
    }

    record ProviderTotal(String provider, int endpoints, long calls, long errors, long latencySumMs,
            long latencyMaxMs) {}

    record EndpointTotal(String provider, String method, String pathTemplate, long calls, long errors,
            long status2xx, long status3xx, long status4xx, long status5xx, long latencySumMs, long latencyMaxMs,
            Double worstWindowP95Ms) {}

    record SeriesPoint(Instant windowStart, long windowLengthMs, long calls, long errors) {}

    record Summary(long windows, long calls, long errors, long latencySumMs, long latencyMaxMs,
            List<ProviderTotal> providers, List<EndpointTotal> endpoints, List<SeriesPoint> series) {}

    /** How many rows of a batch were written, and how many were ignored as stale (fewer source events). */
    record UpsertResult(int endpointsStored, int endpointsStale, int overviewsStored, int overviewsStale) {}
}
