package dev.lunar.telemetry.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds wire-format batches for tests; the overview is computed from the endpoints, as the forwarder does. */
final class Batches {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MINUTE = 60_000;

    private Batches() {}

    /** One endpoint of a window: classes give calls (plus {@code otherCalls}) and errors = 4xx + 5xx. */
    record Ep(String provider, String method, String path, long sourceEvents, long s2, long s3, long s4, long s5,
            long otherCalls, long latencySumMs, long latencyMaxMs, Double p95) {
        long calls() {
            return s2 + s3 + s4 + s5 + otherCalls;
        }

        long errors() {
            return s4 + s5;
        }
    }

    static Ep ep(String provider, String method, String path, long s2, long s3, long s4, long s5, long latencySumMs,
            long latencyMaxMs, Double p95) {
        return new Ep(provider, method, path, 1, s2, s3, s4, s5, 0, latencySumMs, latencyMaxMs, p95);
    }

    static Ep withSourceEvents(Ep e, long sourceEvents) {
        return new Ep(e.provider(), e.method(), e.path(), sourceEvents, e.s2(), e.s3(), e.s4(), e.s5(),
                e.otherCalls(), e.latencySumMs(), e.latencyMaxMs(), e.p95());
    }

    static ObjectNode window(String tenant, Instant start, List<Ep> endpoints) {
        return window(tenant, start, MINUTE, endpoints);
    }

    static ObjectNode window(String tenant, Instant start, long lengthMs, List<Ep> endpoints) {
        ObjectNode w = JSON.createObjectNode();
        w.put("windowStart", start.toString());
        w.put("windowLengthMs", lengthMs);
        w.put("idempotencyKey", tenant + "|" + start + "|" + lengthMs);
        w.put("sourceEvents", endpoints.stream().mapToLong(Ep::sourceEvents).sum());
        long calls = endpoints.stream().mapToLong(Ep::calls).sum();
        long errors = endpoints.stream().mapToLong(Ep::errors).sum();
        Set<String> providers = new HashSet<>();
        endpoints.forEach(e -> providers.add(e.provider()));
        ObjectNode o = w.putObject("overview");
        o.put("calls", calls);
        o.put("errors", errors);
        o.put("providers", providers.size());
        ArrayNode top = o.putArray("topEndpoints");
        endpoints.stream().sorted(Comparator.comparingLong(Ep::calls).reversed()).limit(5).forEach(e -> {
            ObjectNode t = top.addObject();
            t.put("provider", e.provider());
            t.put("method", e.method());
            t.put("pathTemplate", e.path());
            t.put("calls", e.calls());
            t.put("errors", e.errors());
        });
        ArrayNode arr = w.putArray("endpoints");
        for (Ep e : endpoints) {
            ObjectNode n = arr.addObject();
            n.put("idempotencyKey", tenant + "|" + start + "|" + lengthMs + "|" + e.provider() + "|" + e.method()
                    + " " + e.path());
            n.put("provider", e.provider());
            n.put("method", e.method());
            n.put("pathTemplate", e.path());
            n.put("sourceEvents", e.sourceEvents());
            n.put("calls", e.calls());
            n.put("errors", e.errors());
            ObjectNode c = n.putObject("statusClasses");
            c.put("2xx", e.s2());
            c.put("3xx", e.s3());
            c.put("4xx", e.s4());
            c.put("5xx", e.s5());
            ObjectNode l = n.putObject("latency");
            l.put("sumMs", e.latencySumMs());
            l.put("maxMs", e.latencyMaxMs());
            if (e.p95() == null) {
                l.putNull("p95Ms");
            } else {
                l.put("p95Ms", e.p95());
            }
        }
        return w;
    }

    /**
     * {@code window}'s partial of one source partition (wire format v2): the partition, keys with {@code |p<n>}, the
     * top-endpoints limit (5, as {@link #window} lists) and, per endpoint in order, its histogram as bound/count pairs
     * (the last number, after the pairs, when the array has odd length, is the overflow count).
     */
    static ObjectNode partial(ObjectNode window, int partition, long[]... histograms) {
        ObjectNode w = window.deepCopy();
        w.put("sourcePartition", partition);
        w.put("idempotencyKey", w.get("idempotencyKey").asText() + "|p" + partition);
        ((ObjectNode) w.get("overview")).put("topEndpointsLimit", 5);
        ArrayNode endpoints = (ArrayNode) w.get("endpoints");
        for (int i = 0; i < endpoints.size(); i++) {
            ObjectNode e = (ObjectNode) endpoints.get(i);
            String key = e.get("idempotencyKey").asText();
            int third = key.indexOf('|', key.indexOf('|', key.indexOf('|') + 1) + 1);
            e.put("idempotencyKey", key.substring(0, third) + "|p" + partition + key.substring(third));
            ObjectNode l = (ObjectNode) e.get("latency");
            ArrayNode buckets = l.putArray("buckets");
            long[] h = i < histograms.length ? histograms[i] : new long[0];
            for (int k = 0; k + 1 < h.length; k += 2) {
                buckets.addObject().put("leMs", h[k]).put("count", h[k + 1]);
            }
            l.put("overflowCount", h.length % 2 == 1 ? h[h.length - 1] : 0);
        }
        return w;
    }

    static ObjectNode batch(String tenant, ObjectNode... windows) {
        ObjectNode b = JSON.createObjectNode();
        b.put("tenant", tenant);
        ArrayNode arr = b.putArray("windows");
        for (ObjectNode w : windows) {
            arr.add(w);
        }
        return b;
    }

    /**
     * The dashboard's seeded dataset: six one-minute windows from {@code start}, three endpoints on two providers.
     * Totals, by hand: calls 700 + 240 + 360 = 1,300; errors 32 + 8 + 3 = 43 (3.31 %); latency sum
     * 700·120 + 240·300 + 360·80 = 184,800 ms (average 142.15 ms).
     */
    static ObjectNode seededDataset(String tenant, Instant start) {
        long[] customers = {100, 120, 90, 150, 130, 110};
        long[] customers4xx = {3, 4, 2, 5, 3, 3};
        long[] customers5xx = {2, 1, 1, 6, 2, 0};
        long[] charges = {40, 35, 50, 45, 30, 40};
        long[] charges5xx = {2, 0, 3, 1, 0, 2};
        long[] github4xx = {0, 1, 0, 0, 2, 0};
        ObjectNode[] windows = new ObjectNode[6];
        for (int i = 0; i < 6; i++) {
            long c = customers[i];
            long ch = charges[i];
            windows[i] = window(tenant, start.plusSeconds(60L * i), List.of(
                    ep("api.stripe.com", "GET", "/v1/customers/{id}", c - customers4xx[i] - customers5xx[i], 0,
                            customers4xx[i], customers5xx[i], c * 120, 480, 210.0),
                    ep("api.stripe.com", "POST", "/v1/charges", ch - charges5xx[i], 0, 0, charges5xx[i], ch * 300,
                            1200, 650.0),
                    ep("api.github.com", "GET", "/repos/{owner}/{repo}", 57 - github4xx[i], 3, github4xx[i], 0,
                            60 * 80, 250, 140.0)));
        }
        return batch(tenant, windows);
    }
}
