package dev.lunar.telemetry.consumer;

import java.util.Objects;

/**
 * Where a record was read: its topic, partition and offset. Handed to a
 * {@link TelemetryConsumer.Builder#positionedTopic positioned prepare function}
 * for consumers whose results depend on the partition (a control-plane partial aggregate is keyed by it).
 */
public record RecordPosition(String topic, int partition, long offset) {
    public RecordPosition {
        Objects.requireNonNull(topic, "topic");
    }
}
