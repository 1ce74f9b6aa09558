package dev.lunar.telemetry.datadog;

import static dev.lunar.telemetry.datadog.JsonFragments.field;
import static dev.lunar.telemetry.datadog.JsonFragments.sortedWithoutCredentials;
import static dev.lunar.telemetry.datadog.JsonFragments.strings;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecordBase;

/** A Logs API v2 entry of one record: its values, written on demand. */
final class LogEntry implements JsonWritable {

    // every key from its DatadogField: what is written here is what the data inventory lists
    private static final SerializableString TIMESTAMP = DatadogField.TIMESTAMP.json();
    private static final SerializableString EVENT_ID = DatadogField.EVENT_ID.json();
    private static final SerializableString LOG_STATUS = DatadogField.LOG_STATUS.json();
    private static final SerializableString LOG_MESSAGE = DatadogField.LOG_MESSAGE.json();
    private static final SerializableString LOGGER = DatadogField.LOG_LOGGER.json();
    private static final SerializableString ATTRIBUTES = DatadogField.LOG_ATTRIBUTE.container();
    private static final SerializableString HEARTBEAT_STATUS = DatadogField.HEARTBEAT_STATUS.json();
    private static final SerializableString HEARTBEAT_MESSAGE = DatadogField.HEARTBEAT_MESSAGE.json();
    private static final SerializableString HEARTBEAT_EVENT_TYPE = DatadogField.HEARTBEAT_EVENT_TYPE.json();
    private static final SerializableString UPTIME_SECONDS = DatadogField.UPTIME_SECONDS.json();
    private static final SerializableString STARTED_AT = DatadogField.STARTED_AT.json();
    private static final SerializableString RESTARTS = DatadogField.RESTARTS.json();
    private static final SerializableString UNEXPECTED_RESTARTS = DatadogField.UNEXPECTED_RESTARTS.json();
    private static final SerializableString UNEXPECTED_RESTART_REASONS = DatadogField.UNEXPECTED_RESTART_REASONS.json();
    private static final SerializableString ENVIRONMENT = DatadogField.ENVIRONMENT.container();
    private static final SerializableString POLICY_STATUS = DatadogField.POLICY_STATUS.json();
    private static final SerializableString POLICY_MESSAGE = DatadogField.POLICY_MESSAGE.json();
    private static final SerializableString POLICY_EVENT_TYPE = DatadogField.POLICY_EVENT_TYPE.json();
    private static final SerializableString ENABLED_POLICIES = DatadogField.ENABLED_POLICIES.json();
    private static final SerializableString ENABLED_PLUGINS = DatadogField.ENABLED_PLUGINS.json();
    private static final SerializableString ENDPOINTS_WITH_POLICIES = DatadogField.ENDPOINT_METHOD.container();
    private static final SerializableString METHOD = DatadogField.ENDPOINT_METHOD.json();
    private static final SerializableString HOST = DatadogField.ENDPOINT_HOST.json();
    private static final SerializableString PATH_TEMPLATE = DatadogField.ENDPOINT_PATH_TEMPLATE.json();

    private final SpecificRecordBase record;
    private final EventHeader header;
    private final TenantInfo tenant;
    private final String service;
    private final String source;
    private final long timestamp;

    private LogEntry(SpecificRecordBase record, EventHeader header, TenantInfo tenant, String service,
                     String source, Instant timestamp) {
        this.record = record;
        this.header = header;
        this.tenant = tenant;
        this.service = service;
        this.source = source;
        this.timestamp = timestamp.toEpochMilli();
    }

    /** The entry's {@code timestamp}, epoch milliseconds. */
    long timestamp() {
        return timestamp;
    }

    String eventId() {
        return header.getEventId();
    }

    @Override
    public void writeTo(JsonGenerator g) throws IOException {
        EntryFragments fragments = Tags.of(header, tenant).entryFragments(service, source, header, tenant);
        g.writeStartObject();
        // "ddsource", "service", "hostname", "ddtags" and a comma: the generator then writes the next field as
        // if it were the first, without one
        g.writeRaw(fragments.prefix());
        field(g, TIMESTAMP, timestamp);
        field(g, EVENT_ID, header.getEventId());
        // a comma, "proxy" and "tenant": the generator has written fields, so it puts a comma before the next
        g.writeRaw(fragments.middle());
        if (record instanceof EnrichedLog log) {
            writeLog(g, log);
        } else if (record instanceof EnrichedHeartbeat hb) {
            writeHeartbeat(g, hb);
        } else {
            writePolicies(g, (EnrichedPolicySnapshot) record);
        }
        g.writeEndObject();
    }

    private static void writeLog(JsonGenerator g, EnrichedLog log) throws IOException {
        field(g, LOG_STATUS, status(log.getLevel()));
        field(g, LOG_MESSAGE, log.getMessage());
        field(g, LOGGER, log.getLogger());
        sortedWithoutCredentials(g, ATTRIBUTES, log.getAttributes());
    }

    private static void writeHeartbeat(JsonGenerator g, EnrichedHeartbeat hb) throws IOException {
        field(g, HEARTBEAT_STATUS, hb.getUnexpectedRestarts() > 0 ? "warn" : "info");
        field(g, HEARTBEAT_MESSAGE, heartbeatMessage(hb));
        field(g, HEARTBEAT_EVENT_TYPE, "heartbeat");
        field(g, UPTIME_SECONDS, hb.getUptimeSeconds());
        field(g, STARTED_AT, hb.getStartedAt().toString());
        field(g, RESTARTS, hb.getRestarts());
        field(g, UNEXPECTED_RESTARTS, hb.getUnexpectedRestarts());
        strings(g, UNEXPECTED_RESTART_REASONS, hb.getUnexpectedRestartReasons());
        sortedWithoutCredentials(g, ENVIRONMENT, hb.getEnvironment());
    }

    private static void writePolicies(JsonGenerator g, EnrichedPolicySnapshot ps) throws IOException {
        field(g, POLICY_STATUS, "info");
        field(g, POLICY_MESSAGE, policiesMessage(ps));
        field(g, POLICY_EVENT_TYPE, "policy_snapshot");
        strings(g, ENABLED_POLICIES, ps.getEnabledPolicies());
        strings(g, ENABLED_PLUGINS, ps.getEnabledPlugins());
        g.writeFieldName(ENDPOINTS_WITH_POLICIES);
        g.writeStartArray();
        for (EndpointRef ref : ps.getEndpointsWithPolicies()) {
            g.writeStartObject();
            field(g, METHOD, ref.getMethod());
            field(g, HOST, ref.getHost());
            field(g, PATH_TEMPLATE, ref.getPathTemplate());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    @Override
    public String toString() {
        return JsonFragments.toTree(this).toString();
    }

    /** {@code String.format(Locale.ROOT, "proxy heartbeat: version %s, up %d s, %d restarts (%d unexpected)", ...)}. */
    static String heartbeatMessage(EnrichedHeartbeat hb) {
        return "proxy heartbeat: version " + hb.getHeader().getProxyVersion() + ", up " + hb.getUptimeSeconds()
                + " s, " + hb.getRestarts() + " restarts (" + hb.getUnexpectedRestarts() + " unexpected)";
    }

    /** The policy snapshot's message: counts of enabled policies, plugins and endpoints with policies. */
    static String policiesMessage(EnrichedPolicySnapshot ps) {
        return "proxy configuration loaded: " + ps.getEnabledPolicies().size() + " enabled policies, "
                + ps.getEnabledPlugins().size() + " enabled plugins, " + ps.getEndpointsWithPolicies().size()
                + " endpoints with policies";
    }

    static LogEntry of(EnrichedLog log, String service, String source) {
        return new LogEntry(log, log.getHeader(), log.getTenant(), service, source, log.getTimestamp());
    }

    static LogEntry of(EnrichedHeartbeat hb, String service, String source) {
        return new LogEntry(hb, hb.getHeader(), hb.getTenant(), service, source, hb.getHeader().getProducedAt());
    }

    static LogEntry of(EnrichedPolicySnapshot ps, String service, String source) {
        return new LogEntry(ps, ps.getHeader(), ps.getTenant(), service, source, ps.getLoadedAt());
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
}
