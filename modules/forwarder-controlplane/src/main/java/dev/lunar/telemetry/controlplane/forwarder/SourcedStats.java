package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import java.util.Objects;

/** An endpoint-stats event and the partition of the enriched topic it was read from (its partial's key). */
record SourcedStats(EnrichedEndpointStats stats, int sourcePartition) {
    SourcedStats {
        Objects.requireNonNull(stats, "stats");
        if (sourcePartition < 0) {
            throw new IllegalArgumentException("source partition must not be negative: " + sourcePartition);
        }
    }
}
