package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Everything Datadog receives, decided here and nowhere else (DESIGN.md P4): proxy logs; CPU, memory and disk writes
 * with the tenant name; enabled policies and plugins; endpoints that have policies; proxy metadata (version, uptime,
 * restarts). Plain functions from enriched records to Logs v2 entries and Metrics v2 series.
 *
 * <p>Never mapped: endpoint traffic stats (P2, P4 — {@link #mapsType} refuses them), the text of configuration files,
 * GitHub user names, the records' proxy tags (only the tenant's own tags become Datadog tags), and any tag or
 * environment variable whose name looks like a credential (a second line of defence behind the processor's
 * denylist, P3).
 *
 * <p>Entries and series are not built as JSON trees: a {@link LogEntry} or {@link Series} keeps the record's values
 * and writes itself field by field with a streaming {@link JsonGenerator}, in the field order (and so to the bytes) a
 * tree of the same content would be serialised to. The tags of a (tenant, proxy, version) are normalised once and
 * cached.
 */
final class DatadogMapping {

    private static final BoundedCache<TagKey, Tags> TAGS = new BoundedCache<>(4096);
    private static final ObjectMapper TREES = new ObjectMapper();

    /** Metrics API v2 metric types. */
    static final int TYPE_COUNT = 1;
    static final int TYPE_RATE = 2;
    static final int TYPE_GAUGE = 3;

    private DatadogMapping() {}

    /** The record types that may go to Datadog; anything else (endpoint stats in particular) is refused. */
    static boolean mapsType(Class<?> type) {
        return type == EnrichedLog.class || type == EnrichedHeartbeat.class || type == EnrichedPolicySnapshot.class
                || type == EnrichedResourceUsage.class;
    }

    /** What one enriched record becomes: log entries and metric series, both possibly empty. */
    record Mapped(List<LogEntry> logEntries, List<Series> series) {}

    static Mapped map(SpecificRecordBase record, String service, String source) {
        if (record instanceof EnrichedLog log) {
            return new Mapped(List.of(entry(log, service, source)), List.of());
        }
        if (record instanceof EnrichedHeartbeat hb) {
            return new Mapped(List.of(entry(hb, service, source)), seriesOf(hb));
        }
        if (record instanceof EnrichedPolicySnapshot ps) {
            return new Mapped(List.of(entry(ps, service, source)), List.of());
        }
        if (record instanceof EnrichedResourceUsage ru) {
            return new Mapped(List.of(), seriesOf(ru));
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

    // ---------------------------------------------------------------- JSON

    /** One JSON value (a log entry, a series) that writes itself. */
    interface JsonWritable {
        void writeTo(JsonGenerator g) throws IOException;

        /** The value's JSON when it was serialised already, else null. */
        default byte[] encoded() {
            return null;
        }
    }

    /** A tree, written as it is (tests build entries and series as trees). */
    record Tree(ObjectNode node) implements JsonWritable {
        @Override
        public void writeTo(JsonGenerator g) throws IOException {
            TREES.writeTree(g, node);
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** {@code value} as a tree: what it writes, parsed back (tests, debugging; never on the forwarding path). */
    static ObjectNode toTree(JsonWritable value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = JSON.createGenerator(out)) {
                value.writeTo(g);
            }
            return (ObjectNode) TREES.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // every key from its DatadogField: what is written here is what the data inventory lists
    private static final SerializableString DDSOURCE = DatadogField.DDSOURCE.json();
    private static final SerializableString SERVICE = DatadogField.SERVICE.json();
    private static final SerializableString HOSTNAME = DatadogField.HOSTNAME.json();
    private static final SerializableString DDTAGS = DatadogField.DDTAGS.json();
    private static final SerializableString TIMESTAMP = DatadogField.TIMESTAMP.json();
    private static final SerializableString EVENT_ID = DatadogField.EVENT_ID.json();
    private static final SerializableString PROXY = DatadogField.PROXY_ID.container();
    private static final SerializableString PROXY_ID = DatadogField.PROXY_ID.json();
    private static final SerializableString PROXY_VERSION = DatadogField.PROXY_VERSION.json();
    private static final SerializableString TENANT = DatadogField.TENANT_ID.container();
    private static final SerializableString TENANT_ID = DatadogField.TENANT_ID.json();
    private static final SerializableString TENANT_NAME = DatadogField.TENANT_NAME.json();
    private static final SerializableString TENANT_PLAN = DatadogField.TENANT_PLAN.json();
    private static final SerializableString TENANT_KNOWN = DatadogField.TENANT_KNOWN.json();
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
    private static final SerializableString METRIC = DatadogField.SERIES_METRIC.json();
    private static final SerializableString SERIES_TYPE = DatadogField.SERIES_TYPE.json();
    private static final SerializableString UNIT = DatadogField.SERIES_UNIT.json();
    private static final SerializableString INTERVAL = DatadogField.SERIES_INTERVAL.json();
    private static final SerializableString POINTS = DatadogField.POINT_TIMESTAMP.container();
    private static final SerializableString POINT_TIMESTAMP = DatadogField.POINT_TIMESTAMP.json();
    private static final SerializableString VALUE = DatadogField.POINT_VALUE.json();
    private static final SerializableString RESOURCES = DatadogField.RESOURCE_NAME.container();
    private static final SerializableString RESOURCE_NAME = DatadogField.RESOURCE_NAME.json();
    private static final SerializableString RESOURCE_TYPE = DatadogField.RESOURCE_TYPE.json();
    private static final SerializableString TAGS_FIELD = DatadogField.SERIES_TAGS.json();

    private static void field(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    private static void field(JsonGenerator g, SerializableString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void strings(JsonGenerator g, SerializableString name, List<String> values) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** {@code map}'s entries sorted by name, without credential-like names, as a JSON object. */
    private static void sortedWithoutCredentials(JsonGenerator g, SerializableString name, Map<String, String> map)
            throws IOException {
        g.writeFieldName(name);
        g.writeStartObject();
        String[] keys = map.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        for (String k : keys) {
            if (!TagRules.isCredentialName(k)) {
                g.writeFieldName(k);
                g.writeString(map.get(k));
            }
        }
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- logs

    /** A Logs API v2 entry of one record: its values, written on demand. */
    static final class LogEntry implements JsonWritable {
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
            EntryFragments fragments = tagsOf(header, tenant).entryFragments(service, source, header, tenant);
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
            return toTree(this).toString();
        }
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

    static LogEntry entry(EnrichedLog log, String service, String source) {
        return new LogEntry(log, log.getHeader(), log.getTenant(), service, source, log.getTimestamp());
    }

    static LogEntry entry(EnrichedHeartbeat hb, String service, String source) {
        return new LogEntry(hb, hb.getHeader(), hb.getTenant(), service, source, hb.getHeader().getProducedAt());
    }

    static LogEntry entry(EnrichedPolicySnapshot ps, String service, String source) {
        return new LogEntry(ps, ps.getHeader(), ps.getTenant(), service, source, ps.getLoadedAt());
    }

    /** The entry as a tree (tests). */
    static ObjectNode logEntry(EnrichedLog log, String service, String source) {
        return toTree(entry(log, service, source));
    }

    /** The entry as a tree (tests). */
    static ObjectNode logEntry(EnrichedHeartbeat hb, String service, String source) {
        return toTree(entry(hb, service, source));
    }

    /** The entry as a tree (tests). */
    static ObjectNode logEntry(EnrichedPolicySnapshot ps, String service, String source) {
        return toTree(entry(ps, service, source));
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

    // ---------------------------------------------------------------- tags

    /**
     * The normalised tags of a (tenant, proxy, version), the same joined with commas ({@code ddtags}), and the parts of
     * entries and series that depend on nothing else, written once.
     */
    static final class Tags {
        private static final int MAX_PROCESS_TAILS = 64;
        private final List<String> list;
        private final String joined;
        private final RawJson seriesTail;
        private final ConcurrentHashMap<String, RawJson> processTails = new ConcurrentHashMap<>();
        private volatile EntryFragments entryFragments;

        Tags(List<String> list, String host) {
            this.list = list;
            this.joined = String.join(",", list);
            this.seriesTail = writeSeriesTail(host, list);
        }

        List<String> list() {
            return list;
        }

        String joined() {
            return joined;
        }

        /** {@code ,"resources":[{"name":<host>,"type":"host"}],"tags":[...]} of the host's series. */
        RawJson seriesTail() {
            return seriesTail;
        }

        /** The same for a process's series: the tags and {@code process:<name>}. */
        RawJson processTail(String host, List<String> processTags, String processName) {
            RawJson tail = processTails.get(processName);
            if (tail == null) {
                tail = writeSeriesTail(host, processTags);
                if (processTails.size() < MAX_PROCESS_TAILS) {
                    processTails.put(processName, tail);
                }
            }
            return tail;
        }

        EntryFragments entryFragments(String service, String source, EventHeader header, TenantInfo tenant) {
            EntryFragments f = entryFragments;
            if (f == null || !f.service().equals(service) || !f.source().equals(source)) {
                f = EntryFragments.of(service, source, header, tenant, joined);
                entryFragments = f;
            }
            return f;
        }
    }

    /** The parts of a log entry that are the same for every record of a (tenant, proxy, version). */
    record EntryFragments(String service, String source, RawJson prefix, RawJson middle) {
        static EntryFragments of(String service, String source, EventHeader header, TenantInfo tenant,
                                 String ddtags) {
            RawJson prefix = fragment(g -> {
                field(g, DDSOURCE, source);
                field(g, SERVICE, service);
                field(g, HOSTNAME, header.getProxyId());
                field(g, DDTAGS, ddtags);
            }, false, true);
            RawJson middle = fragment(g -> {
                g.writeFieldName(PROXY);
                g.writeStartObject();
                field(g, PROXY_ID, header.getProxyId());
                field(g, PROXY_VERSION, header.getProxyVersion());
                g.writeEndObject();
                g.writeFieldName(TENANT);
                g.writeStartObject();
                field(g, TENANT_ID, tenant.getId());
                field(g, TENANT_NAME, tenant.getName());
                field(g, TENANT_PLAN, tenant.getPlan().name());
                g.writeFieldName(TENANT_KNOWN);
                g.writeBoolean(tenant.getKnown());
                g.writeEndObject();
            }, true, false);
            return new EntryFragments(service, source, prefix, middle);
        }
    }

    /** Writes fields into an object. */
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The fields {@code fields} writes, as the generator writes them inside an object, without the braces: raw JSON
     * to copy into an object being written, with a comma before or after.
     */
    private static RawJson fragment(Fields fields, boolean commaBefore, boolean commaAfter) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] object = out.toByteArray();
        int inner = object.length - 2;
        byte[] raw = new byte[inner + (commaBefore ? 1 : 0) + (commaAfter ? 1 : 0)];
        int at = 0;
        if (commaBefore) {
            raw[at++] = ',';
        }
        System.arraycopy(object, 1, raw, at, inner);
        if (commaAfter) {
            raw[at + inner] = ',';
        }
        return new RawJson(raw);
    }

    private static RawJson writeSeriesTail(String host, List<String> tags) {
        return fragment(g -> {
            g.writeFieldName(RESOURCES);
            g.writeStartArray();
            g.writeStartObject();
            field(g, RESOURCE_NAME, host);
            field(g, RESOURCE_TYPE, "host");
            g.writeEndObject();
            g.writeEndArray();
            strings(g, TAGS_FIELD, tags);
        }, true, false);
    }

    private record MetricKey(String metric, int type, String unit) {}

    private static final ConcurrentHashMap<MetricKey, RawJson> SERIES_HEADS = new ConcurrentHashMap<>();

    /** {@code "metric":<m>,"type":<t>,"unit":<u>,} */
    private static RawJson seriesHead(String metric, int type, String unit) {
        return SERIES_HEADS.computeIfAbsent(new MetricKey(metric, type, unit), k -> fragment(g -> {
            field(g, METRIC, k.metric());
            g.writeFieldName(SERIES_TYPE);
            g.writeNumber(k.type());
            field(g, UNIT, k.unit());
        }, false, true));
    }

    /** Everything {@link #tags} depends on. */
    private record TagKey(String tenantName, String tenantId, TenantPlan plan, boolean known,
                          Map<String, String> tenantTags, String proxyId, String proxyVersion) {}

    /** {@link #tags}, and the same joined, from a bounded cache. */
    static Tags tagsOf(EventHeader header, TenantInfo tenant) {
        TagKey key = new TagKey(tenant.getName(), tenant.getId(), tenant.getPlan(), tenant.getKnown(), tenant.getTags(),
                header.getProxyId(), header.getProxyVersion());
        Tags tags = TAGS.get(key);
        if (tags == null) {
            tags = new Tags(Collections.unmodifiableList(computeTags(header, tenant)), header.getProxyId());
            // the key keeps a copy: the record's own map may change after this
            Map<String, String> copy = Collections.unmodifiableMap(new HashMap<>(tenant.getTags()));
            TAGS.put(new TagKey(key.tenantName(), key.tenantId(), key.plan(), key.known(), copy, key.proxyId(),
                    key.proxyVersion()), tags);
        }
        return tags;
    }

    /**
     * Tags for logs ({@code ddtags}) and series: tenant name and id, plan, proxy id and version, then the tenant's own
     * tags (never credential-like ones), normalised the way Datadog stores tags. Unmodifiable.
     */
    static List<String> tags(EventHeader header, TenantInfo tenant) {
        return tagsOf(header, tenant).list();
    }

    private static List<String> computeTags(EventHeader header, TenantInfo tenant) {
        List<String> tags = new ArrayList<>();
        tags.add(TagRules.tag(DatadogField.TAG_TENANT.key(), tenant.getName().isEmpty() ? "unknown" : tenant.getName()));
        tags.add(TagRules.tag(DatadogField.TAG_TENANT_ID.key(), tenant.getId()));
        tags.add(TagRules.tag(DatadogField.TAG_PLAN.key(), tenant.getPlan().name()));
        tags.add(TagRules.tag(DatadogField.TAG_PROXY_ID.key(), header.getProxyId()));
        tags.add(TagRules.tag(DatadogField.TAG_PROXY_VERSION.key(), header.getProxyVersion()));
        if (!tenant.getKnown()) {
            tags.add(DatadogField.TAG_TENANT_KNOWN.key() + ":false");
        }
        String[] keys = tenant.getTags().keySet().toArray(new String[0]);
        Arrays.sort(keys);
        for (String k : keys) {
            if (!TagRules.isCredentialName(k)) {
                // DatadogField.TAG_TENANT_TAG
                tags.add(TagRules.tag(k, tenant.getTags().get(k)));
            }
        }
        return tags;
    }

    // ---------------------------------------------------------------- metrics

    /** A Metrics API v2 series with one point. */
    static final class Series implements JsonWritable {
        private final String metric;
        private final int type;
        /** Seconds; 0: none. */
        private final long interval;
        private final long timestamp;
        private final double value;
        private final String host;
        private final List<String> tags;
        /** {@code "metric":..,"type":..,"unit":..,} */
        private final RawJson head;
        /** {@code ,"resources":[..],"tags":[..]} */
        private final RawJson tail;

        Series(String metric, int type, String unit, long interval, long timestamp, double value, String host,
               List<String> tags, RawJson tail) {
            this.metric = metric;
            this.type = type;
            this.interval = interval;
            this.timestamp = timestamp;
            this.value = value;
            this.host = host;
            this.tags = tags;
            this.head = seriesHead(metric, type, unit);
            this.tail = tail;
        }

        /** A series of {@code metric}, one of {@link DatadogField}'s metrics. */
        Series(DatadogField metric, long interval, long timestamp, double value, String host, List<String> tags,
               RawJson tail) {
            this(metric.key(), metric.metricType(), metric.unit(), interval, timestamp, value, host, tags, tail);
        }

        /** The point's timestamp, epoch seconds. */
        long timestamp() {
            return timestamp;
        }

        @Override
        public void writeTo(JsonGenerator g) throws IOException {
            g.writeStartObject();
            // ends with a comma: the generator writes the next field as if it were the first, without one
            g.writeRaw(head);
            if (interval > 0) {
                field(g, INTERVAL, interval);
            }
            g.writeFieldName(POINTS);
            g.writeStartArray();
            g.writeStartObject();
            field(g, POINT_TIMESTAMP, timestamp);
            g.writeFieldName(VALUE);
            g.writeNumber(value);
            g.writeEndObject();
            g.writeEndArray();
            g.writeRaw(tail);
            g.writeEndObject();
        }

        /** DogStatsD line: {@code name:value|g|#tag,...,host:<h>|T<ts>} (counts use {@code |c}). */
        String dogStatsdLine() {
            StringBuilder b = new StringBuilder();
            b.append(metric).append(':');
            b.append(value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value)
                    : Double.toString(value));
            b.append(type == TYPE_COUNT ? "|c" : "|g");
            b.append("|#");
            for (String t : tags) {
                b.append(t).append(',');
            }
            b.append(TagRules.tag(DatadogField.TAG_HOST.key(), host));
            b.append("|T").append(timestamp);
            return b.toString();
        }

        @Override
        public String toString() {
            return toTree(this).toString();
        }
    }

    static List<Series> seriesOf(EnrichedResourceUsage ru) {
        long ts = ru.getSampledAt().getEpochSecond();
        Tags t = tagsOf(ru.getHeader(), ru.getTenant());
        List<String> tags = t.list();
        RawJson tail = t.seriesTail();
        String host = ru.getHeader().getProxyId();
        HostStats h = ru.getHost();
        long intervalSeconds = Math.max(1, ru.getIntervalMillis() / 1000);
        List<Series> out = new ArrayList<>(4 + 2 * ru.getProcesses().size());
        out.add(new Series(DatadogField.CPU_PERCENT, 0, ts, h.getCpuPercent(), host, tags, tail));
        out.add(new Series(DatadogField.MEMORY_USED, 0, ts, h.getMemoryUsedBytes(), host, tags, tail));
        out.add(new Series(DatadogField.MEMORY_TOTAL, 0, ts, h.getMemoryTotalBytes(), host, tags, tail));
        out.add(new Series(DatadogField.DISK_WRITES, intervalSeconds, ts, h.getDiskWriteBytes(), host, tags, tail));
        for (ProcessStats p : ru.getProcesses()) {
            List<String> ptags = new ArrayList<>(tags.size() + 1);
            ptags.addAll(tags);
            ptags.add(TagRules.tag(DatadogField.TAG_PROCESS.key(), p.getName()));
            RawJson ptail = t.processTail(host, ptags, p.getName());
            out.add(new Series(DatadogField.PROCESS_CPU_PERCENT, 0, ts, p.getCpuPercent(), host, ptags, ptail));
            out.add(new Series(DatadogField.PROCESS_MEMORY, 0, ts, p.getMemoryBytes(), host, ptags, ptail));
        }
        return out;
    }

    static List<Series> seriesOf(EnrichedHeartbeat hb) {
        long ts = hb.getHeader().getProducedAt().getEpochSecond();
        Tags t = tagsOf(hb.getHeader(), hb.getTenant());
        List<String> tags = t.list();
        RawJson tail = t.seriesTail();
        String host = hb.getHeader().getProxyId();
        return List.of(
                new Series(DatadogField.UPTIME, 0, ts, hb.getUptimeSeconds(), host, tags, tail),
                new Series(DatadogField.RESTARTS_TOTAL, 0, ts, hb.getRestarts(), host, tags, tail),
                new Series(DatadogField.RESTARTS_UNEXPECTED, 0, ts, hb.getUnexpectedRestarts(), host, tags, tail));
    }

    /** The series as trees (tests). */
    static List<ObjectNode> series(EnrichedResourceUsage ru) {
        return seriesOf(ru).stream().map(DatadogMapping::toTree).toList();
    }

    /** The series as trees (tests). */
    static List<ObjectNode> series(EnrichedHeartbeat hb) {
        return seriesOf(hb).stream().map(DatadogMapping::toTree).toList();
    }

    /** DogStatsD line of a series: {@code name:value|g|#tag,...,host:<h>|T<ts>} (counts use {@code |c}). */
    static String dogStatsdLine(JsonWritable series) {
        if (series instanceof PreparedRecord.Encoded e) {
            return e.series().dogStatsdLine();
        }
        return series instanceof Series s ? s.dogStatsdLine() : dogStatsdLine(((Tree) series).node());
    }

    /** DogStatsD line of a series given as a tree. */
    static String dogStatsdLine(ObjectNode series) {
        StringBuilder b = new StringBuilder();
        b.append(series.get("metric").asText()).append(':');
        double v = series.get("points").get(0).get("value").asDouble();
        b.append(v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v));
        b.append(series.get("type").asInt() == TYPE_COUNT ? "|c" : "|g");
        b.append("|#");
        List<String> tags = new ArrayList<>();
        series.get("tags").forEach(t -> tags.add(t.asText()));
        tags.add(TagRules.tag(DatadogField.TAG_HOST.key(), series.get("resources").get(0).get("name").asText()));
        b.append(String.join(",", tags));
        b.append("|T").append(series.get("points").get(0).get("timestamp").asLong());
        return b.toString();
    }
}
