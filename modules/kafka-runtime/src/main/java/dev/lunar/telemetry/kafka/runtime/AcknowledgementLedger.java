package dev.lunar.telemetry.kafka.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * The one acknowledgement ledger of the runtime: acknowledges records in the order they were read, per partition,
 * once each is done — whatever order they are done in. So the acknowledged (and so the committed) offset of a
 * partition never passes a record still being worked on, and partitions never wait for each other.
 *
 * <p>One ledger per subscription of a {@link RecordReceiver}, which {@linkplain #register registers} every record
 * before emitting it. A record counts as <em>outstanding</em> from then until it is acknowledged, and is
 * <em>held</em> from {@link #handedOver} until then (waiting for a deferred settlement or for an earlier record of
 * its partition). At a rebalance the receiver waits ({@link #awaitSettled}) for the revoked partitions' records that
 * are still being worked on, then {@linkplain #revoke drops} them: their later completions acknowledge nothing (the
 * new owner reads them again). After a settlement failed, or once closed, it acknowledges nothing more and gives back
 * its counts. Thread-safe: completions come from any thread.
 */
public final class AcknowledgementLedger {

    /** Where the ledger's counts go (the kit's and the processor's gauges). */
    public interface Listener {
        Listener NONE = new Listener() {};

        /** {@code n} records were read. */
        default void received(int n) {}

        /** {@code n} records were acknowledged, or given up (revoked, closed). */
        default void done(int n) {}

        /** The number of held records changed by {@code delta}. */
        default void held(int delta) {}
    }

    /** Raised into the reading loop when a settlement failed: the source is re-read from the last commit. */
    public static final class SettlementFailed extends RuntimeException {
        SettlementFailed(Throwable cause) {
            super("a deferred batch was not settled: " + cause, cause, false, false);
        }
    }

    /**
     * One registered record's place in the ledger, which the caller keeps with the record and hands back, so a
     * completion needs no look-up by record. Its state is read and written only under its ledger's lock.
     */
    public static final class Ticket {
        private final AcknowledgementLedger ledger;
        private final TopicPartition partition;
        private final long offset;
        private final Runnable acknowledge;
        private boolean handed;
        private boolean done;
        private boolean stale;

        private Ticket(AcknowledgementLedger ledger, TopicPartition partition, long offset, Runnable acknowledge) {
            this.ledger = ledger;
            this.partition = partition;
            this.offset = offset;
            this.acknowledge = acknowledge;
        }

        /** {@code topic-partition@offset}, for logs and test failures. */
        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    private final Listener listener;
    private final int maxHeld;
    private final BooleanSupplier stopping;
    private final Sinks.Empty<Void> failure = Sinks.empty();
    /** Per partition, the records not yet acknowledged, in read order. */
    private final Map<TopicPartition, ArrayDeque<Ticket>> partitions = new HashMap<>();
    /** Per partition, the offset after the last acknowledged record. */
    private final Map<TopicPartition, Long> acknowledged = new HashMap<>();
    private int outstanding;
    private int held;
    private boolean closed;
    private MonoSink<Void> waiter;

    /**
     * @param maxHeld  how many held records {@link #capacity()} tolerates
     * @param stopping true once the consumer shuts down: capacity no longer holds anything back
     */
    public AcknowledgementLedger(Listener listener, int maxHeld, BooleanSupplier stopping) {
        this.listener = listener;
        this.maxHeld = maxHeld;
        this.stopping = stopping;
    }

    /** A ledger without a held-record limit, for a processor that hands each record over when it is done. */
    public static AcknowledgementLedger unbounded(Listener listener) {
        return new AcknowledgementLedger(listener, Integer.MAX_VALUE, () -> false);
    }

    /**
     * A record was read; call in read order. {@code acknowledge} runs, in read order, once it is done. The ticket is
     * the record's: keep it with the record (a rebalance can deliver an offset twice within one subscription, so
     * the offset does not name it) and hand it back. A closed ledger gives a ticket that acknowledges nothing.
     */
    public synchronized Ticket register(TopicPartition partition, long offset, Runnable acknowledge) {
        Ticket ticket = new Ticket(this, partition, offset, acknowledge);
        if (closed) {
            ticket.stale = true;
            return ticket;
        }
        partitions.computeIfAbsent(partition, k -> new ArrayDeque<>()).addLast(ticket);
        outstanding++;
        listener.received(1);
        return ticket;
    }

    /** The record of {@code ticket} is done now. */
    public void done(Ticket ticket) {
        handedOver(List.of(ticket), null);
    }

    /**
     * The caller is finished with the records of {@code tickets}: they are done now ({@code settled} null), or
     * when {@code settled} completes. A failed settlement fails the ledger ({@link #failures()}).
     */
    public void handedOver(List<Ticket> tickets, Mono<Void> settled) {
        List<Ticket> handed = new ArrayList<>(tickets.size());
        synchronized (this) {
            if (closed) {
                return;
            }
            for (Ticket t : tickets) {
                // a ticket handed over twice, or of an earlier subscription's ledger, counts for nothing
                if (t.ledger == this && !t.handed && !t.stale) {
                    t.handed = true;
                    handed.add(t);
                }
            }
            held += handed.size();
            listener.held(handed.size());
            // a revocation waits only for records not handed over yet
            notifyAll();
        }
        if (settled == null) {
            release(handed);
        } else {
            settled.subscribe(null, this::fail, () -> release(handed));
        }
    }

    /** Whether {@code ticket}'s record is not yet handed over and its partition not revoked since it was read. */
    public synchronized boolean isCurrent(Ticket ticket) {
        return ticket.ledger == this && !ticket.handed && !ticket.stale;
    }

    /** Records read and not yet acknowledged. */
    public synchronized int outstanding() {
        return outstanding;
    }

    /**
     * Completes when no more than {@code maxHeld} records are held (at once if so), when the ledger closed, or when
     * the consumer is stopping (so the records already read are handed over and shutdown need not wait for them).
     */
    public Mono<Void> capacity() {
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
    public void stopping() {
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
    public Mono<Void> failures() {
        return failure.asMono();
    }

    /**
     * Blocks until no record of {@code revoked} is still being worked on — each is acknowledged, or handed over and
     * waiting only for a deferred settlement (which may take a window's length; its records are redelivered to the
     * new owner instead) — or until {@code timeout} passes or the ledger closes. Called on the consumer's thread
     * inside a rebalance, as Kafka intends.
     *
     * @return whether everything of the revoked partitions was settled in time
     */
    public boolean awaitSettled(Collection<TopicPartition> revoked, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!closed && inProgress(revoked)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private boolean inProgress(Collection<TopicPartition> revoked) {
        for (TopicPartition p : revoked) {
            ArrayDeque<Ticket> queue = partitions.get(p);
            if (queue != null) {
                for (Ticket e : queue) {
                    if (!e.handed) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The partitions were taken away: forgets their records (later completions acknowledge nothing) and returns,
     * per partition, the offset after the last record acknowledged in this subscription — what may be committed for
     * it.
     */
    public Map<TopicPartition, Long> revoke(Collection<TopicPartition> revoked) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        synchronized (this) {
            int dropped = 0;
            int droppedHeld = 0;
            for (TopicPartition p : revoked) {
                ArrayDeque<Ticket> queue = partitions.remove(p);
                if (queue != null) {
                    for (Ticket e : queue) {
                        e.stale = true;
                        dropped++;
                        if (e.handed) {
                            droppedHeld++;
                        }
                    }
                }
                Long next = acknowledged.remove(p);
                if (next != null) {
                    positions.put(p, next);
                }
            }
            outstanding -= dropped;
            held -= droppedHeld;
            listener.done(dropped);
            listener.held(-droppedHeld);
            notifyAll();
        }
        return positions;
    }

    /** Acknowledges nothing more and gives back this ledger's in-flight and held counts. Idempotent. */
    public void close() {
        MonoSink<Void> w;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            listener.done(outstanding);
            listener.held(-held);
            outstanding = 0;
            held = 0;
            partitions.values().forEach(q -> q.forEach(e -> e.stale = true));
            partitions.clear();
            w = waiter;
            waiter = null;
            notifyAll();
        }
        if (w != null) {
            w.success();
        }
    }

    private void release(List<Ticket> handed) {
        MonoSink<Void> w = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            List<TopicPartition> touched = new ArrayList<>(1);
            for (Ticket e : handed) {
                if (e.stale) {
                    continue;
                }
                e.done = true;
                if (!touched.contains(e.partition)) {
                    touched.add(e.partition);
                }
            }
            int released = 0;
            for (TopicPartition p : touched) {
                ArrayDeque<Ticket> queue = partitions.get(p);
                Ticket last = null;
                while (queue != null && !queue.isEmpty() && queue.peekFirst().done) {
                    // inside the lock, so acknowledgements of one partition happen in read order
                    last = queue.pollFirst();
                    last.acknowledge.run();
                    released++;
                }
                if (last != null) {
                    acknowledged.put(p, last.offset + 1);
                }
            }
            outstanding -= released;
            held -= released;
            listener.done(released);
            listener.held(-released);
            if (waiter != null && held <= maxHeld) {
                w = waiter;
                waiter = null;
            }
            notifyAll();
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
