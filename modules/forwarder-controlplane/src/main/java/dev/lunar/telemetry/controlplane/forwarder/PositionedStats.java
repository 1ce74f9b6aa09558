package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import java.util.Objects;

/**
 * An endpoint-stats event, the partition of the topic it was read from (its windows are that partition's partials),
 * its offset there (-1 when not known) and its number in the one sequence of records the consumer handed over (what {@link CommittableWindow#commitBefore()}
 * counts in).
 */
record PositionedStats(EnrichedEndpointStats stats, int sourcePartition, long sourceOffset, long sequence) {

    /** An event whose offset in its partition is not known (-1): only its sequence number. */
    public PositionedStats(EnrichedEndpointStats stats, int sourcePartition, long sequence) {
        this(stats, sourcePartition, -1, sequence);
    }

    public PositionedStats {
        Objects.requireNonNull(stats, "stats");
        if (sourcePartition < 0 || sequence < 0) {
            throw new IllegalArgumentException("source partition and sequence must not be negative: " + sourcePartition
                    + "/" + sequence);
        }
    }
}
