package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The pipeline's topic names on this cluster ({@code processor.topic-prefix} applied), and topic → kind. */
public final class TopicNames {
    public final String tenants;
    public final String deadLetters;
    private final Map<EventKind, String> raw = new EnumMap<>(EventKind.class);
    private final Map<EventKind, String> enriched = new EnumMap<>(EventKind.class);
    private final Map<String, EventKind> kindOfRaw = new HashMap<>();

    public TopicNames(String prefix) {
        this.tenants = prefix + Topics.TENANTS;
        this.deadLetters = prefix + Topics.DEAD_LETTERS;
        for (EventKind kind : EventKind.values()) {
            raw.put(kind, prefix + kind.rawTopic());
            enriched.put(kind, prefix + kind.enrichedTopic());
            kindOfRaw.put(prefix + kind.rawTopic(), kind);
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
        return kindOfRaw.get(topic);
    }
}
