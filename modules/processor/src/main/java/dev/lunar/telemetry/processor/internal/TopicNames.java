package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The pipeline's topic names on this cluster ({@code processor.topic-prefix} applied), and topic → kind. */
public final class TopicNames {
    private static final EventKind[] KINDS = EventKind.values();

    public final String tenants;
    public final String deadLetters;
    private final Map<EventKind, String> raw = new EnumMap<>(EventKind.class);
    private final Map<EventKind, String> enriched = new EnumMap<>(EventKind.class);
    /** Raw topic names by kind ordinal: topic → kind compares a handful of names instead of hashing each record's. */
    private final String[] rawByOrdinal = new String[KINDS.length];

    public TopicNames(String prefix) {
        this.tenants = prefix + Topics.TENANTS;
        this.deadLetters = prefix + Topics.DEAD_LETTERS;
        for (EventKind kind : KINDS) {
            raw.put(kind, prefix + kind.rawTopic());
            enriched.put(kind, prefix + kind.enrichedTopic());
            rawByOrdinal[kind.ordinal()] = prefix + kind.rawTopic();
        }
    }

    public String raw(EventKind kind) {
        return raw.get(kind);
    }

    public String enriched(EventKind kind) {
        return enriched.get(kind);
    }

    public List<String> allRaw() {
        return List.copyOf(raw.values());
    }

    /** The kind of a raw topic, or null for any other topic. */
    EventKind kindOfRaw(String topic) {
        // the consumer hands each record a topic string whose hash is not computed yet (profiled): equals is cheaper
        for (int i = 0; i < rawByOrdinal.length; i++) {
            if (rawByOrdinal[i].equals(topic)) {
                return KINDS[i];
            }
        }
        return null;
    }
}
