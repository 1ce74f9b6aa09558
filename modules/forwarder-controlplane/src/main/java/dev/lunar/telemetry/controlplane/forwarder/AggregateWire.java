package dev.lunar.telemetry.controlplane.forwarder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON body of {@code PUT /api/v1/aggregates} (wire format v1):
 *
 * <pre>{@code
 * {"tenant": "acme",
 *  "windows": [{
 *    "windowStart": "2026-01-05T10:00:00Z", "windowLengthMs": 60000,
 *    "idempotencyKey": "acme|2026-01-05T10:00:00Z|60000", "sourceEvents": 7,
 *    "overview": {"calls": 120, "errors": 6, "providers": 2,
 *                 "topEndpoints": [{"provider": "api.stripe.com", "method": "GET", "pathTemplate": "/v1/charges",
 *                                   "calls": 100, "errors": 5}]},
 *    "endpoints": [{
 *      "idempotencyKey": "acme|2026-01-05T10:00:00Z|60000|api.stripe.com|GET /v1/charges",
 *      "provider": "api.stripe.com", "method": "GET", "pathTemplate": "/v1/charges", "sourceEvents": 4,
 *      "calls": 100, "errors": 5, "statusClasses": {"2xx": 90, "3xx": 5, "4xx": 3, "5xx": 2},
 *      "latency": {"sumMs": 12000, "maxMs": 900, "p95Ms": 193.75}}]}]}
 * }</pre>
 *
 * Derived numbers (error rate, average latency) are not sent; the control plane computes them.
 */
final class AggregateWire {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private AggregateWire() {}

    static byte[] encode(String tenantId, List<WindowAggregate> windows) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tenant", tenantId);
        ArrayNode arr = root.putArray("windows");
        for (WindowAggregate w : windows) {
            if (!w.tenantId().equals(tenantId)) {
                throw new IllegalArgumentException("window " + w.idempotencyKey() + " is not tenant " + tenantId + "'s");
            }
            ObjectNode wn = arr.addObject();
            wn.put("windowStart", w.windowStart().toString());
            wn.put("windowLengthMs", w.windowLength().toMillis());
            wn.put("idempotencyKey", w.idempotencyKey());
            wn.put("sourceEvents", w.sourceEvents());
            WindowOverview o = w.overview();
            ObjectNode on = wn.putObject("overview");
            on.put("calls", o.calls());
            on.put("errors", o.errors());
            on.put("providers", o.providers());
            ArrayNode top = on.putArray("topEndpoints");
            for (WindowOverview.TopEndpoint t : o.topEndpoints()) {
                ObjectNode tn = top.addObject();
                endpoint(tn, t.endpoint());
                tn.put("calls", t.calls());
                tn.put("errors", t.errors());
            }
            ArrayNode eps = wn.putArray("endpoints");
            for (EndpointAggregate a : w.endpoints()) {
                ObjectNode en = eps.addObject();
                en.put("idempotencyKey", a.idempotencyKey());
                endpoint(en, a.endpoint());
                en.put("sourceEvents", a.sourceEvents());
                en.put("calls", a.calls());
                en.put("errors", a.errors());
                ObjectNode c = en.putObject("statusClasses");
                c.put("2xx", a.statusClasses().s2xx());
                c.put("3xx", a.statusClasses().s3xx());
                c.put("4xx", a.statusClasses().s4xx());
                c.put("5xx", a.statusClasses().s5xx());
                ObjectNode l = en.putObject("latency");
                l.put("sumMs", a.latencySumMs());
                l.put("maxMs", a.latencyMaxMs());
                if (a.latencyP95Ms().isPresent()) {
                    l.put("p95Ms", a.latencyP95Ms().getAsDouble());
                } else {
                    l.putNull("p95Ms");
                }
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void endpoint(ObjectNode n, EndpointKey k) {
        n.put("provider", k.provider());
        n.put("method", k.method());
        n.put("pathTemplate", k.pathTemplate());
    }
}
