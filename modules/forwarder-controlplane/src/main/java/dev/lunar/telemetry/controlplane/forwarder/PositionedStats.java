package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import java.util.Objects;

/** An endpoint-stats event with where it was read: a partition of the topic and its offset there. */
public record PositionedStats(EnrichedEndpointStats stats, int partition, long offset) {
    public PositionedStats {
        Objects.requireNonNull(stats, "stats");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative: " + partition + "/" + offset);
        }
    }
}
