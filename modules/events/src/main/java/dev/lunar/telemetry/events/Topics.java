package dev.lunar.telemetry.events;

import java.util.ArrayList;
import java.util.List;

/** Every topic of the pipeline, by name. DESIGN.md §2. */
public final class Topics {
    /** Tenant metadata, compacted, key = tenant id; a tombstone deletes the tenant. */
    public static final String TENANTS = "tenants.v1";
    /** Records that could not be read or delivered, with their original bytes and the reason in headers. */
    public static final String DEAD_LETTERS = "telemetry.dlq.v1";
    /**
     * The audit trail (DESIGN.md P7): one hash-chained record per request a destination accepted, key = the writer's
     * chain id. Time-retained ({@code audit.retention}, 7 days by default), never compacted.
     */
    public static final String AUDIT = "telemetry.audit.v1";

    /** A topic the pipeline needs, and whether Kafka should compact it. */
    public record Definition(String name, boolean compacted) {}

    private Topics() {}

    /** The 13 topics: five raw, five enriched, the tenant table, the dead-letter topic and the audit trail. */
    public static List<Definition> all() {
        List<Definition> topics = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            topics.add(new Definition(kind.rawTopic(), false));
        }
        for (EventKind kind : EventKind.values()) {
            topics.add(new Definition(kind.enrichedTopic(), false));
        }
        topics.add(new Definition(TENANTS, true));
        topics.add(new Definition(DEAD_LETTERS, false));
        topics.add(new Definition(AUDIT, false));
        return List.copyOf(topics);
    }
}
