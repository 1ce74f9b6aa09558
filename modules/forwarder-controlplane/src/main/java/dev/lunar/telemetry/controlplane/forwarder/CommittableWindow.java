package dev.lunar.telemetry.controlplane.forwarder;

/**
 * A window aggregate and how far the records may be acknowledged once it — and every aggregate emitted before it —
 * has been accepted by the control plane; or, with no aggregate, a commit point alone: a window's state expired
 * without anything left to send, so its records need no longer be held.
 *
 * @param aggregate    the window to send, or null for a commit point
 * @param commitBefore records numbered below this ({@link PositionedStats#sequence()}) are held by no window that can
 *                     still change: the oldest record of a window whose state is kept for corrections, or one past
 *                     the last record read when none is held. Records of plans that are dropped, duplicates and late
 *                     records hold nothing. Re-reading from there after a crash may recompute windows from fewer
 *                     events than were sent; the control plane keeps the row with more source events, so that never
 *                     undoes data.
 */
record CommittableWindow(WindowAggregate aggregate, long commitBefore) {

    static CommittableWindow commitPoint(long commitBefore) {
        return new CommittableWindow(null, commitBefore);
    }

    /** Whether this is only a commit point, with nothing to send. */
    public boolean isCommitPoint() {
        return aggregate == null;
    }
}
