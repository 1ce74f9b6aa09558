package dev.lunar.telemetry.processor;

/** What the processor promises about each input record ({@code processor.delivery}). */
public enum DeliveryGuarantee {
    /**
     * Every input record is written at least once: its offset is committed only after its enriched record (or dead
     * letter) is acknowledged by Kafka. A crash or restart may write some records twice; sinks de-duplicate by
     * {@code eventId}.
     */
    AT_LEAST_ONCE,
    /**
     * Enriched records and input offsets are committed in one Kafka transaction per batch; consumers that read with
     * {@code isolation.level=read_committed} see each input record exactly once. Zombies are fenced by the consumer
     * group's metadata (KIP-447); see {@link TelemetryProcessor}.
     */
    EXACTLY_ONCE
}
