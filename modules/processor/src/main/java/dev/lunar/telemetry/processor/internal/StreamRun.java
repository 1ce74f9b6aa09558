package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import dev.lunar.telemetry.kafka.runtime.PartitionedWork;
import dev.lunar.telemetry.processor.ProcessorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One run of the stream over one {@link StreamTransport}, in either delivery mode. A run ends normally when
 * {@code stop} fires — new records are no longer taken (the consumer pauses for lack of demand), records in flight
 * are drained and committed, then the consumer is closed — or with an error, after which the caller starts a new
 * run on a new transport from the committed offsets.
 *
 * <p><b>Partitions are processed independently</b> ({@link PartitionedWork}): in offset order within a partition,
 * concurrently across partitions on the {@code workers} pool, so a record that takes minutes delays only its own
 * partition. The processing function gives zero or more outputs per input; an input with none (a dropped request
 * line) is done at once and committed like any other.
 *
 * <p><b>At-least-once</b> ({@link #atLeastOnce}): a raw record is done only when Kafka has acknowledged all its
 * outputs (enriched records or dead letters); the {@link AcknowledgementLedger} commits per partition without
 * passing an unfinished record. An output Kafka rejects for itself (too large, invalid) is dead-lettered instead;
 * any other send failure ends the run, so nothing after it is committed and it is sent again by the next run —
 * never dropped.
 *
 * <p><b>Exactly-once</b> ({@link #exactlyOnce}): processed records are batched (size or time); each batch's outputs
 * and the consumer offsets after it are one transaction, sent with the consumer's real group metadata. Records of a
 * partition revoked since they were read are left out (the new owner reads them again). A failure aborts the
 * transaction and ends the run; the next run re-reads the batch from the last committed offsets.
 */
public final class StreamRun {

    static final String STAGE_DELIVER = "deliver";

    /** How a run is shaped: the worker pool and how far reading may run ahead of processing. */
    public record Shape(Scheduler workers, int prefetch, int maxBacklogPerPartition) {
        public static Shape of(Scheduler workers, ProcessorSettings settings) {
            return new Shape(workers, settings.maxDeferredCommits(), Math.max(16, settings.maxDeferredCommits() / 16));
        }
    }

    /** One input and what processing made of it. */
    private record Processed(InboundRecord in, List<OutboundRecord> outputs) {}

    private StreamRun() {}

    /**
     * Outputs of one input: the flow's record, or none when it writes nothing ({@link OutboundRecord#nothing}: a
     * record dropped whole).
     */
    static List<OutboundRecord> outputsOf(OutboundRecord out) {
        return out == null || out.writesNothing() ? List.of() : List.of(out);
    }

    static Function<InboundRecord, List<OutboundRecord>> processing(ProcessorFlow flow) {
        return in -> outputsOf(flow.process(in));
    }

    public static Mono<Void> atLeastOnce(StreamTransport transport, ProcessorFlow flow, ProcessorMetrics metrics,
                                  Mono<Void> stop, Shape shape, Runnable onProgress) {
        return atLeastOnce(transport, processing(flow), flow, metrics, stop, shape, onProgress);
    }

    /** @param process zero or more outputs per input; {@code flow} only makes dead letters of rejected outputs */
    public static Mono<Void> atLeastOnce(StreamTransport transport, Function<InboundRecord, List<OutboundRecord>> process,
                                  ProcessorFlow flow, ProcessorMetrics metrics, Mono<Void> stop, Shape shape,
                                  Runnable onProgress) {
        return Mono.defer(() -> {
            Disposable.Swap connection = Disposables.swap();
            AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
            // inputs with more than one output: how many are still unacknowledged
            Map<InboundRecord, int[]> pending = Collections.synchronizedMap(new IdentityHashMap<>());
            Flux<InboundRecord> records = until(transport.receive(ledger), stop, connection);
            Flux<OutboundRecord> outputs = processed(records, process, transport, shape)
                    .concatMapIterable(p -> {
                        if (p.outputs().isEmpty()) {
                            ledger.done(p.in().ticket());
                            onProgress.run();
                        } else if (p.outputs().size() > 1) {
                            pending.put(p.in(), new int[] {p.outputs().size()});
                        }
                        return p.outputs();
                    });
            return transport.send(outputs)
                    .concatMap(delivery -> delivered(delivery, transport, flow, metrics, ledger, pending, onProgress))
                    .then(Mono.defer(transport::commitAcknowledged))
                    .doFinally(signal -> {
                        connection.dispose();
                        ledger.close();
                    });
        });
    }

    public static Mono<Void> exactlyOnce(StreamTransport transport, ProcessorFlow flow, ProcessorMetrics metrics,
                                  Mono<Void> stop, Shape shape, int batchSize, Duration batchTimeout,
                                  Runnable onProgress) {
        return exactlyOnce(transport, processing(flow), metrics, stop, shape, batchSize, batchTimeout, onProgress);
    }

    public static Mono<Void> exactlyOnce(StreamTransport transport, Function<InboundRecord, List<OutboundRecord>> process,
                                  ProcessorMetrics metrics, Mono<Void> stop, Shape shape, int batchSize,
                                  Duration batchTimeout, Runnable onProgress) {
        return Mono.defer(() -> {
            Disposable.Swap connection = Disposables.swap();
            AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
            Flux<InboundRecord> records = until(transport.receive(ledger), stop, connection);
            return processed(records, process, transport, shape)
                    .bufferTimeout(batchSize, batchTimeout, true)
                    .concatMap(batch -> transaction(batch, transport, ledger, metrics)
                            .doOnSuccess(v -> onProgress.run()), 1)
                    .then()
                    .doFinally(signal -> {
                        connection.dispose();
                        ledger.close();
                    });
        });
    }

    private static Flux<Processed> processed(Flux<InboundRecord> records,
                                             Function<InboundRecord, List<OutboundRecord>> process,
                                             StreamTransport transport, Shape shape) {
        return PartitionedWork.inOrderPerPartition(records, in -> new TopicPartition(in.topic(), in.partition()),
                in -> new Processed(in, process.apply(in)), shape.workers(), shape.prefetch(),
                shape.maxBacklogPerPartition(), transport.pauser());
    }

    /**
     * The records until {@code stop}; stopping does not cancel the consumer (that would close it with records still
     * in flight) but only stops requesting, which pauses it. {@code connection} cancels it for real, once drained.
     */
    private static Flux<InboundRecord> until(Flux<InboundRecord> records, Mono<Void> stop, Disposable.Swap connection) {
        return records.publish().autoConnect(1, connection::update).takeUntilOther(stop);
    }

    private static Mono<Void> delivered(StreamTransport.Delivery delivery, StreamTransport transport,
                                        ProcessorFlow flow, ProcessorMetrics metrics, AcknowledgementLedger ledger,
                                        Map<InboundRecord, int[]> pending, Runnable onProgress) {
        OutboundRecord record = delivery.record();
        if (delivery.error() == null) {
            outputDone(record.source(), ledger, pending);
            if (!record.deadLetter()) {
                metrics.delivered(record.kind(), record.source().receivedAtNanos());
            }
            onProgress.run();
            return Mono.empty();
        }
        if (!record.deadLetter() && rejectedForItself(delivery.error())) {
            metrics.deadLettered(record.kind(), "SEND_REJECTED");
            OutboundRecord deadLetter = flow.deadLetter(record.source(), record.kind(), STAGE_DELIVER,
                    "SEND_REJECTED", "Kafka rejected the enriched record: " + delivery.error().getClass().getSimpleName());
            return transport.send(Flux.just(deadLetter))
                    .concatMap(d -> d.error() == null
                            ? Mono.<Void>fromRunnable(() -> outputDone(record.source(), ledger, pending))
                            : Mono.<Void>error(d.error()))
                    .then();
        }
        return Mono.error(new SendFailedException(record, delivery.error()));
    }

    /** One output of {@code in} is acknowledged; {@code in} is done when all of them are. */
    private static void outputDone(InboundRecord in, AcknowledgementLedger ledger, Map<InboundRecord, int[]> pending) {
        int[] left = pending.isEmpty() ? null : pending.get(in);
        if (left != null) {
            synchronized (left) {
                if (--left[0] > 0) {
                    return;
                }
            }
            pending.remove(in);
        }
        ledger.done(in.ticket());
    }

    /** Errors that this record will always get, whereas others (timeouts, fencing, broker down) are worth a retry. */
    static boolean rejectedForItself(Throwable error) {
        return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException || error instanceof SerializationException;
    }

    private static Mono<Void> transaction(List<Processed> batch, StreamTransport transport,
                                          AcknowledgementLedger ledger, ProcessorMetrics metrics) {
        List<Processed> current = new ArrayList<>(batch.size());
        for (Processed p : batch) {
            // a record of a partition revoked since it was read: its new owner writes it
            if (ledger.isCurrent(p.in().ticket())) {
                current.add(p);
            }
        }
        if (current.isEmpty()) {
            return Mono.empty();
        }
        List<OutboundRecord> outputs = new ArrayList<>(current.size());
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        for (Processed p : current) {
            outputs.addAll(p.outputs());
            nextOffsets.merge(new TopicPartition(p.in().topic(), p.in().partition()), p.in().offset() + 1, Math::max);
        }
        return transport.commitTransaction(outputs, nextOffsets).then(Mono.fromRunnable(() -> {
            for (OutboundRecord out : outputs) {
                if (!out.deadLetter()) {
                    metrics.delivered(out.kind(), out.source().receivedAtNanos());
                }
            }
            current.forEach(p -> ledger.done(p.in().ticket()));
        }));
    }

    /** Writing a record failed in a way worth retrying; the run ends and the next one sends it again. */
    static final class SendFailedException extends RuntimeException {
        SendFailedException(OutboundRecord record, Throwable cause) {
            super("writing to " + record.topic() + " (from " + record.source().topic() + "-"
                    + record.source().partition() + " offset " + record.source().offset() + ") failed: " + cause,
                    cause);
        }
    }
}
