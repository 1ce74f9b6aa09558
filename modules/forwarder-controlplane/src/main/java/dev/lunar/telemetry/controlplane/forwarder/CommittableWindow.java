package dev.lunar.telemetry.controlplane.forwarder;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A window aggregate and the offsets that may be committed once it — and every aggregate emitted before it — has
 * been accepted by the control plane.
 *
 * @param commitOffsets per partition, the next offset to read after a restart (Kafka's committed offset): the oldest
 *                      record still held by a window not yet emitted (or with a correction pending), or one past the
 *                      last record read when none is held. Records of plans that are dropped, duplicates and late
 *                      records hold nothing. Re-reading from there after a crash may recompute windows from fewer
 *                      events than were sent; the control plane keeps the row with more source events, so that never
 *                      undoes data.
 */
public record CommittableWindow(WindowAggregate aggregate, Map<Integer, Long> commitOffsets) {
    public CommittableWindow {
        Objects.requireNonNull(aggregate, "aggregate");
        commitOffsets = java.util.Collections.unmodifiableMap(new TreeMap<>(commitOffsets));
    }
}
