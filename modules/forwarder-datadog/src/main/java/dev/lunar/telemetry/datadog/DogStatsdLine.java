package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The DogStatsD line format: {@code name:value|g|#tag,...,host:<h>|T<ts>} (counts use {@code |c}). */
final class DogStatsdLine {

    private DogStatsdLine() {}

    /** The line of one point of {@code metric}, whose Metrics API v2 type is {@code type}. */
    static String of(String metric, double value, int type, List<String> tags, String host, long timestamp) {
        StringBuilder b = new StringBuilder();
        b.append(metric).append(':');
        b.append(value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value)
                : Double.toString(value));
        b.append(type == Series.TYPE_COUNT ? "|c" : "|g");
        b.append("|#");
        for (String t : tags) {
            b.append(t).append(',');
        }
        b.append(TagRules.tag(DatadogField.TAG_HOST.key(), host));
        b.append("|T").append(timestamp);
        return b.toString();
    }

/** The line of a series given as a tree. */
    static String of(ObjectNode series) {
        StringBuilder b = new StringBuilder();
        b.append(series.get("metric").asText()).append(':');
        double v = series.get("points").get(0).get("value").asDouble();
        b.append(v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v));
        b.append(series.get("type").asInt() == Series.TYPE_COUNT ? "|c" : "|g");
        b.append("|#");
        List<String> tags = new ArrayList<>();
        series.get("tags").forEach(t -> tags.add(t.asText()));
        tags.add(TagRules.tag(DatadogField.TAG_HOST.key(), series.get("resources").get(0).get("name").asText()));
        b.append(String.join(",", tags));
        b.append("|T").append(series.get("points").get(0).get("timestamp").asLong());
        return b.toString();
    }
}
