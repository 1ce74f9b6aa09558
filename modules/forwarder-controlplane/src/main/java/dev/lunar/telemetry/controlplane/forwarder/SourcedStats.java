package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import java.util.Objects;

/**
 * An endpoint-stats event, the partition of the enriched topic it was read from (its partial's key) and its offset
 * there (an offset that goes back means the partition is being read again after a rebalance).
 */
record SourcedStats(EnrichedEndpointStats stats, int sourcePartition, long sourceOffset) {
    SourcedStats {
        Objects.requireNonNull(stats, "stats");
        if (sourcePartition < 0) {
            throw new IllegalArgumentException("source partition must not be negative: " + sourcePartition);
        }
    }
}
