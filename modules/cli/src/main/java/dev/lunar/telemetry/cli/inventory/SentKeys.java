package dev.lunar.telemetry.cli.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.events.inventory.OutgoingField.Destination;
import dev.lunar.telemetry.events.inventory.OutgoingField.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys one payload item carries, read from the payload as it was sent, and the plan of the tenant whose data it
 * is: a Datadog log entry, a series, a DogStatsD line, a control-plane aggregates body. Plain functions.
 *
 * @param destination where it went
 * @param plan        the tenant's plan, empty when the item does not say (a problem for {@link InventoryCheck})
 * @param keys        every JSON key path (as token lists, {@code []} for array elements), metric name and tag key
 * @param what        a short description of the item for messages
 */
public record SentKeys(Destination destination, Optional<TenantPlan> plan, Set<Key> keys, String what) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An array element in a path. */
    public static final String ELEMENT = "[]";

    /** One key: a JSON path (tokens), a metric name or a tag key (one token). */
    public record Key(Kind kind, List<String> path) {
        public static Key of(Kind kind, String name) {
            return new Key(kind, List.of(name));
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (String t : path) {
                if (!t.equals(ELEMENT) && b.length() > 0) {
                    b.append('.');
                }
                b.append(t);
            }
            return b.toString();
        }
    }

    /** Each entry of a Logs API v2 body (a JSON array): its key paths and its {@code ddtags} keys. */
    public static List<SentKeys> ofLogsBody(String body) {
        JsonNode root = read(body);
        if (!root.isArray()) {
            throw new IllegalArgumentException("a Logs API v2 body is a JSON array, was: " + snippet(body));
        }
        List<SentKeys> out = new ArrayList<>();
        for (JsonNode entry : root) {
            Set<Key> keys = new LinkedHashSet<>();
            collect(entry, new ArrayList<>(), keys);
            String ddtags = entry.path("ddtags").asText("");
            for (String tag : ddtags.isEmpty() ? new String[0] : ddtags.split(",")) {
                keys.add(Key.of(Kind.TAG, tagKey(tag)));
            }
            out.add(new SentKeys(Destination.DATADOG_LOGS, plan(entry.path("tenant").path("plan").asText(null)), keys,
                    "log entry " + entry.path("event_id").asText("?")));
        }
        return out;
    }

    /**
     * Each series of a Metrics API v2 body ({@code {"series": [...]}}): its key paths from the body's root, with the
     * body's own keys (sent along with every series), its metric name and tag keys; the plan from its {@code plan}
     * tag.
     */
    public static List<SentKeys> ofSeriesBody(String body) {
        JsonNode root = read(body);
        if (!root.isObject()) {
            throw new IllegalArgumentException("a Metrics API v2 body is a JSON object, was: " + snippet(body));
        }
        Set<Key> bodyKeys = new LinkedHashSet<>();
        List<Map.Entry<String, JsonNode>> arrays = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            bodyKeys.add(new Key(Kind.JSON_KEY, List.of(f.getKey())));
            if (f.getValue().isArray()) {
                arrays.add(f);
            } else {
                collect(f.getValue(), new ArrayList<>(List.of(f.getKey())), bodyKeys);
            }
        }
        List<SentKeys> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> array : arrays) {
            for (JsonNode series : array.getValue()) {
                Set<Key> keys = new LinkedHashSet<>(bodyKeys);
                List<String> path = new ArrayList<>(List.of(array.getKey(), ELEMENT));
                keys.add(new Key(Kind.JSON_KEY, List.copyOf(path)));
                collect(series, path, keys);
                keys.add(Key.of(Kind.METRIC, series.path("metric").asText("")));
                String plan = null;
                for (JsonNode tag : series.path("tags")) {
                    keys.add(Key.of(Kind.TAG, tagKey(tag.asText())));
                    plan = tag.asText().startsWith("plan:") ? tag.asText().substring(5) : plan;
                }
                out.add(new SentKeys(Destination.DATADOG_METRICS, plan(plan), keys,
                        "series " + series.path("metric").asText("?")));
            }
        }
        return out;
    }

    /** Each line of a DogStatsD datagram: {@code name:value|type|#tag,...|Tts}. */
    public static List<SentKeys> ofDogStatsdLines(String lines) {
        List<SentKeys> out = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Set<Key> keys = new LinkedHashSet<>();
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a DogStatsD line: " + snippet(line));
            }
            keys.add(Key.of(Kind.METRIC, line.substring(0, colon)));
            String plan = null;
            for (String part : line.split("\\|")) {
                if (part.startsWith("#")) {
                    for (String tag : part.substring(1).split(",")) {
                        keys.add(Key.of(Kind.TAG, tagKey(tag)));
                        plan = tag.startsWith("plan:") ? tag.substring(5) : plan;
                    }
                }
            }
            out.add(new SentKeys(Destination.DATADOG_METRICS, plan(plan), keys,
                    "DogStatsD line " + line.substring(0, colon)));
        }
        return out;
    }

    /** A control-plane aggregates body; the plan is that of its {@code tenant}. */
    public static SentKeys ofAggregatesBody(String body, Function<String, TenantPlan> planOfTenant) {
        JsonNode root = read(body);
        Set<Key> keys = new LinkedHashSet<>();
        collect(root, new ArrayList<>(), keys);
        String tenant = root.path("tenant").asText(null);
        return new SentKeys(Destination.CONTROL_PLANE, Optional.ofNullable(tenant).map(planOfTenant), keys,
                "aggregates of tenant " + tenant);
    }

    /** Every object key's path below {@code node}, and the path of every array element. */
    private static void collect(JsonNode node, List<String> path, Set<Key> keys) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                path.add(f.getKey());
                keys.add(new Key(Kind.JSON_KEY, List.copyOf(path)));
                collect(f.getValue(), path, keys);
                path.remove(path.size() - 1);
            }
        } else if (node.isArray()) {
            path.add(ELEMENT);
            for (JsonNode element : node) {
                keys.add(new Key(Kind.JSON_KEY, List.copyOf(path)));
                collect(element, path, keys);
            }
            path.remove(path.size() - 1);
        }
    }

    private static String tagKey(String tag) {
        int colon = tag.indexOf(':');
        return colon < 0 ? tag : tag.substring(0, colon);
    }

    private static Optional<TenantPlan> plan(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TenantPlan.valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + snippet(body), e);
        }
    }

    private static String snippet(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
