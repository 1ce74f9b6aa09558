package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.ProcessStats;
import dev.lunar.telemetry.events.avro.TenantInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The tree-building {@code DatadogMapping} as it was before the streaming rewrite, kept unchanged as the reference the
 * new one is proven equivalent to ({@code StreamingEquivalenceTest}, {@code TagNormalisationPropertyTest}). Not used
 * by the forwarder.
 *
 * <p>Everything Datadog receives, decided here and nowhere else (DESIGN.md P4): proxy logs; CPU, memory and disk writes
 * with the tenant name; enabled policies and plugins; endpoints that have policies; proxy metadata (version, uptime,
 * restarts). Plain functions from enriched records to Logs v2 entries and Metrics v2 series.
 *
 * <p>Never mapped: endpoint traffic stats (P2, P4 — {@link #mapsType} refuses them), the text of configuration files,
 * GitHub user names, the records' proxy tags (only the tenant's own tags become Datadog tags), and any tag or
 * environment variable whose name looks like a credential (a second line of defence behind the processor's
 * denylist, P3).
 */
final class LegacyDatadogMapping {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Names that must never leave as a tag, attribute or environment variable, whatever the processor did (P3). */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile(
            "(?i).*(api[_.-]?key|apikey|token|secret|passw|pwd|credential|auth|cookie|session|private[_.-]?key).*");
    private static final Pattern TAG_ILLEGAL = Pattern.compile("[^a-z0-9_:./-]");

    /** Metrics API v2 metric types. */
    static final int TYPE_COUNT = 1;
    static final int TYPE_RATE = 2;
    static final int TYPE_GAUGE = 3;

    private LegacyDatadogMapping() {}

    /** The record types that may go to Datadog; anything else (endpoint stats in particular) is refused. */
    static boolean mapsType(Class<?> type) {
        return type == EnrichedLog.class || type == EnrichedHeartbeat.class || type == EnrichedPolicySnapshot.class
                || type == EnrichedResourceUsage.class;
    }

    /** What one enriched record becomes: log entries and metric series, both possibly empty. */
    record Mapped(List<ObjectNode> logEntries, List<ObjectNode> series) {}

    static Mapped map(SpecificRecordBase record, String service, String source) {
        if (record instanceof EnrichedLog log) {
            return new Mapped(List.of(logEntry(log, service, source)), List.of());
        }
        if (record instanceof EnrichedHeartbeat hb) {
            return new Mapped(List.of(logEntry(hb, service, source)), series(hb));
        }
        if (record instanceof EnrichedPolicySnapshot ps) {
            return new Mapped(List.of(logEntry(ps, service, source)), List.of());
        }
        if (record instanceof EnrichedResourceUsage ru) {
            return new Mapped(List.of(), series(ru));
        }
        throw new IllegalArgumentException("never sent to Datadog: " + record.getClass().getSimpleName()
                + " (DESIGN.md P2/P4)");
    }

    /** The tenant id of a mapped record. */
    static String tenantId(SpecificRecordBase record) {
        if (record instanceof EnrichedLog r) {
            return r.getTenant().getId();
        }
        if (record instanceof EnrichedHeartbeat r) {
            return r.getTenant().getId();
        }
        if (record instanceof EnrichedPolicySnapshot r) {
            return r.getTenant().getId();
        }
        if (record instanceof EnrichedResourceUsage r) {
            return r.getTenant().getId();
        }
        return null;
    }

    // ---------------------------------------------------------------- logs

    static ObjectNode logEntry(EnrichedLog log, String service, String source) {
        ObjectNode e = base(log.getHeader(), log.getTenant(), service, source, log.getTimestamp());
        e.put("status", status(log.getLevel()));
        e.put("message", log.getMessage());
        e.put("logger", log.getLogger());
        ObjectNode attributes = e.putObject("attributes");
        new TreeMap<>(log.getAttributes()).forEach((k, v) -> {
            if (!isCredentialName(k)) {
                attributes.put(k, v);
            }
        });
        return e;
    }

    static ObjectNode logEntry(EnrichedHeartbeat hb, String service, String source) {
        ObjectNode e = base(hb.getHeader(), hb.getTenant(), service, source, hb.getHeader().getProducedAt());
        e.put("status", hb.getUnexpectedRestarts() > 0 ? "warn" : "info");
        e.put("message", String.format(Locale.ROOT, "proxy heartbeat: version %s, up %d s, %d restarts (%d unexpected)",
                hb.getHeader().getProxyVersion(), hb.getUptimeSeconds(), hb.getRestarts(), hb.getUnexpectedRestarts()));
        e.put("event_type", "heartbeat");
        e.put("uptime_seconds", hb.getUptimeSeconds());
        e.put("started_at", hb.getStartedAt().toString());
        e.put("restarts", hb.getRestarts());
        e.put("unexpected_restarts", hb.getUnexpectedRestarts());
        ArrayNode reasons = e.putArray("unexpected_restart_reasons");
        hb.getUnexpectedRestartReasons().forEach(reasons::add);
        ObjectNode env = e.putObject("environment");
        new TreeMap<>(hb.getEnvironment()).forEach((k, v) -> {
            if (!isCredentialName(k)) {
                env.put(k, v);
            }
        });
        return e;
    }

    static ObjectNode logEntry(EnrichedPolicySnapshot ps, String service, String source) {
        ObjectNode e = base(ps.getHeader(), ps.getTenant(), service, source, ps.getLoadedAt());
        e.put("status", "info");
        e.put("message", String.format(Locale.ROOT,
                "proxy configuration loaded: %d enabled policies, %d enabled plugins, %d endpoints with policies",
                ps.getEnabledPolicies().size(), ps.getEnabledPlugins().size(), ps.getEndpointsWithPolicies().size()));
        e.put("event_type", "policy_snapshot");
        ArrayNode policies = e.putArray("enabled_policies");
        ps.getEnabledPolicies().forEach(policies::add);
        ArrayNode plugins = e.putArray("enabled_plugins");
        ps.getEnabledPlugins().forEach(plugins::add);
        ArrayNode endpoints = e.putArray("endpoints_with_policies");
        for (EndpointRef ref : ps.getEndpointsWithPolicies()) {
            endpoints.addObject().put("method", ref.getMethod()).put("host", ref.getHost())
                    .put("path_template", ref.getPathTemplate());
        }
        return e;
    }

    private static ObjectNode base(EventHeader header, TenantInfo tenant, String service, String source,
                                   Instant timestamp) {
        ObjectNode e = JSON.objectNode();
        e.put("ddsource", source);
        e.put("service", service);
        e.put("hostname", header.getProxyId());
        e.put("ddtags", String.join(",", tags(header, tenant)));
        e.put("timestamp", timestamp.toEpochMilli());
        e.put("event_id", header.getEventId());
        ObjectNode proxy = e.putObject("proxy");
        proxy.put("id", header.getProxyId());
        proxy.put("version", header.getProxyVersion());
        ObjectNode t = e.putObject("tenant");
        t.put("id", tenant.getId());
        t.put("name", tenant.getName());
        t.put("plan", tenant.getPlan().name());
        t.put("known", tenant.getKnown());
        return e;
    }

    /** Datadog log status from a proxy log level. */
    static String status(String level) {
        return switch (level == null ? "" : level.trim().toUpperCase(Locale.ROOT)) {
            case "TRACE", "DEBUG" -> "debug";
            case "WARN", "WARNING" -> "warn";
            case "ERROR", "ERR" -> "error";
            case "FATAL", "CRITICAL", "CRIT" -> "critical";
            case "EMERGENCY", "EMERG" -> "emergency";
            case "ALERT" -> "alert";
            case "NOTICE" -> "notice";
            default -> "info";
        };
    }

    /**
     * Tags for logs ({@code ddtags}) and series: tenant name and id, plan, proxy id and version, then the tenant's own
     * tags (never credential-like ones), normalised the way Datadog stores tags.
     */
    static List<String> tags(EventHeader header, TenantInfo tenant) {
        List<String> tags = new ArrayList<>();
        tags.add(tag("tenant", tenant.getName().isEmpty() ? "unknown" : tenant.getName()));
        tags.add(tag("tenant_id", tenant.getId()));
        tags.add(tag("plan", tenant.getPlan().name()));
        tags.add(tag("proxy_id", header.getProxyId()));
        tags.add(tag("proxy_version", header.getProxyVersion()));
        if (!tenant.getKnown()) {
            tags.add("tenant_known:false");
        }
        new TreeMap<>(tenant.getTags()).forEach((k, v) -> {
            if (!isCredentialName(k)) {
                tags.add(tag(k, v));
            }
        });
        return tags;
    }

    static String tag(String key, String value) {
        String t = (key + ":" + (value == null ? "" : value)).toLowerCase(Locale.ROOT);
        t = TAG_ILLEGAL.matcher(t).replaceAll("_");
        return t.length() > 200 ? t.substring(0, 200) : t;
    }

    static boolean isCredentialName(String name) {
        return name != null && CREDENTIAL_NAME.matcher(name).matches();
    }

    // ---------------------------------------------------------------- metrics

    static List<ObjectNode> series(EnrichedResourceUsage ru) {
        long ts = ru.getSampledAt().getEpochSecond();
        List<String> tags = tags(ru.getHeader(), ru.getTenant());
        String host = ru.getHeader().getProxyId();
        HostStats h = ru.getHost();
        long intervalSeconds = Math.max(1, ru.getIntervalMillis() / 1000);
        List<ObjectNode> out = new ArrayList<>();
        out.add(point("lunar.proxy.cpu.percent", TYPE_GAUGE, "percent", null, ts, h.getCpuPercent(), host, tags));
        out.add(point("lunar.proxy.memory.used", TYPE_GAUGE, "byte", null, ts, h.getMemoryUsedBytes(), host, tags));
        out.add(point("lunar.proxy.memory.total", TYPE_GAUGE, "byte", null, ts, h.getMemoryTotalBytes(), host, tags));
        out.add(point("lunar.proxy.disk.writes", TYPE_COUNT, "byte", intervalSeconds, ts, h.getDiskWriteBytes(), host,
                tags));
        for (ProcessStats p : ru.getProcesses()) {
            List<String> ptags = new ArrayList<>(tags);
            ptags.add(tag("process", p.getName()));
            out.add(point("lunar.proxy.process.cpu.percent", TYPE_GAUGE, "percent", null, ts, p.getCpuPercent(), host,
                    ptags));
            out.add(point("lunar.proxy.process.memory", TYPE_GAUGE, "byte", null, ts, p.getMemoryBytes(), host,
                    ptags));
        }
        return out;
    }

    static List<ObjectNode> series(EnrichedHeartbeat hb) {
        long ts = hb.getHeader().getProducedAt().getEpochSecond();
        List<String> tags = tags(hb.getHeader(), hb.getTenant());
        String host = hb.getHeader().getProxyId();
        return List.of(
                point("lunar.proxy.uptime", TYPE_GAUGE, "second", null, ts, hb.getUptimeSeconds(), host, tags),
                point("lunar.proxy.restarts", TYPE_GAUGE, "event", null, ts, hb.getRestarts(), host, tags),
                point("lunar.proxy.restarts.unexpected", TYPE_GAUGE, "event", null, ts, hb.getUnexpectedRestarts(), host,
                        tags));
    }

    private static ObjectNode point(String metric, int type, String unit, Long interval, long timestamp, double value,
                                    String host, List<String> tags) {
        ObjectNode s = JSON.objectNode();
        s.put("metric", metric);
        s.put("type", type);
        s.put("unit", unit);
        if (interval != null) {
            s.put("interval", interval);
        }
        s.putArray("points").addObject().put("timestamp", timestamp).put("value", value);
        s.putArray("resources").addObject().put("name", host).put("type", "host");
        ArrayNode t = s.putArray("tags");
        tags.forEach(t::add);
        return s;
    }

    /** A series' single point timestamp, seconds. */
    static long timestampOf(ObjectNode series) {
        return series.get("points").get(0).get("timestamp").asLong();
    }

    /** DogStatsD line of a series: {@code name:value|g|#tag,...,host:<h>|T<ts>} (counts use {@code |c}). */
    static String dogStatsdLine(ObjectNode series) {
        StringBuilder b = new StringBuilder();
        b.append(series.get("metric").asText()).append(':');
        double v = series.get("points").get(0).get("value").asDouble();
        b.append(v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v));
        b.append(series.get("type").asInt() == TYPE_COUNT ? "|c" : "|g");
        b.append("|#");
        List<String> tags = new ArrayList<>();
        series.get("tags").forEach(t -> tags.add(t.asText()));
        tags.add(tag("host", series.get("resources").get(0).get("name").asText()));
        b.append(String.join(",", tags));
        b.append("|T").append(timestampOf(series));
        return b.toString();
    }
}
