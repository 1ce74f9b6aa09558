package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.lunar.telemetry.events.inventory.OutgoingField;
import dev.lunar.telemetry.events.inventory.OutgoingField.Destination;
import dev.lunar.telemetry.events.inventory.OutgoingField.Kind;
import java.util.Arrays;
import java.util.List;

/**
 * Every key Datadog can receive from the pipeline (DESIGN.md P4, P7): the JSON keys of log entries and series, the
 * metric names, the tag keys. {@link DatadogMapping} and {@link PayloadBuilder} write each key from its constant here,
 * and the data inventory ({@code docs/data-inventory.md}) is generated from the same constants — a key written
 * without a constant here fails the inventory check against real payloads.
 *
 * <p>Every plan's records go to Datadog: logs, resource usage, heartbeats and policies are not traffic volumes (P2);
 * endpoint stats never go ({@link DatadogMapping#mapsType}).
 */
public enum DatadogField {

    // ------------------------------------------------------------ log entries, every record type

    DDSOURCE(log("ddsource", List.of(), "lunar-proxy", "`datadog.source` (configuration)")),
    SERVICE(log("service", List.of(), "lunar-proxy", "`datadog.service` (configuration)")),
    HOSTNAME(log("hostname", List.of("*.header.proxyId"), "proxy-acme-01", "the proxy, as Datadog's host")),
    DDTAGS(log("ddtags", List.of("*.tenant", "*.header"),
            "tenant:acme_corp,tenant_id:acme,plan:control_plane,proxy_id:proxy-acme-01,proxy_version:1.4.2",
            "the tags (see the tag keys), joined with commas")),
    TIMESTAMP(log("timestamp", List.of("EnrichedLog.timestamp", "EnrichedHeartbeat.header.producedAt",
            "EnrichedPolicySnapshot.loadedAt"), "1767607200000", "epoch milliseconds")),
    EVENT_ID(log("event_id", List.of("*.header.eventId"), "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "the proxy's event id")),
    PROXY_ID(log("proxy.id", List.of("*.header.proxyId"), "proxy-acme-01", "the proxy")),
    PROXY_VERSION(log("proxy.version", List.of("*.header.proxyVersion"), "1.4.2", "the proxy's version")),
    TENANT_ID(log("tenant.id", List.of("*.tenant.id"), "acme", "the tenant")),
    TENANT_NAME(log("tenant.name", List.of("*.tenant.name"), "Acme Corp", "the tenant's name (empty when unknown)")),
    TENANT_PLAN(log("tenant.plan", List.of("*.tenant.plan"), "CONTROL_PLANE", "the tenant's plan")),
    TENANT_KNOWN(log("tenant.known", List.of("*.tenant.known"), "true",
            "false when the tenant id is not in `tenants.v1`")),

    // ------------------------------------------------------------ log entries of proxy logs

    LOG_STATUS(log("status", List.of("EnrichedLog.level"), "warn", "proxy logs: Datadog status of the log level")),
    LOG_MESSAGE(log("message", List.of("EnrichedLog.message"), "upstream api.stripe.com answered 503",
            "proxy logs: the log message, redacted by the processor (P3)")),
    LOG_LOGGER(log("logger", List.of("EnrichedLog.logger"), "lunar.engine", "proxy logs: the proxy's logger")),
    LOG_ATTRIBUTE(log("attributes.{attribute}", List.of("EnrichedLog.attributes"), "router",
            "proxy logs: the log's attributes, sorted, without credential-like names (P3)")),

    // ------------------------------------------------------------ log entries of heartbeats

    HEARTBEAT_STATUS(log("status", List.of("EnrichedHeartbeat.unexpectedRestarts"), "info",
            "heartbeats: `warn` after unexpected restarts, else `info`")),
    HEARTBEAT_MESSAGE(log("message", List.of("EnrichedHeartbeat.header.proxyVersion", "EnrichedHeartbeat.uptimeSeconds",
            "EnrichedHeartbeat.restarts", "EnrichedHeartbeat.unexpectedRestarts"),
            "proxy heartbeat: version 1.4.2, up 3600 s, 2 restarts (0 unexpected)",
            "heartbeats: a sentence of the numbers")),
    HEARTBEAT_EVENT_TYPE(log("event_type", List.of(), "heartbeat", "heartbeats: constant")),
    UPTIME_SECONDS(log("uptime_seconds", List.of("EnrichedHeartbeat.uptimeSeconds"), "3600", "heartbeats: seconds")),
    STARTED_AT(log("started_at", List.of("EnrichedHeartbeat.startedAt"), "2026-01-05T09:00:00Z",
            "heartbeats: ISO-8601")),
    RESTARTS(log("restarts", List.of("EnrichedHeartbeat.restarts"), "2", "heartbeats: restarts so far")),
    UNEXPECTED_RESTARTS(log("unexpected_restarts", List.of("EnrichedHeartbeat.unexpectedRestarts"), "0",
            "heartbeats: restarts the proxy did not ask for")),
    UNEXPECTED_RESTART_REASONS(log("unexpected_restart_reasons[]", List.of("EnrichedHeartbeat.unexpectedRestartReasons"),
            "OOMKilled", "heartbeats: redacted by the processor (P3)")),
    ENVIRONMENT(log("environment.{variable}", List.of("EnrichedHeartbeat.environment"), "production",
            "heartbeats: the proxy's environment variables, sorted, without credential-like names; values "
                    + "redacted (P3)")),

    // ------------------------------------------------------------ log entries of policy snapshots (P4)

    POLICY_STATUS(log("status", List.of(), "info", "policy snapshots: constant")),
    POLICY_MESSAGE(log("message", List.of("EnrichedPolicySnapshot.enabledPolicies",
            "EnrichedPolicySnapshot.enabledPlugins", "EnrichedPolicySnapshot.endpointsWithPolicies"),
            "proxy configuration loaded: 3 enabled policies, 2 enabled plugins, 4 endpoints with policies",
            "policy snapshots: a sentence of the counts")),
    POLICY_EVENT_TYPE(log("event_type", List.of(), "policy_snapshot", "policy snapshots: constant")),
    ENABLED_POLICIES(log("enabled_policies[]", List.of("EnrichedPolicySnapshot.enabledPolicies"), "rate-limit",
            "policy snapshots: enabled policies")),
    ENABLED_PLUGINS(log("enabled_plugins[]", List.of("EnrichedPolicySnapshot.enabledPlugins"), "retry",
            "policy snapshots: enabled plugins")),
    ENDPOINT_METHOD(log("endpoints_with_policies[].method",
            List.of("EnrichedPolicySnapshot.endpointsWithPolicies[].method"), "GET",
            "policy snapshots: endpoint with policies")),
    ENDPOINT_HOST(log("endpoints_with_policies[].host",
            List.of("EnrichedPolicySnapshot.endpointsWithPolicies[].host"), "api.stripe.com",
            "policy snapshots: endpoint with policies")),
    ENDPOINT_PATH_TEMPLATE(log("endpoints_with_policies[].path_template",
            List.of("EnrichedPolicySnapshot.endpointsWithPolicies[].pathTemplate"), "/v1/charges/{id}",
            "policy snapshots: endpoint with policies, a template, never a concrete URL (P1)")),

    // ------------------------------------------------------------ log entries over 1 MB (PayloadBuilder)

    TRUNCATED(log("truncated", List.of(), "true", "only on an entry over 1 MB: its message was cut")),
    ORIGINAL_MESSAGE_BYTES(log("original_message_bytes", List.of("EnrichedLog.message"), "2400000",
            "only on a cut entry: the message's length in UTF-8 bytes")),
    ATTRIBUTES_REMOVED(log("attributes_removed", List.of(), "true",
            "only on a cut entry whose attributes alone were over 1 MB: they were left out")),

    // ------------------------------------------------------------ Metrics API v2 series

    SERIES_METRIC(series("series[].metric", List.of(), "lunar.proxy.cpu.percent", "the metric (see the metrics)")),
    SERIES_TYPE(series("series[].type", List.of(), "3", "1 count, 3 gauge")),
    SERIES_UNIT(series("series[].unit", List.of(), "percent", "the metric's unit")),
    SERIES_INTERVAL(series("series[].interval", List.of("EnrichedResourceUsage.intervalMillis"), "10",
            "counts only: the sampling interval, seconds")),
    POINT_TIMESTAMP(series("series[].points[].timestamp", List.of("EnrichedResourceUsage.sampledAt",
            "EnrichedHeartbeat.header.producedAt"), "1767607200", "epoch seconds")),
    POINT_VALUE(series("series[].points[].value", List.of(), "12.5", "the metric's value (see the metrics)")),
    RESOURCE_NAME(series("series[].resources[].name", List.of("*.header.proxyId"), "proxy-acme-01",
            "the proxy, as Datadog's host")),
    RESOURCE_TYPE(series("series[].resources[].type", List.of(), "host", "constant")),
    SERIES_TAGS(series("series[].tags[]", List.of("*.tenant", "*.header"), "tenant_id:acme",
            "the tags (see the tag keys)")),

    // ------------------------------------------------------------ metrics (series and DogStatsD)

    CPU_PERCENT(metric("lunar.proxy.cpu.percent", Series.TYPE_GAUGE, "percent",
            "EnrichedResourceUsage.host.cpuPercent", "12.5")),
    MEMORY_USED(metric("lunar.proxy.memory.used", Series.TYPE_GAUGE, "byte",
            "EnrichedResourceUsage.host.memoryUsedBytes", "536870912")),
    MEMORY_TOTAL(metric("lunar.proxy.memory.total", Series.TYPE_GAUGE, "byte",
            "EnrichedResourceUsage.host.memoryTotalBytes", "2147483648")),
    DISK_WRITES(metric("lunar.proxy.disk.writes", Series.TYPE_COUNT, "byte",
            "EnrichedResourceUsage.host.diskWriteBytes", "1048576")),
    PROCESS_CPU_PERCENT(metric("lunar.proxy.process.cpu.percent", Series.TYPE_GAUGE, "percent",
            "EnrichedResourceUsage.processes[].cpuPercent", "3.5")),
    PROCESS_MEMORY(metric("lunar.proxy.process.memory", Series.TYPE_GAUGE, "byte",
            "EnrichedResourceUsage.processes[].memoryBytes", "268435456")),
    UPTIME(metric("lunar.proxy.uptime", Series.TYPE_GAUGE, "second", "EnrichedHeartbeat.uptimeSeconds",
            "3600")),
    RESTARTS_TOTAL(metric("lunar.proxy.restarts", Series.TYPE_GAUGE, "event", "EnrichedHeartbeat.restarts",
            "2")),
    RESTARTS_UNEXPECTED(metric("lunar.proxy.restarts.unexpected", Series.TYPE_GAUGE, "event",
            "EnrichedHeartbeat.unexpectedRestarts", "0")),

    // ------------------------------------------------------------ tag keys (ddtags, series tags, DogStatsD tags)

    TAG_TENANT(tag("tenant", List.of("*.tenant.name"), "tenant:acme_corp",
            "the tenant's name, normalised (`unknown` without one)", true)),
    TAG_TENANT_ID(tag("tenant_id", List.of("*.tenant.id"), "tenant_id:acme", "the tenant", true)),
    TAG_PLAN(tag("plan", List.of("*.tenant.plan"), "plan:control_plane", "the tenant's plan", true)),
    TAG_PROXY_ID(tag("proxy_id", List.of("*.header.proxyId"), "proxy_id:proxy-acme-01", "the proxy", true)),
    TAG_PROXY_VERSION(tag("proxy_version", List.of("*.header.proxyVersion"), "proxy_version:1.4.2", "the proxy's version", true)),
    TAG_TENANT_KNOWN(tag("tenant_known", List.of("*.tenant.known"), "tenant_known:false",
            "only for a tenant id not in `tenants.v1`", true)),
    TAG_TENANT_TAG(tag("{tenant tag}", List.of("*.tenant.tags"), "team:payments",
            "the tenant's own tags from `tenants.v1`, sorted, without credential-like names (never the proxies' "
                    + "tags)", true)),
    TAG_PROCESS(tag("process", List.of("EnrichedResourceUsage.processes[].name"), "process:lunar-engine",
            "series of one process", false)),
    TAG_HOST(tag("host", List.of("*.header.proxyId"), "host:proxy-acme-01",
            "DogStatsD lines only: the proxy, as Datadog's host (series name it in `resources`)", false));

    private final OutgoingField field;
    private final SerializableString json;
    private final int metricType;
    private final String unit;

    DatadogField(Spec spec) {
        this.field = spec.field();
        this.json = new SerializedString(field.name());
        this.metricType = spec.metricType();
        this.unit = spec.unit();
    }

    /** What the inventory says of it. */
    public OutgoingField outgoing() {
        return field;
    }

    /** Every field, in declaration order. */
    public static List<OutgoingField> inventory() {
        return Arrays.stream(values()).map(DatadogField::outgoing).toList();
    }

    /** A JSON key's name as its writer writes it (the last key of its path). */
    SerializableString json() {
        return json;
    }

    /**
     * The name of the object or array a JSON key is in, as its writer writes it ({@code proxy.id} → {@code proxy},
     * {@code series[].points[].value} → {@code points}).
     */
    SerializableString container() {
        String path = field.key();
        String parent = path.substring(0, path.lastIndexOf('.'));
        String name = parent.substring(parent.lastIndexOf('.') + 1);
        return new SerializedString(name.endsWith("[]") ? name.substring(0, name.length() - 2) : name);
    }

    /** A JSON key's name, or a metric name or tag key. */
    String key() {
        return field.kind() == Kind.JSON_KEY ? field.name() : field.key();
    }

    /** A metric's Metrics API v2 type. */
    int metricType() {
        return metricType;
    }

    /** A metric's unit. */
    String unit() {
        return unit;
    }

    private record Spec(OutgoingField field, int metricType, String unit) {}

    private static Spec log(String path, List<String> sources, String example, String description) {
        return new Spec(new OutgoingField(List.of(Destination.DATADOG_LOGS), Kind.JSON_KEY, path, sources,
                OutgoingField.ALL_PLANS, example, description), 0, null);
    }

    private static Spec series(String path, List<String> sources, String example, String description) {
        return new Spec(new OutgoingField(List.of(Destination.DATADOG_METRICS), Kind.JSON_KEY, path, sources,
                OutgoingField.ALL_PLANS, example, description), 0, null);
    }

    private static Spec metric(String name, int type, String unit, String source, String example) {
        String description = (type == Series.TYPE_COUNT ? "count" : "gauge") + ", " + unit;
        return new Spec(new OutgoingField(List.of(Destination.DATADOG_METRICS), Kind.METRIC, name, List.of(source),
                OutgoingField.ALL_PLANS, example, description), type, unit);
    }

    private static Spec tag(String key, List<String> sources, String example, String description, boolean logsToo) {
        List<Destination> destinations = logsToo ? List.of(Destination.DATADOG_LOGS, Destination.DATADOG_METRICS)
                : List.of(Destination.DATADOG_METRICS);
        return new Spec(new OutgoingField(destinations, Kind.TAG, key, sources, OutgoingField.ALL_PLANS, example,
                description), 0, null);
    }
}
