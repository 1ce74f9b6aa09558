package dev.lunar.telemetry.controlplane;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lunar.telemetry.events.LatencyHistogram;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates an aggregate batch strictly: unknown or missing fields, wrong types, negative counts,
 * inconsistent totals and idempotency keys that do not match their fields are refused with an
 * {@link InvalidBodyException} naming the field. Nothing of an invalid batch is stored.
 *
 * <p>Consistency rules: {@code errors = statusClasses.4xx + statusClasses.5xx}; the status classes add up to at most
 * {@code calls}; the overview's calls, errors and providers are the sums / count over the window's endpoints; a
 * window start is a multiple of its length (windows are aligned to the epoch); an endpoint appears once per window.
 *
 * <p>Two shapes of window: whole (v1, as forwarders before partials sent it) and a partial of one source partition
 * (v2: {@code sourcePartition}, {@code overview.topEndpointsLimit}, and each endpoint's {@code latency.buckets}
 * [{@code {leMs, count}}] and {@code latency.overflowCount}, so that partials can be merged at query time). The
 * fields of v2 are refused in a v1 window and required in a v2 one; keys carry {@code |p<partition>} after the
 * window length.
 */
final class BatchParser {
    static final int MAX_WINDOWS = 10_000;
    static final int MAX_ENDPOINTS_PER_WINDOW = 10_000;
    static final int MAX_TOP_ENDPOINTS = 50;
    static final long MIN_WINDOW_MS = 1_000;
    static final long MAX_WINDOW_MS = 86_400_000;
    static final int MAX_SOURCE_PARTITION = 100_000;
    static final int MAX_BUCKETS = 1_000;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private BatchParser() {}

    /** A batch for another tenant than the token's (403). */
    static final class ForbiddenTenantException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ForbiddenTenantException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses {@code body} sent with {@code authenticatedTenant}'s token.
     *
     * @throws InvalidBodyException      the body is not a valid batch (400)
     * @throws ForbiddenTenantException  the body is another tenant's batch (403)
     */
    static AggregateBatch parse(byte[] body, String authenticatedTenant) {
        if (body.length == 0) {
            throw new InvalidBodyException("", "the body is empty: send a JSON object {\"tenant\": ..., \"windows\": [...]}");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidBodyException("", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidBodyException("", "cannot read the body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidBodyException("", "must be a JSON object {\"tenant\": ..., \"windows\": [...]}");
        }
        String tenant = text(root, "", "tenant");
        if (!tenant.equals(authenticatedTenant)) {
            throw new ForbiddenTenantException("this token belongs to tenant " + authenticatedTenant
                    + ", not to " + tenant + ": send each tenant's batches with that tenant's own token");
        }
        onlyFields(root, "", "tenant", "windows");
        if (!Identifiers.isTenantId(tenant)) {
            throw new InvalidBodyException("tenant", "must be " + dev.lunar.telemetry.events.TenantId.RULE);
        }
        JsonNode windowsNode = array(root, "", "windows", 1, MAX_WINDOWS);
        List<AggregateBatch.Window> windows = new ArrayList<>(windowsNode.size());
        Set<String> windowKeys = new HashSet<>();
        for (int i = 0; i < windowsNode.size(); i++) {
            String path = "windows[" + i + "]";
            AggregateBatch.Window w = window(tenant, windowsNode.get(i), path);
            if (!windowKeys.add(w.idempotencyKey())) {
                throw new InvalidBodyException(path, "the same window (" + w.idempotencyKey()
                        + ") appears twice in one batch");
            }
            windows.add(w);
        }
        return new AggregateBatch(tenant, List.copyOf(windows));
    }

    private static AggregateBatch.Window window(String tenant, JsonNode node, String path) {
        object(node, path);
        onlyFields(node, path, "windowStart", "windowLengthMs", "sourcePartition", "idempotencyKey", "sourceEvents",
                "overview", "endpoints");
        // v2: a partial of the window from one source partition; v1 (no sourcePartition): the whole window
        boolean partial = node.has("sourcePartition");
        int sourcePartition = partial ? (int) number(node, path, "sourcePartition", 0, MAX_SOURCE_PARTITION) : -1;
        String startText = text(node, path, "windowStart");
        Instant start;
        try {
            start = Instant.parse(startText);
        } catch (DateTimeParseException e) {
            throw new InvalidBodyException(path + ".windowStart", "must be an ISO-8601 UTC instant such as"
                    + " 2026-01-05T10:00:00Z, was \"" + startText + "\"");
        }
        long length = number(node, path, "windowLengthMs", MIN_WINDOW_MS, MAX_WINDOW_MS);
        if (start.toEpochMilli() % length != 0 || start.getNano() % 1_000_000 != 0) {
            throw new InvalidBodyException(path + ".windowStart", "must be a multiple of windowLengthMs ("
                    + length + " ms) since the epoch, was " + start);
        }
        String expectedKey = Identifiers.windowKey(tenant, start, length, sourcePartition);
        checkKey(node, path, expectedKey);
        long sourceEvents = number(node, path, "sourceEvents", 1, Long.MAX_VALUE);

        JsonNode endpointsNode = array(node, path, "endpoints", 1, MAX_ENDPOINTS_PER_WINDOW);
        List<AggregateBatch.Endpoint> endpoints = new ArrayList<>(endpointsNode.size());
        Set<String> keys = new HashSet<>();
        Set<String> providers = new HashSet<>();
        long calls = 0;
        long errors = 0;
        for (int j = 0; j < endpointsNode.size(); j++) {
            String epath = path + ".endpoints[" + j + "]";
            AggregateBatch.Endpoint e = endpoint(tenant, start, length, sourcePartition, endpointsNode.get(j), epath);
            if (!keys.add(e.idempotencyKey())) {
                throw new InvalidBodyException(epath, "endpoint " + e.method() + " " + e.provider()
                        + e.pathTemplate() + " appears twice in one window");
            }
            if (e.sourceEvents() > sourceEvents) {
                throw new InvalidBodyException(epath + ".sourceEvents", "must be at most the window's sourceEvents ("
                        + sourceEvents + "), was " + e.sourceEvents());
            }
            providers.add(e.provider());
            calls = Math.addExact(calls, e.calls());
            errors = Math.addExact(errors, e.errors());
            endpoints.add(e);
        }
        AggregateBatch.Overview overview = overview(node, path, partial);
        if (overview.calls() != calls) {
            throw new InvalidBodyException(path + ".overview.calls", "must be the sum of the endpoints' calls ("
                    + calls + "), was " + overview.calls());
        }
        if (overview.errors() != errors) {
            throw new InvalidBodyException(path + ".overview.errors", "must be the sum of the endpoints' errors ("
                    + errors + "), was " + overview.errors());
        }
        if (overview.providers() != providers.size()) {
            throw new InvalidBodyException(path + ".overview.providers", "must be the number of distinct providers"
                    + " among the endpoints (" + providers.size() + "), was " + overview.providers());
        }
        return new AggregateBatch.Window(start, length, sourcePartition, expectedKey, sourceEvents, overview,
                List.copyOf(endpoints));
    }

    private static AggregateBatch.Overview overview(JsonNode window, String windowPath, boolean partial) {
        String path = windowPath + ".overview";
        JsonNode node = window.get("overview");
        if (node == null || node.isNull()) {
            throw new InvalidBodyException(path, "is missing");
        }
        object(node, path);
        if (partial) {
            onlyFields(node, path, "calls", "errors", "providers", "topEndpoints", "topEndpointsLimit");
        } else {
            onlyFields(node, path, "calls", "errors", "providers", "topEndpoints");
        }
        Integer limit = partial ? (int) number(node, path, "topEndpointsLimit", 0, MAX_TOP_ENDPOINTS) : null;
        long calls = number(node, path, "calls", 0, Long.MAX_VALUE);
        long errors = number(node, path, "errors", 0, calls);
        int providers = (int) number(node, path, "providers", 0, MAX_ENDPOINTS_PER_WINDOW);
        JsonNode topNode = array(node, path, "topEndpoints", 0, limit == null ? MAX_TOP_ENDPOINTS : limit);
        List<AggregateBatch.TopEndpoint> top = new ArrayList<>();
        for (int k = 0; k < topNode.size(); k++) {
            String tpath = path + ".topEndpoints[" + k + "]";
            JsonNode t = topNode.get(k);
            object(t, tpath);
            onlyFields(t, tpath, "provider", "method", "pathTemplate", "calls", "errors");
            String[] ep = endpointFields(t, tpath);
            long tcalls = number(t, tpath, "calls", 0, calls);
            long terrors = number(t, tpath, "errors", 0, tcalls);
            top.add(new AggregateBatch.TopEndpoint(ep[0], ep[1], ep[2], tcalls, terrors));
        }
        return new AggregateBatch.Overview(calls, errors, providers, List.copyOf(top), limit);
    }

    private static AggregateBatch.Endpoint endpoint(String tenant, Instant start, long length, int sourcePartition,
            JsonNode node, String path) {
        object(node, path);
        onlyFields(node, path, "idempotencyKey", "provider", "method", "pathTemplate", "sourceEvents", "calls",
                "errors", "statusClasses", "latency");
        String[] ep = endpointFields(node, path);
        String key = Identifiers.endpointKey(tenant, start, length, sourcePartition, ep[0], ep[1], ep[2]);
        checkKey(node, path, key);
        long sourceEvents = number(node, path, "sourceEvents", 1, Long.MAX_VALUE);
        long calls = number(node, path, "calls", 0, Long.MAX_VALUE);
        long errors = number(node, path, "errors", 0, calls);

        String cpath = path + ".statusClasses";
        JsonNode classes = node.get("statusClasses");
        if (classes == null || classes.isNull()) {
            throw new InvalidBodyException(cpath, "is missing: send {\"2xx\": n, \"3xx\": n, \"4xx\": n, \"5xx\": n}");
        }
        object(classes, cpath);
        onlyFields(classes, cpath, "2xx", "3xx", "4xx", "5xx");
        long s2 = number(classes, cpath, "2xx", 0, calls);
        long s3 = number(classes, cpath, "3xx", 0, calls);
        long s4 = number(classes, cpath, "4xx", 0, calls);
        long s5 = number(classes, cpath, "5xx", 0, calls);
        if (s2 + s3 + s4 + s5 > calls) {
            throw new InvalidBodyException(cpath, "the classes add up to " + (s2 + s3 + s4 + s5)
                    + ", more than calls (" + calls + ")");
        }
        if (s4 + s5 != errors) {
            throw new InvalidBodyException(path + ".errors", "must equal statusClasses.4xx + statusClasses.5xx ("
                    + (s4 + s5) + "), was " + errors);
        }

        String lpath = path + ".latency";
        JsonNode latency = node.get("latency");
        if (latency == null || latency.isNull()) {
            throw new InvalidBodyException(lpath, "is missing: send {\"sumMs\": n, \"maxMs\": n, \"p95Ms\": n|null}");
        }
        object(latency, lpath);
        boolean partial = sourcePartition >= 0;
        if (partial) {
            onlyFields(latency, lpath, "sumMs", "maxMs", "p95Ms", "buckets", "overflowCount");
        } else {
            onlyFields(latency, lpath, "sumMs", "maxMs", "p95Ms");
        }
        long sum = number(latency, lpath, "sumMs", 0, Long.MAX_VALUE);
        long max = number(latency, lpath, "maxMs", 0, Long.MAX_VALUE);
        JsonNode p95Node = latency.get("p95Ms");
        if (p95Node == null) {
            throw new InvalidBodyException(lpath + ".p95Ms", "is missing (null when no histogram was sent)");
        }
        Double p95 = null;
        if (!p95Node.isNull()) {
            if (!p95Node.isNumber()) {
                throw new InvalidBodyException(lpath + ".p95Ms", "must be a number or null");
            }
            double v = p95Node.asDouble();
            if (!Double.isFinite(v) || v < 0 || v > max) {
                throw new InvalidBodyException(lpath + ".p95Ms", "must be between 0 and maxMs (" + max + "), was "
                        + p95Node);
            }
            p95 = v;
        }
        LatencyHistogram histogram = partial ? histogram(latency, lpath) : null;
        return new AggregateBatch.Endpoint(key, ep[0], ep[1], ep[2], sourceEvents, calls, errors, s2, s3, s4, s5,
                sum, max, p95, histogram);
    }

    /** A partial's histogram: {@code buckets} [{leMs, count}] with bounds ascending, and {@code overflowCount}. */
    private static LatencyHistogram histogram(JsonNode latency, String lpath) {
        JsonNode bucketsNode = array(latency, lpath, "buckets", 0, MAX_BUCKETS);
        java.util.Map<Long, Long> buckets = new java.util.LinkedHashMap<>();
        long previous = -1;
        for (int k = 0; k < bucketsNode.size(); k++) {
            String bpath = lpath + ".buckets[" + k + "]";
            JsonNode b = bucketsNode.get(k);
            object(b, bpath);
            onlyFields(b, bpath, "leMs", "count");
            long bound = number(b, bpath, "leMs", 0, Long.MAX_VALUE);
            if (bound <= previous) {
                throw new InvalidBodyException(bpath + ".leMs", "bounds must ascend strictly, " + bound + " follows "
                        + previous);
            }
            previous = bound;
            buckets.put(bound, number(b, bpath, "count", 0, Long.MAX_VALUE));
        }
        return LatencyHistogram.of(buckets, number(latency, lpath, "overflowCount", 0, Long.MAX_VALUE));
    }

    private static String[] endpointFields(JsonNode node, String path) {
        String provider = text(node, path, "provider");
        if (!Identifiers.PROVIDER.matcher(provider).matches()) {
            throw new InvalidBodyException(path + ".provider", "must be a host name such as api.stripe.com"
                    + " (optionally :port), 1..255 characters");
        }
        String method = text(node, path, "method");
        if (!Identifiers.METHOD.matcher(method).matches()) {
            throw new InvalidBodyException(path + ".method", "must be an upper-case HTTP method such as GET, or *");
        }
        String pathTemplate = text(node, path, "pathTemplate");
        String problem = Identifiers.pathTemplateProblem(pathTemplate);
        if (problem != null) {
            throw new InvalidBodyException(path + ".pathTemplate", problem);
        }
        return new String[] {provider, method, pathTemplate};
    }

    private static void checkKey(JsonNode node, String path, String expected) {
        String key = text(node, path, "idempotencyKey");
        if (!key.equals(expected)) {
            throw new InvalidBodyException(path + ".idempotencyKey", "must be \"" + expected
                    + "\" for these fields, was \"" + key + "\"");
        }
    }

    private static void object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidBodyException(path, "must be a JSON object");
        }
    }

    private static void onlyFields(JsonNode node, String path, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!ok.contains(name)) {
                throw new InvalidBodyException(join(path, name), "unknown field; allowed here: "
                        + String.join(", ", allowed));
            }
        }
    }

    private static String text(JsonNode parent, String path, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidBodyException(join(path, field), "is missing");
        }
        if (!node.isTextual()) {
            throw new InvalidBodyException(join(path, field), "must be a string");
        }
        return node.textValue();
    }

    private static long number(JsonNode parent, String path, String field, long min, long max) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidBodyException(join(path, field), "is missing");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidBodyException(join(path, field), "must be a whole number, was " + node);
        }
        long v = node.longValue();
        if (v < min || v > max) {
            throw new InvalidBodyException(join(path, field), "must be between " + min + " and " + max
                    + ", was " + v);
        }
        return v;
    }

    private static JsonNode array(JsonNode parent, String path, String field, int minSize, int maxSize) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidBodyException(join(path, field), "is missing");
        }
        if (!node.isArray()) {
            throw new InvalidBodyException(join(path, field), "must be an array");
        }
        if (node.size() < minSize || node.size() > maxSize) {
            throw new InvalidBodyException(join(path, field), "must hold " + minSize + ".." + maxSize
                    + " entries, held " + node.size());
        }
        return node;
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
