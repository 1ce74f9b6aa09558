package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.events.inventory.OutgoingField;
import dev.lunar.telemetry.events.inventory.OutgoingField.Destination;
import dev.lunar.telemetry.events.inventory.OutgoingField.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Every JSON key of the control plane's {@code PUT /api/v1/aggregates} body (DESIGN.md P6, P7). {@link AggregateWire}
 * writes each key from its constant here, and the data inventory ({@code docs/data-inventory.md}) is generated from
 * the same constants. Only {@code CONTROL_PLANE} tenants' endpoint stats are aggregated (P2:
 * {@link WindowedEndpointAggregator} drops every other plan's), so every key is theirs alone.
 */
public enum ControlPlaneField {
    TENANT("tenant", List.of("EnrichedEndpointStats.tenant.id"), "acme", "the tenant"),

    WINDOW_START("windows[].windowStart", List.of("EnrichedEndpointStats.windowStart"), "2026-01-05T10:00:00Z",
            "start of the event-time window the proxies' counts fall into"),
    WINDOW_LENGTH("windows[].windowLengthMs", List.of(), "60000", "`control-plane-forwarder.window` (configuration)"),
    WINDOW_SOURCE_PARTITION("windows[].sourcePartition", List.of(), "3",
            "the partition of the endpoint-stats topic the partial's events were read from (Kafka metadata)"),
    WINDOW_IDEMPOTENCY_KEY("windows[].idempotencyKey", List.of("EnrichedEndpointStats.tenant.id",
            "EnrichedEndpointStats.windowStart"), "acme|2026-01-05T10:00:00Z|60000|p3",
            "tenant, window start, length, source partition"),
    WINDOW_SOURCE_EVENTS("windows[].sourceEvents", List.of("EnrichedEndpointStats.header.eventId"), "7",
            "distinct endpoint-stats events merged into the window"),
    OVERVIEW_CALLS("windows[].overview.calls", List.of("EnrichedEndpointStats.count"), "120", "API calls in the window"),
    OVERVIEW_ERRORS("windows[].overview.errors", List.of("EnrichedEndpointStats.statusCodes"), "6",
            "calls answered 400..599"),
    OVERVIEW_PROVIDERS("windows[].overview.providers", List.of("EnrichedEndpointStats.endpoint.host"), "2",
            "distinct API providers called"),
    OVERVIEW_TOP_LIMIT("windows[].overview.topEndpointsLimit", List.of(), "5",
            "`control-plane-forwarder.top-endpoints` (configuration)"),
    TOP_PROVIDER("windows[].overview.topEndpoints[].provider", List.of("EnrichedEndpointStats.endpoint.host"),
            "api.stripe.com", "one of the busiest endpoints: its provider"),
    TOP_METHOD("windows[].overview.topEndpoints[].method", List.of("EnrichedEndpointStats.endpoint.method"), "GET",
            "its method"),
    TOP_PATH_TEMPLATE("windows[].overview.topEndpoints[].pathTemplate",
            List.of("EnrichedEndpointStats.endpoint.pathTemplate"), "/v1/charges", "its path template"),
    TOP_CALLS("windows[].overview.topEndpoints[].calls", List.of("EnrichedEndpointStats.count"), "100", "its calls"),
    TOP_ERRORS("windows[].overview.topEndpoints[].errors", List.of("EnrichedEndpointStats.statusCodes"), "5",
            "its errors"),

    ENDPOINT_IDEMPOTENCY_KEY("windows[].endpoints[].idempotencyKey", List.of("EnrichedEndpointStats.tenant.id",
            "EnrichedEndpointStats.windowStart", "EnrichedEndpointStats.endpoint"),
            "acme|2026-01-05T10:00:00Z|60000|p3|api.stripe.com|GET /v1/charges",
            "tenant, window, source partition, endpoint"),
    ENDPOINT_PROVIDER("windows[].endpoints[].provider", List.of("EnrichedEndpointStats.endpoint.host"),
            "api.stripe.com", "the API provider, lower case"),
    ENDPOINT_METHOD("windows[].endpoints[].method", List.of("EnrichedEndpointStats.endpoint.method"), "GET",
            "the HTTP method, upper case"),
    ENDPOINT_PATH_TEMPLATE("windows[].endpoints[].pathTemplate", List.of("EnrichedEndpointStats.endpoint.pathTemplate"),
            "/v1/charges", "the path template, never a concrete URL (P1)"),
    ENDPOINT_SOURCE_EVENTS("windows[].endpoints[].sourceEvents", List.of("EnrichedEndpointStats.header.eventId"), "4",
            "distinct events merged into the endpoint's aggregate"),
    ENDPOINT_CALLS("windows[].endpoints[].calls", List.of("EnrichedEndpointStats.count"), "100", "API calls"),
    ENDPOINT_ERRORS("windows[].endpoints[].errors", List.of("EnrichedEndpointStats.statusCodes"), "5",
            "calls answered 400..599"),
    STATUS_2XX("windows[].endpoints[].statusClasses.2xx", List.of("EnrichedEndpointStats.statusCodes"), "90",
            "calls answered 200..299"),
    STATUS_3XX("windows[].endpoints[].statusClasses.3xx", List.of("EnrichedEndpointStats.statusCodes"), "5",
            "calls answered 300..399"),
    STATUS_4XX("windows[].endpoints[].statusClasses.4xx", List.of("EnrichedEndpointStats.statusCodes"), "3",
            "calls answered 400..499"),
    STATUS_5XX("windows[].endpoints[].statusClasses.5xx", List.of("EnrichedEndpointStats.statusCodes"), "2",
            "calls answered 500..599"),
    LATENCY_SUM("windows[].endpoints[].latency.sumMs", List.of("EnrichedEndpointStats.latencySumMs"), "12000",
            "sum of provider latencies, ms"),
    LATENCY_MAX("windows[].endpoints[].latency.maxMs", List.of("EnrichedEndpointStats.latencyMaxMs"), "900",
            "largest provider latency, ms"),
    LATENCY_P95("windows[].endpoints[].latency.p95Ms", List.of("EnrichedEndpointStats.latencyBuckets",
            "EnrichedEndpointStats.latencyOverflowCount", "EnrichedEndpointStats.latencyMaxMs"), "193.75",
            "95th percentile from the merged histograms, ms; null without one"),
    LATENCY_BUCKET_BOUND("windows[].endpoints[].latency.buckets[].leMs", List.of("EnrichedEndpointStats.latencyBuckets"),
            "250", "upper bound of a bucket of the merged latency histogram, ms"),
    LATENCY_BUCKET_COUNT("windows[].endpoints[].latency.buckets[].count", List.of("EnrichedEndpointStats.latencyBuckets"),
            "7", "calls in the bucket"),
    LATENCY_OVERFLOW("windows[].endpoints[].latency.overflowCount",
            List.of("EnrichedEndpointStats.latencyOverflowCount"), "0", "calls above the last bucket's bound");

    private final OutgoingField field;

    ControlPlaneField(String path, List<String> sources, String example, String description) {
        this.field = new OutgoingField(List.of(Destination.CONTROL_PLANE), Kind.JSON_KEY, path, sources,
                Set.of(TenantPlan.CONTROL_PLANE), example, description);
    }

    /** What the inventory says of it. */
    public OutgoingField outgoing() {
        return field;
    }

    /** Every field, in declaration order. */
    public static List<OutgoingField> inventory() {
        return Arrays.stream(values()).map(ControlPlaneField::outgoing).toList();
    }

    /** The plans whose data the control plane receives: those every key is listed for. */
    static Set<TenantPlan> plans() {
        return TENANT.field.plans();
    }

    /** The key as {@link AggregateWire} writes it: the last key of its path. */
    String key() {
        return field.name();
    }

    /** The name of the object or array the key is in ({@code windows[].overview.calls} → {@code overview}). */
    String container() {
        String path = field.key();
        String parent = path.substring(0, path.lastIndexOf('.'));
        String name = parent.substring(parent.lastIndexOf('.') + 1);
        return name.endsWith("[]") ? name.substring(0, name.length() - 2) : name;
    }
}
