package dev.lunar.telemetry.events;

import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.PolicySnapshot;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;

/** The five kinds of telemetry a proxy publishes, each with a raw and an enriched topic and record type. */
public enum EventKind {
    LOGS("logs", ProxyLog.class, EnrichedLog.class),
    RESOURCES("resources", ResourceUsage.class, EnrichedResourceUsage.class),
    HEARTBEATS("heartbeats", Heartbeat.class, EnrichedHeartbeat.class),
    POLICIES("policies", PolicySnapshot.class, EnrichedPolicySnapshot.class),
    ENDPOINTS("endpoints", EndpointStats.class, EnrichedEndpointStats.class);

    private final String id;
    private final Class<? extends SpecificRecordBase> rawType;
    private final Class<? extends SpecificRecordBase> enrichedType;

    EventKind(String id, Class<? extends SpecificRecordBase> rawType, Class<? extends SpecificRecordBase> enrichedType) {
        this.id = id;
        this.rawType = rawType;
        this.enrichedType = enrichedType;
    }

    /** The kind's name in topic names and configuration: {@code logs}, {@code resources}, ... */
    public String id() {
        return id;
    }

    /** {@code proxy.<kind>.v1}: what proxies produce, keyed by proxy id. */
    public String rawTopic() {
        return "proxy." + id + ".v1";
    }

    /** {@code telemetry.<kind>.v1}: what the processor writes, same key. */
    public String enrichedTopic() {
        return "telemetry." + id + ".v1";
    }

    public Class<? extends SpecificRecordBase> rawType() {
        return rawType;
    }

    public Class<? extends SpecificRecordBase> enrichedType() {
        return enrichedType;
    }

    public static Optional<EventKind> ofId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    /** The kind whose raw or enriched topic is {@code topic}, if any. */
    public static Optional<EventKind> ofTopic(String topic) {
        return Arrays.stream(values())
                .filter(k -> k.rawTopic().equals(topic) || k.enrichedTopic().equals(topic))
                .findFirst();
    }
}
