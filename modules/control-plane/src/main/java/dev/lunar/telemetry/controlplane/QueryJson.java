package dev.lunar.telemetry.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.controlplane.StoredRows.EndpointRow;
import dev.lunar.telemetry.controlplane.StoredRows.EndpointRows;
import dev.lunar.telemetry.controlplane.StoredRows.EndpointTotal;
import dev.lunar.telemetry.controlplane.StoredRows.OverviewRow;
import dev.lunar.telemetry.controlplane.StoredRows.ProviderTotal;
import dev.lunar.telemetry.controlplane.StoredRows.SeriesPoint;
import dev.lunar.telemetry.controlplane.StoredRows.Summary;
import dev.lunar.telemetry.controlplane.StoredRows.UpsertResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** The JSON answers of the API. Derived numbers (error rate, average latency) are computed here, once. */
final class QueryJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private QueryJson() {}

    static ObjectNode error(String code, String message) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("error", code);
        n.put("message", message);
        return n;
    }

    static ObjectNode upserted(String tenant, int windows, UpsertResult r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("tenant", tenant);
        n.put("windows", windows);
        ObjectNode ep = n.putObject("endpoints");
        ep.put("stored", r.endpointsStored());
        ep.put("ignoredStale", r.endpointsStale());
        ObjectNode ov = n.putObject("overviews");
        ov.put("stored", r.overviewsStored());
        ov.put("ignoredStale", r.overviewsStale());
        return n;
    }

    static ObjectNode aggregates(String tenant, Instant from, Instant to, EndpointRows rows) {
        ObjectNode n = range(tenant, from, to);
        n.put("truncated", rows.truncated());
        ArrayNode arr = n.putArray("endpoints");
        for (EndpointRow r : rows.rows()) {
            ObjectNode e = arr.addObject();
            e.put("windowStart", r.windowStart().toString());
            e.put("windowLengthMs", r.windowLengthMs());
            e.put("idempotencyKey", r.idempotencyKey());
            e.put("provider", r.provider());
            e.put("method", r.method());
            e.put("pathTemplate", r.pathTemplate());
            e.put("sourceEvents", r.sourceEvents());
            e.put("calls", r.calls());
            e.put("errors", r.errors());
            e.put("errorRate", rate(r.errors(), r.calls()));
            classes(e, r.status2xx(), r.status3xx(), r.status4xx(), r.status5xx());
            ObjectNode l = e.putObject("latency");
            l.put("sumMs", r.latencySumMs());
            l.put("avgMs", avg(r.latencySumMs(), r.calls()));
            l.put("maxMs", r.latencyMaxMs());
            putNullable(l, "p95Ms", r.latencyP95Ms());
            e.put("updatedAt", r.updatedAt().toString());
        }
        return n;
    }

    static ObjectNode windows(String tenant, Instant from, Instant to, List<OverviewRow> rows) {
        ObjectNode n = range(tenant, from, to);
        ArrayNode arr = n.putArray("windows");
        for (OverviewRow r : rows) {
            ObjectNode w = arr.addObject();
            w.put("windowStart", r.windowStart().toString());
            w.put("windowLengthMs", r.windowLengthMs());
            w.put("idempotencyKey", r.idempotencyKey());
            w.put("sourceEvents", r.sourceEvents());
            w.put("calls", r.calls());
            w.put("errors", r.errors());
            w.put("errorRate", rate(r.errors(), r.calls()));
            w.put("providers", r.providers());
            w.set("topEndpoints", parse(r.topEndpointsJson()));
            w.put("updatedAt", r.updatedAt().toString());
        }
        return n;
    }

    /**
     * What was sent about {@code tenant}: per accepted request, where it went, when, the hash of the whole body (to
     * match the audit trail) and this tenant's entries of it only.
     */
    static ObjectNode sent(String tenant, Instant from, Instant to, List<SentEntries.Share> rows) {
        ObjectNode n = range(tenant, from, to);
        ArrayNode arr = n.putArray("requests");
        for (SentEntries.Share r : rows) {
            ObjectNode o = arr.addObject();
            o.put("time", Instant.ofEpochMilli(r.recordedAtMs()).toString());
            o.put("destination", r.destination());
            o.put("destinationHost", r.destinationHost());
            o.put("bodySha256", r.bodySha256());
            o.put("bodyEntries", r.bodyEntries());
            o.put("entryCount", r.entries());
            o.put("chainId", r.chainId());
            o.put("sequence", r.sequence());
            o.set("entries", parse(r.entriesJson()));
        }
        return n;
    }

    static ObjectNode summary(String tenant, Instant from, Instant to, Summary s) {
        ObjectNode n = range(tenant, from, to);
        ObjectNode t = n.putObject("totals");
        t.put("windows", s.windows());
        t.put("calls", s.calls());
        t.put("errors", s.errors());
        t.put("errorRate", rate(s.errors(), s.calls()));
        t.put("providers", s.providers().size());
        t.put("endpoints", s.endpoints().size());
        t.put("latencyAvgMs", avg(s.latencySumMs(), s.calls()));
        t.put("latencyMaxMs", s.latencyMaxMs());
        ArrayNode providers = n.putArray("providers");
        for (ProviderTotal p : s.providers()) {
            ObjectNode o = providers.addObject();
            o.put("provider", p.provider());
            o.put("endpoints", p.endpoints());
            o.put("calls", p.calls());
            o.put("errors", p.errors());
            o.put("errorRate", rate(p.errors(), p.calls()));
            o.put("latencyAvgMs", avg(p.latencySumMs(), p.calls()));
            o.put("latencyMaxMs", p.latencyMaxMs());
        }
        ArrayNode endpoints = n.putArray("endpoints");
        for (EndpointTotal e : s.endpoints()) {
            ObjectNode o = endpoints.addObject();
            o.put("provider", e.provider());
            o.put("method", e.method());
            o.put("pathTemplate", e.pathTemplate());
            o.put("calls", e.calls());
            o.put("errors", e.errors());
            o.put("errorRate", rate(e.errors(), e.calls()));
            classes(o, e.status2xx(), e.status3xx(), e.status4xx(), e.status5xx());
            o.put("latencyAvgMs", avg(e.latencySumMs(), e.calls()));
            o.put("latencyMaxMs", e.latencyMaxMs());
            putNullable(o, "latencyWorstWindowP95Ms", e.worstWindowP95Ms());
        }
        ArrayNode series = n.putArray("series");
        for (SeriesPoint p : s.series()) {
            ObjectNode o = series.addObject();
            o.put("windowStart", p.windowStart().toString());
            o.put("windowLengthMs", p.windowLengthMs());
            o.put("calls", p.calls());
            o.put("errors", p.errors());
        }
        return n;
    }

    static double rate(long errors, long calls) {
        return calls == 0 ? 0.0 : (double) errors / calls;
    }

    static double avg(long sum, long calls) {
        return calls == 0 ? 0.0 : (double) sum / calls;
    }

    private static ObjectNode range(String tenant, Instant from, Instant to) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("tenant", tenant);
        n.put("from", from.toString());
        n.put("to", to.toString());
        return n;
    }

    private static void classes(ObjectNode o, long s2, long s3, long s4, long s5) {
        ObjectNode c = o.putObject("statusClasses");
        c.put("2xx", s2);
        c.put("3xx", s3);
        c.put("4xx", s4);
        c.put("5xx", s5);
    }

    private static void putNullable(ObjectNode o, String field, Double value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
