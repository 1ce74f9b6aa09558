package dev.lunar.telemetry.datadog;

import static dev.lunar.telemetry.datadog.JsonFragments.field;
import static dev.lunar.telemetry.datadog.JsonFragments.fragment;
import static dev.lunar.telemetry.datadog.JsonFragments.strings;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.ProcessStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** A Metrics API v2 series with one point. */
final class Series implements JsonWritable {

    // every key from its DatadogField: what is written here is what the data inventory lists
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

    /** Metrics API v2 metric types. */
    static final int TYPE_COUNT = 1;
    static final int TYPE_RATE = 2;
    static final int TYPE_GAUGE = 3;

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
        this(metric, type, seriesHead(metric, type, unit), interval, timestamp, value, host, tags, tail);
    }

    /** A series of {@code metric}, one of {@link DatadogField}'s metrics. */
    Series(DatadogField metric, long interval, long timestamp, double value, String host, List<String> tags,
           RawJson tail) {
        // the head by the field itself: an enum's hash and equality are its identity, a MetricKey's cost its strings
        this(metric.key(), metric.metricType(), HEADS_BY_FIELD.computeIfAbsent(metric,
                m -> seriesHead(m.key(), m.metricType(), m.unit())), interval, timestamp, value, host, tags, tail);
    }

    private Series(String metric, int type, RawJson head, long interval, long timestamp, double value, String host,
                   List<String> tags, RawJson tail) {
        this.metric = metric;
        this.type = type;
        this.interval = interval;
        this.timestamp = timestamp;
        this.value = value;
        this.host = host;
        this.tags = tags;
        this.head = head;
        this.tail = tail;
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
        return DogStatsdLine.of(metric, value, type, tags, host, timestamp);
    }

    @Override
    public String toString() {
        return JsonFragments.toTree(this).toString();
    }

    /** {@code ,"resources":[{"name":<host>,"type":"host"}],"tags":[...]} of a series. */
    static RawJson tail(String host, List<String> tags) {
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
    private static final ConcurrentHashMap<DatadogField, RawJson> HEADS_BY_FIELD = new ConcurrentHashMap<>();

    /** {@code "metric":<m>,"type":<t>,"unit":<u>,} */
    private static RawJson seriesHead(String metric, int type, String unit) {
        return SERIES_HEADS.computeIfAbsent(new MetricKey(metric, type, unit), k -> fragment(g -> {
            field(g, METRIC, k.metric());
            g.writeFieldName(SERIES_TYPE);
            g.writeNumber(k.type());
            field(g, UNIT, k.unit());
        }, false, true));
    }

    static List<Series> of(EnrichedResourceUsage ru) {
        long ts = ru.getSampledAt().getEpochSecond();
        Tags t = Tags.of(ru.getHeader(), ru.getTenant());
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

    static List<Series> of(EnrichedHeartbeat hb) {
        long ts = hb.getHeader().getProducedAt().getEpochSecond();
        Tags t = Tags.of(hb.getHeader(), hb.getTenant());
        List<String> tags = t.list();
        RawJson tail = t.seriesTail();
        String host = hb.getHeader().getProxyId();
        return List.of(
                new Series(DatadogField.UPTIME, 0, ts, hb.getUptimeSeconds(), host, tags, tail),
                new Series(DatadogField.RESTARTS_TOTAL, 0, ts, hb.getRestarts(), host, tags, tail),
                new Series(DatadogField.RESTARTS_UNEXPECTED, 0, ts, hb.getUnexpectedRestarts(), host, tags, tail));
    }

    /** The series as trees (tests). */
    static List<ObjectNode> trees(EnrichedResourceUsage ru) {
        return of(ru).stream().map(JsonFragments::toTree).toList();
    }

    /** The series as trees (tests). */
    static List<ObjectNode> trees(EnrichedHeartbeat hb) {
        return of(hb).stream().map(JsonFragments::toTree).toList();
    }
}
