package dev.lunar.telemetry.controlplane.forwarder;

import java.util.Map;
import java.util.TreeMap;

/**
 * A window aggregate and the offsets that may be committed once it — and every aggregate emitted before it — has
 * been accepted by the control plane; or, with no aggregate, a commit point alone: a window's state expired without
 * anything left to send, so its records need no longer be held.
 *
 * @param aggregate     the window to send, or null for a commit point
 * @param commitOffsets per partition, the next offset to read after a restart (Kafka's committed offset): the oldest
 *                      record still held by a window that can still change (its state is kept for corrections), or
 *                      one past the last record read when none is held. Records of plans that are dropped, duplicates and late
 *                      records hold nothing. Re-reading from there after a crash may recompute windows from fewer
 *                      events than were sent; the control plane keeps the row with more source events, so that never
 *                      undoes data.
 */
public record CommittableWindow(WindowAggregate aggregate, Map<Integer, Long> commitOffsets) {
    public CommittableWindow {
        commitOffsets = java.util.Collections.unmodifiableMap(new TreeMap<>(commitOffsets));
    }

    static CommittableWindow commitPoint(Map<Integer, Long> commitOffsets) {
        return new CommittableWindow(null, commitOffsets);
    }

    /** Whether this is only a commit point, with nothing to send. */
    public boolean isCommitPoint() {
        return aggregate == null;
    }
}
