package dev.lunar.telemetry.consumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * Acknowledges records in the order they were read, per partition, once each is done — whatever order they are done
 * in. So the latest acknowledged offset of a partition never passes a record still held for a deferred settlement
 * ({@link BatchResult#acceptedWhen}), and the {@link RecordSource} needs no out-of-order tracking of its own.
 *
 * <p>One ledger per subscription of the source. It owns the in-flight accounting: a record counts from
 * {@link #register} until it is acknowledged, and is <em>held</em> from {@link #handedOver} until then. After a
 * settlement failed, or once closed, it acknowledges nothing more and gives back its counts. Thread-safe: settlements
 * complete on any thread.
 */
final class AcknowledgementLedger {

    private record Partition(String topic, int partition) {}

    private static final class Entry {
        final Partition partition;
        final Runnable acknowledge;
        boolean done;

        Entry(Partition partition, Runnable acknowledge) {
            this.partition = partition;
            this.acknowledge = acknowledge;
        }
    }

    /** Raised into the delivery loop when a settlement failed: the source is re-read from the last commit. */
    static final class SettlementFailed extends RuntimeException {
        SettlementFailed(Throwable cause) {
            super("a deferred batch was not settled: " + cause, cause, false, false);
        }
    }

    private final ConsumerMetrics metrics;
    private final int maxHeld;
    private final BooleanSupplier stopping;
    private final Sinks.Empty<Void> failure = Sinks.empty();
    /** Per topic-partition, the records not yet acknowledged, in read order. */
    private final Map<Partition, ArrayDeque<Entry>> partitions = new HashMap<>();
    /**
     * Entries not yet handed over, by record (not by offset: a rebalance can deliver an offset twice within one
     * subscription).
     */
    private final Map<SourceRecord, Entry> entries = new IdentityHashMap<>();
    private int outstanding;
    private int held;
    private boolean closed;
    private MonoSink<Void> waiter;

    AcknowledgementLedger(ConsumerMetrics metrics, int maxHeld, BooleanSupplier stopping) {
        this.metrics = metrics;
        this.maxHeld = maxHeld;
        this.stopping = stopping;
    }

    /** A record was read; call in read order. */
    synchronized void register(SourceRecord record) {
        if (closed) {
            return;
        }
        Entry entry = new Entry(new Partition(record.topic(), record.partition()), record.acknowledge());
        partitions.computeIfAbsent(entry.partition, k -> new ArrayDeque<>()).addLast(entry);
        entries.put(record, entry);
        outstanding++;
        metrics.received(1);
    }

    /**
     * The delivery loop is finished with {@code records}: they are done now ({@code settled} null), or when
     * {@code settled} completes. A failed settlement fails the ledger.
     */
    void handedOver(List<SourceRecord> records, Mono<Void> settled) {
        List<Entry> handed = new ArrayList<>(records.size());
        synchronized (this) {
            if (closed) {
                return;
            }
            // from here on only the positions are kept, not the records' bytes
            for (SourceRecord r : records) {
                Entry e = entries.remove(r);
                if (e != null) {
                    handed.add(e);
                }
            }
            held += handed.size();
            metrics.held.addAndGet(handed.size());
        }
        if (settled == null) {
            done(handed);
        } else {
            settled.subscribe(null, this::fail, () -> done(handed));
        }
    }

    /**
     * Completes when no more than {@code maxHeld} records are held (at once if so), when the ledger closed, or when
     * the consumer is stopping (so the records already read are handed over and shutdown need not wait for them).
     */
    Mono<Void> capacity() {
        return Mono.create(sink -> {
            boolean ready;
            synchronized (this) {
                ready = closed || held <= maxHeld || stopping.getAsBoolean();
                if (!ready) {
                    waiter = sink;
                }
            }
            if (ready) {
                sink.success();
            } else {
                sink.onCancel(() -> {
                    synchronized (this) {
                        if (waiter == sink) {
                            waiter = null;
                        }
                    }
                });
            }
        });
    }

    /** The consumer began stopping: a loop waiting for {@link #capacity()} goes on. */
    void stopping() {
        MonoSink<Void> w;
        synchronized (this) {
            w = waiter;
            waiter = null;
        }
        if (w != null) {
            w.success();
        }
    }

    /** Errors with {@link SettlementFailed} when a settlement failed while the consumer was not stopping. */
    Mono<Void> failures() {
        return failure.asMono();
    }

    /** Acknowledges nothing more and gives back this ledger's in-flight and held counts. Idempotent. */
    void close() {
        MonoSink<Void> w;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            metrics.done(outstanding);
            metrics.held.addAndGet(-held);
            outstanding = 0;
            held = 0;
            partitions.clear();
            entries.clear();
            w = waiter;
            waiter = null;
        }
        if (w != null) {
            w.success();
        }
    }

    private void done(List<Entry> handed) {
        MonoSink<Void> w = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            List<Partition> touched = new ArrayList<>(1);
            for (Entry e : handed) {
                e.done = true;
                if (!touched.contains(e.partition)) {
                    touched.add(e.partition);
                }
            }
            int released = 0;
            for (Partition p : touched) {
                ArrayDeque<Entry> queue = partitions.get(p);
                while (!queue.isEmpty() && queue.peekFirst().done) {
                    // inside the lock, so acknowledgements of one partition happen in read order
                    queue.pollFirst().acknowledge.run();
                    released++;
                }
            }
            outstanding -= released;
            held -= released;
            metrics.done(released);
            metrics.held.addAndGet(-released);
            if (waiter != null && held <= maxHeld) {
                w = waiter;
                waiter = null;
            }
        }
        if (w != null) {
            w.success();
        }
    }

    private void fail(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        close();
        if (!stopping.getAsBoolean()) {
            failure.tryEmitError(new SettlementFailed(cause));
        }
    }
}
