package dev.lunar.telemetry.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.controlplane.StoredRows.EndpointRow;
import dev.lunar.telemetry.controlplane.StoredRows.EndpointTotal;
import dev.lunar.telemetry.controlplane.StoredRows.OverviewPartial;
import dev.lunar.telemetry.controlplane.StoredRows.OverviewRow;
import dev.lunar.telemetry.controlplane.StoredRows.PartialRow;
import dev.lunar.telemetry.controlplane.StoredRows.ProviderTotal;
import dev.lunar.telemetry.controlplane.StoredRows.SeriesPoint;
import dev.lunar.telemetry.controlplane.StoredRows.Summary;
import dev.lunar.telemetry.events.LatencyHistogram;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * Query-time merging of partial aggregates, as plain functions. Each control-plane forwarder instance sends, per
 * source partition it reads, a partial of each (tenant, window, endpoint); the control plane keeps each partial by
 * its own key (the version with more source events wins) and answers queries with their merge:
 *
 * <ul>
 *   <li>calls, errors, status classes, latency sum and source events are summed; latency max is the largest;</li>
 *   <li>latency histograms are merged bucket by bucket and p95 is computed from the merge
 *       ({@link LatencyHistogram}); a single row keeps its stored p95;</li>
 *   <li>a window's overview is computed from its merged endpoints (calls, errors, distinct providers, the busiest
 *       endpoints up to the forwarder's limit).</li>
 * </ul>
 *
 * <p>A whole-window row (written before partials existed, or by a forwarder of that version) and partials of the
 * same endpoint are two versions of the same figures, never added: the one built from more source events wins, as
 * for any row.
 */
final class PartialMerge {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final double P95 = 0.95;
    /** The busiest-endpoint order of the forwarder: calls, then errors, most first; then provider, path, method. */
    static final Comparator<EndpointRow> BUSIEST = Comparator.comparingLong(EndpointRow::calls).reversed()
            .thenComparing(Comparator.comparingLong(EndpointRow::errors).reversed())
            .thenComparing(EndpointRow::provider).thenComparing(EndpointRow::pathTemplate)
            .thenComparing(EndpointRow::method);

    private PartialMerge() {}

    /** Whether two stored rows are of the same (window, endpoint). */
    static boolean sameEndpoint(PartialRow a, PartialRow b) {
        return a.windowStart().equals(b.windowStart()) && a.windowLengthMs() == b.windowLengthMs()
                && a.provider().equals(b.provider()) && a.method().equals(b.method())
                && a.pathTemplate().equals(b.pathTemplate());
    }

    /** The rows of one (window, endpoint), at most one whole and any partials, as one. */
    static EndpointRow mergeEndpoint(String tenant, List<PartialRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        PartialRow whole = null;
        List<PartialRow> partials = new ArrayList<>(rows.size());
        long partialEvents = 0;
        for (PartialRow r : rows) {
            if (!sameEndpoint(r, rows.get(0))) {
                throw new IllegalArgumentException("rows of different endpoints or windows: " + rows);
            }
            if (r.whole()) {
                whole = r;
            } else {
                partials.add(r);
                partialEvents += r.sourceEvents();
            }
        }
        if (whole != null && (partials.isEmpty() || whole.sourceEvents() > partialEvents)) {
            return asEndpoint(tenant, whole, whole.latencyP95Ms());
        }
        if (partials.size() == 1) {
            return asEndpoint(tenant, partials.get(0), partials.get(0).latencyP95Ms());
        }
        PartialRow first = partials.get(0);
        long events = 0;
        long calls = 0;
        long errors = 0;
        long s2 = 0;
        long s3 = 0;
        long s4 = 0;
        long s5 = 0;
        long latencySum = 0;
        long latencyMax = 0;
        Instant updated = first.updatedAt();
        LatencyHistogram histogram = LatencyHistogram.EMPTY;
        for (PartialRow r : partials) {
            events += r.sourceEvents();
            calls += r.calls();
            errors += r.errors();
            s2 += r.status2xx();
            s3 += r.status3xx();
            s4 += r.status4xx();
            s5 += r.status5xx();
            latencySum += r.latencySumMs();
            latencyMax = Math.max(latencyMax, r.latencyMaxMs());
            histogram = histogram.plus(LatencyHistogram.parse(r.histogram()));
            if (r.updatedAt().isAfter(updated)) {
                updated = r.updatedAt();
            }
        }
        OptionalDouble p95 = histogram.quantile(P95, latencyMax);
        return new EndpointRow(first.windowStart(), first.windowLengthMs(), key(tenant, first), first.provider(),
                first.method(), first.pathTemplate(), events, calls, errors, s2, s3, s4, s5, latencySum, latencyMax,
                p95.isPresent() ? p95.getAsDouble() : null, updated);
    }

    private static EndpointRow asEndpoint(String tenant, PartialRow r, Double p95) {
        return new EndpointRow(r.windowStart(), r.windowLengthMs(), key(tenant, r), r.provider(), r.method(),
                r.pathTemplate(), r.sourceEvents(), r.calls(), r.errors(), r.status2xx(), r.status3xx(),
                r.status4xx(), r.status5xx(), r.latencySumMs(), r.latencyMaxMs(), p95, r.updatedAt());
    }

    /** The key the query API has always shown: the whole window's, without a partition. */
    private static String key(String tenant, PartialRow r) {
        return Identifiers.endpointKey(tenant, r.windowStart(), r.windowLengthMs(), r.provider(), r.method(),
                r.pathTemplate());
    }

    /**
     * One window's overview from its stored overview rows and its merged endpoints. A window with only a whole row
     * answers that row as stored; otherwise the figures come from the merged endpoints, and the busiest endpoints are
     * listed up to the largest limit a partial gave (or the whole row's list length).
     */
    static OverviewRow mergeWindow(String tenant, List<OverviewPartial> overviews, List<EndpointRow> endpoints) {
        if (overviews.isEmpty()) {
            throw new IllegalArgumentException("a window without overview rows");
        }
        OverviewPartial first = overviews.get(0);
        if (overviews.size() == 1 && first.whole()) {
            return new OverviewRow(first.windowStart(), first.windowLengthMs(), first.idempotencyKey(),
                    first.sourceEvents(), first.calls(), first.errors(), first.providers(), first.topEndpointsJson(),
                    first.updatedAt());
        }
        int limit = 0;
        Instant updated = first.updatedAt();
        for (OverviewPartial o : overviews) {
            limit = Math.max(limit, o.topEndpointsLimit() != null ? o.topEndpointsLimit() : listLength(o));
            if (o.updatedAt().isAfter(updated)) {
                updated = o.updatedAt();
            }
        }
        long events = 0;
        long calls = 0;
        long errors = 0;
        Set<String> providers = new HashSet<>();
        for (EndpointRow e : endpoints) {
            events += e.sourceEvents();
            calls += e.calls();
            errors += e.errors();
            providers.add(e.provider());
        }
        List<Map<String, Object>> top = new ArrayList<>();
        endpoints.stream().sorted(BUSIEST).limit(limit).forEach(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", e.provider());
            m.put("method", e.method());
            m.put("pathTemplate", e.pathTemplate());
            m.put("calls", e.calls());
            m.put("errors", e.errors());
            top.add(m);
        });
        String topJson;
        try {
            topJson = JSON.writeValueAsString(top);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new OverviewRow(first.windowStart(), first.windowLengthMs(),
                Identifiers.windowKey(tenant, first.windowStart(), first.windowLengthMs()), events, calls, errors,
                providers.size(), topJson, updated);
    }

    private static int listLength(OverviewPartial o) {
        try {
            JsonNode list = JSON.readTree(o.topEndpointsJson());
            return list == null ? 0 : list.size();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored top endpoints are not JSON: " + o.topEndpointsJson(), e);
        }
    }

    /** Totals over merged endpoint rows, fed one at a time in any order: overall, per provider, endpoint, window. */
    static final class SummaryBuilder {
        private final int maxEndpoints;
        private final Set<Instant> windows = new HashSet<>();
        private long calls;
        private long errors;
        private long latencySum;
        private long latencyMax;
        private final Map<String, ProviderSums> providers = new HashMap<>();
        private final Map<List<String>, EndpointSums> endpoints = new HashMap<>();
        private final TreeMap<Instant, long[]> series = new TreeMap<>();

        SummaryBuilder(int maxEndpoints) {
            this.maxEndpoints = maxEndpoints;
        }

        private static final class ProviderSums {
            final Set<String> endpoints = new HashSet<>();
            long calls;
            long errors;
            long latencySum;
            long latencyMax;
        }

        private static final class EndpointSums {
            long calls;
            long errors;
            long s2;
            long s3;
            long s4;
            long s5;
            long latencySum;
            long latencyMax;
            Double worstP95;
        }

        void add(EndpointRow e) {
            windows.add(e.windowStart());
            calls += e.calls();
            errors += e.errors();
            latencySum += e.latencySumMs();
            latencyMax = Math.max(latencyMax, e.latencyMaxMs());
            ProviderSums p = providers.computeIfAbsent(e.provider(), k -> new ProviderSums());
            p.endpoints.add(e.method() + " " + e.pathTemplate());
            p.calls += e.calls();
            p.errors += e.errors();
            p.latencySum += e.latencySumMs();
            p.latencyMax = Math.max(p.latencyMax, e.latencyMaxMs());
            EndpointSums s = endpoints.computeIfAbsent(List.of(e.provider(), e.method(), e.pathTemplate()),
                    k -> new EndpointSums());
            s.calls += e.calls();
            s.errors += e.errors();
            s.s2 += e.status2xx();
            s.s3 += e.status3xx();
            s.s4 += e.status4xx();
            s.s5 += e.status5xx();
            s.latencySum += e.latencySumMs();
            s.latencyMax = Math.max(s.latencyMax, e.latencyMaxMs());
            if (e.latencyP95Ms() != null && (s.worstP95 == null || e.latencyP95Ms() > s.worstP95)) {
                s.worstP95 = e.latencyP95Ms();
            }
            long[] point = series.computeIfAbsent(e.windowStart(), k -> new long[3]);
            point[0] = Math.max(point[0], e.windowLengthMs());
            point[1] += e.calls();
            point[2] += e.errors();
        }

        Summary build() {
            List<ProviderTotal> providerTotals = providers.entrySet().stream()
                    .map(p -> new ProviderTotal(p.getKey(), p.getValue().endpoints.size(), p.getValue().calls,
                            p.getValue().errors, p.getValue().latencySum, p.getValue().latencyMax))
                    .sorted(Comparator.comparingLong(ProviderTotal::calls).reversed()
                            .thenComparing(ProviderTotal::provider))
                    .toList();
            List<EndpointTotal> endpointTotals = endpoints.entrySet().stream()
                    .map(e -> {
                        EndpointSums s = e.getValue();
                        return new EndpointTotal(e.getKey().get(0), e.getKey().get(1), e.getKey().get(2), s.calls,
                                s.errors, s.s2, s.s3, s.s4, s.s5, s.latencySum, s.latencyMax, s.worstP95);
                    })
                    .sorted(Comparator.comparingLong(EndpointTotal::calls).reversed()
                            .thenComparing(EndpointTotal::provider).thenComparing(EndpointTotal::method)
                            .thenComparing(EndpointTotal::pathTemplate))
                    .limit(maxEndpoints)
                    .toList();
            List<SeriesPoint> points = series.entrySet().stream()
                    .map(p -> new SeriesPoint(p.getKey(), p.getValue()[0], p.getValue()[1], p.getValue()[2]))
                    .toList();
            return new Summary(windows.size(), calls, errors, latencySum, latencyMax, providerTotals, endpointTotals,
                    points);
        }
    }
}
