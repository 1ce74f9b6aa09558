package dev.lunar.telemetry.controlplane.forwarder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The control-plane forwarder's bookkeeping between the consumer kit's batches and the control plane's answers:
 * which batches may be acknowledged, given which windows were accepted.
 *
 * <p>Every record handed to the aggregator gets the next number of one sequence, its
 * {@link PositionedStats#sequence()}; so each emitted {@link CommittableWindow} says below which number no record is held
 * by a window not yet emitted. Windows are numbered in emission order. Once windows {@code 0..k} are all done
 * (accepted, or refused for good), every record numbered below window {@code k}'s commit number is in an accepted
 * window or in none, and every batch whose last record is below it is settled. One sequence for all partitions is
 * conservative — a record may wait for an older one of another partition — and needs no offsets (a partition read
 * again after a rebalance starts below where it was; the sequence only grows).
 *
 * <p>Thread-safe: batches are taken on the kit's thread, windows emitted on the aggregator's and answered on the
 * HTTP client's. Settlements complete outside the lock.
 */
final class HeldBatches {

    /** A batch taken from the kit: its first record's number, and its settlement if it waits for windows. */
    record Taken(long firstRecord, Sinks.Empty<Void> settlement) {
        /** Null when nothing in the batch can be forwarded, so it is done at once. */
        Mono<Void> settled() {
            return settlement == null ? null : settlement.asMono();
        }
    }

    private record Batch(long lastRecord, Sinks.Empty<Void> settlement) {}

    /** A window as emitted, with its number in emission order. */
    record Numbered(long index, WindowAggregate window) {}

    private long nextRecord;
    private long nextWindow;
    /** Windows below this number are all done. */
    private long windowsDone;
    /** Emitted windows not yet in the done prefix: their commit numbers, and whether they are done. */
    private final Map<Long, Long> commitOfWindow = new HashMap<>();
    private final Map<Long, Boolean> doneOfWindow = new HashMap<>();
    /** Records below this number are committable. */
    private long committable;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();

    /**
     * Numbers the records of a batch of {@code size}; when {@code forwardable}, the batch waits for its windows and
     * {@link Taken#settled()} completes once they are accepted.
     */
    synchronized Taken take(int size, boolean forwardable) {
        long first = nextRecord;
        nextRecord += size;
        if (!forwardable) {
            return new Taken(first, null);
        }
        Sinks.Empty<Void> settlement = Sinks.empty();
        batches.addLast(new Batch(nextRecord - 1, settlement));
        return new Taken(first, settlement);
    }

    /** Forgets a batch whose records could not be handed to the aggregator (it will be handed over again). */
    synchronized void forget(Taken taken) {
        batches.removeIf(b -> b.settlement() == taken.settlement());
    }

    /** Numbers an emitted window. */
    synchronized Numbered emitted(CommittableWindow w) {
        long index = nextWindow++;
        commitOfWindow.put(index, w.commitBefore());
        doneOfWindow.put(index, Boolean.FALSE);
        return new Numbered(index, w.aggregate());
    }

    /** The window numbered {@code index} was accepted (or refused for good): settles the batches this allows. */
    void done(long index) {
        List<Sinks.Empty<Void>> settled = new ArrayList<>();
        synchronized (this) {
            if (!doneOfWindow.containsKey(index)) {
                return; // abandoned by reset()
            }
            doneOfWindow.put(index, Boolean.TRUE);
            while (Boolean.TRUE.equals(doneOfWindow.get(windowsDone))) {
                doneOfWindow.remove(windowsDone);
                committable = Math.max(committable, commitOfWindow.remove(windowsDone));
                windowsDone++;
            }
            while (!batches.isEmpty() && batches.peekFirst().lastRecord() < committable) {
                settled.add(batches.pollFirst().settlement());
            }
        }
        settled.forEach(Sinks.Empty::tryEmitEmpty);
    }

    /**
     * The aggregation was lost: every waiting batch fails (the kit reads them again from the last commit) and the
     * emitted windows are forgotten.
     */
    void reset(Throwable cause) {
        List<Sinks.Empty<Void>> failed;
        synchronized (this) {
            failed = batches.stream().map(Batch::settlement).toList();
            batches.clear();
            commitOfWindow.clear();
            doneOfWindow.clear();
            windowsDone = nextWindow;
        }
        failed.forEach(s -> s.tryEmitError(cause));
    }

    /** Windows emitted and not yet done. */
    synchronized int pendingWindows() {
        return (int) doneOfWindow.values().stream().filter(d -> !d).count();
    }

    /** Batches waiting for their windows. */
    synchronized int waitingBatches() {
        return batches.size();
    }
}
