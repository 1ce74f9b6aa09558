package dev.lunar.telemetry.controlplane.forwarder;

import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneField.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON body of {@code PUT /api/v1/aggregates}, wire format v2: each window is the partial of one source
 * partition, with what the control plane needs to merge partials (the top-endpoints limit, the latency histogram):
 *
 * <pre>{@code
 * {"tenant": "acme",
 *  "windows": [{
 *    "windowStart": "2026-01-05T10:00:00Z", "windowLengthMs": 60000, "sourcePartition": 3,
 *    "idempotencyKey": "acme|2026-01-05T10:00:00Z|60000|p3", "sourceEvents": 7,
 *    "overview": {"calls": 120, "errors": 6, "providers": 2, "topEndpointsLimit": 5,
 *                 "topEndpoints": [{"provider": "api.stripe.com", "method": "GET", "pathTemplate": "/v1/charges",
 *                                   "calls": 100, "errors": 5}]},
 *    "endpoints": [{
 *      "idempotencyKey": "acme|2026-01-05T10:00:00Z|60000|p3|api.stripe.com|GET /v1/charges",
 *      "provider": "api.stripe.com", "method": "GET", "pathTemplate": "/v1/charges", "sourceEvents": 4,
 *      "calls": 100, "errors": 5, "statusClasses": {"2xx": 90, "3xx": 5, "4xx": 3, "5xx": 2},
 *      "latency": {"sumMs": 12000, "maxMs": 900, "p95Ms": 193.75,
 *                  "buckets": [{"leMs": 100, "count": 60}, {"leMs": 250, "count": 40}], "overflowCount": 0}}]}]}
 * }</pre>
 *
 * A whole window (source partition -1, from {@link WindowedEndpointAggregator#aggregate}) is written in format v1:
 * without {@code sourcePartition}, {@code topEndpointsLimit}, {@code buckets} and {@code overflowCount}, and with
 * keys without {@code |p<n>}. Derived numbers (error rate, average latency) are not sent; the control plane computes
 * them.
 */
final class AggregateWire {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private AggregateWire() {}

    static byte[] encode(String tenantId, List<WindowAggregate> windows) {
        // every key from its ControlPlaneField: what is written here is what the data inventory lists
        ObjectNode root = MAPPER.createObjectNode();
        root.put(TENANT.key(), tenantId);
        ArrayNode arr = root.putArray(WINDOW_START.container());
        for (WindowAggregate w : windows) {
            if (!w.tenantId().equals(tenantId)) {
                throw new IllegalArgumentException("window " + w.idempotencyKey() + " is not tenant " + tenantId + "'s");
            }
            ObjectNode wn = arr.addObject();
            wn.put(WINDOW_START.key(), w.windowStart().toString());
            wn.put(WINDOW_LENGTH.key(), w.windowLength().toMillis());
            boolean partial = w.sourcePartition() >= 0;
            if (partial) {
                wn.put(WINDOW_SOURCE_PARTITION.key(), w.sourcePartition());
            }
            wn.put(WINDOW_IDEMPOTENCY_KEY.key(), w.idempotencyKey());
            wn.put(WINDOW_SOURCE_EVENTS.key(), w.sourceEvents());
            WindowOverview o = w.overview();
            ObjectNode on = wn.putObject(OVERVIEW_CALLS.container());
            on.put(OVERVIEW_CALLS.key(), o.calls());
            on.put(OVERVIEW_ERRORS.key(), o.errors());
            on.put(OVERVIEW_PROVIDERS.key(), o.providers());
            if (partial) {
                on.put(OVERVIEW_TOP_LIMIT.key(), o.topEndpointsLimit());
            }
            ArrayNode top = on.putArray(TOP_CALLS.container());
            for (WindowOverview.TopEndpoint t : o.topEndpoints()) {
                ObjectNode tn = top.addObject();
                endpoint(tn, t.endpoint(), TOP_PROVIDER, TOP_METHOD, TOP_PATH_TEMPLATE);
                tn.put(TOP_CALLS.key(), t.calls());
                tn.put(TOP_ERRORS.key(), t.errors());
            }
            ArrayNode eps = wn.putArray(ENDPOINT_CALLS.container());
            for (EndpointAggregate a : w.endpoints()) {
                ObjectNode en = eps.addObject();
                en.put(ENDPOINT_IDEMPOTENCY_KEY.key(), a.idempotencyKey());
                endpoint(en, a.endpoint(), ENDPOINT_PROVIDER, ENDPOINT_METHOD, ENDPOINT_PATH_TEMPLATE);
                en.put(ENDPOINT_SOURCE_EVENTS.key(), a.sourceEvents());
                en.put(ENDPOINT_CALLS.key(), a.calls());
                en.put(ENDPOINT_ERRORS.key(), a.errors());
                ObjectNode c = en.putObject(STATUS_2XX.container());
                c.put(STATUS_2XX.key(), a.statusClasses().s2xx());
                c.put(STATUS_3XX.key(), a.statusClasses().s3xx());
                c.put(STATUS_4XX.key(), a.statusClasses().s4xx());
                c.put(STATUS_5XX.key(), a.statusClasses().s5xx());
                ObjectNode l = en.putObject(LATENCY_SUM.container());
                l.put(LATENCY_SUM.key(), a.latencySumMs());
                l.put(LATENCY_MAX.key(), a.latencyMaxMs());
                if (a.latencyP95Ms().isPresent()) {
                    l.put(LATENCY_P95.key(), a.latencyP95Ms().getAsDouble());
                } else {
                    l.putNull(LATENCY_P95.key());
                }
                if (partial) {
                    ArrayNode buckets = l.putArray(LATENCY_BUCKET_BOUND.container());
                    a.latencyBuckets().forEach((bound, count) -> {
                        ObjectNode b = buckets.addObject();
                        b.put(LATENCY_BUCKET_BOUND.key(), bound);
                        b.put(LATENCY_BUCKET_COUNT.key(), count);
                    });
                    l.put(LATENCY_OVERFLOW.key(), a.latencyOverflow());
                }
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void endpoint(ObjectNode n, EndpointKey k, ControlPlaneField provider, ControlPlaneField method,
                                 ControlPlaneField pathTemplate) {
        n.put(provider.key(), k.provider());
        n.put(method.key(), k.method());
        n.put(pathTemplate.key(), k.pathTemplate());
    }
}
