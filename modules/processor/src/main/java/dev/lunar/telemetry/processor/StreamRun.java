package dev.lunar.telemetry.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One run of the stream over one {@link StreamTransport}, in either delivery mode. A run ends normally when
 * {@code stop} fires — new records are no longer taken (the consumer pauses for lack of demand), records in flight
 * are drained and committed, then the consumer is closed — or with an error, after which the caller starts a new
 * run on a new transport from the committed offsets.
 *
 * <p><b>At-least-once</b> ({@link #atLeastOnce}): a raw record is acknowledged only when Kafka has acknowledged its
 * output (enriched record or dead letter); a record with no output ({@link OutboundRecord#writesNothing()}) is
 * acknowledged at once, without sending. The transport commits acknowledged offsets without passing an unfinished
 * one, so acknowledging a later record before earlier ones of its partition are done commits nothing early. An
 * output Kafka rejects for itself (too large, invalid) is dead-lettered instead; any other send failure ends the run,
 * so nothing after it is committed and it is sent again by the next run — never dropped.
 *
 * <p><b>Exactly-once</b> ({@link #exactlyOnce}): records are batched (size or time); each batch's outputs and the
 * consumer offsets after it are one transaction; a record with no output adds nothing to it, but its offset
 * advances. A failure aborts it and ends the run; the next run re-reads the batch from the last committed offsets.
 */
final class StreamRun {

    static final String STAGE_DELIVER = "deliver";

    private StreamRun() {}

    static Mono<Void> atLeastOnce(StreamTransport transport, ProcessorFlow flow, ProcessorMetrics metrics,
                                  Mono<Void> stop, Runnable onProgress) {
        return Mono.defer(() -> {
            Disposable.Swap connection = Disposables.swap();
            Flux<InboundRecord> records = until(transport.receive(), stop, connection);
            return transport.send(flow.apply(records).filter(out -> !acknowledgedWithoutOutput(out, onProgress)))
                    .concatMap(delivery -> delivered(delivery, transport, flow, metrics, onProgress))
                    .then(Mono.defer(transport::commitAcknowledged))
                    .doFinally(signal -> connection.dispose());
        });
    }

    static Mono<Void> exactlyOnce(StreamTransport transport, ProcessorFlow flow, ProcessorMetrics metrics,
                                  Mono<Void> stop, int batchSize, Duration batchTimeout, Runnable onProgress) {
        return Mono.defer(() -> {
            Disposable.Swap connection = Disposables.swap();
            Flux<InboundRecord> records = until(transport.receive(), stop, connection);
            return records
                    .bufferTimeout(batchSize, batchTimeout, true)
                    .concatMap(batch -> transaction(batch, transport, flow, metrics).doOnSuccess(v -> onProgress.run()),
                            1)
                    .then()
                    .doFinally(signal -> connection.dispose());
        });
    }

    /**
     * The records until {@code stop}; stopping does not cancel the consumer (that would close it with records still
     * in flight) but only stops requesting, which pauses it. {@code connection} cancels it for real, once drained.
     */
    private static Flux<InboundRecord> until(Flux<InboundRecord> records, Mono<Void> stop, Disposable.Swap connection) {
        return records.publish().autoConnect(1, connection::update).takeUntilOther(stop);
    }

    /** An input dropped whole has nothing to wait for: acknowledged now (its offset waits for earlier ones). */
    private static boolean acknowledgedWithoutOutput(OutboundRecord out, Runnable onProgress) {
        if (!out.writesNothing()) {
            return false;
        }
        out.source().acknowledge().run();
        onProgress.run();
        return true;
    }

    private static Mono<Void> delivered(StreamTransport.Delivery delivery, StreamTransport transport,
                                        ProcessorFlow flow, ProcessorMetrics metrics, Runnable onProgress) {
        OutboundRecord record = delivery.record();
        if (delivery.error() == null) {
            record.source().acknowledge().run();
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
                    .concatMap(d -> d.error() == null ? Mono.<Void>fromRunnable(record.source().acknowledge())
                            : Mono.<Void>error(d.error()))
                    .then();
        }
        return Mono.error(new SendFailedException(record, delivery.error()));
    }

    /** Errors that this record will always get, whereas others (timeouts, fencing, broker down) are worth a retry. */
    static boolean rejectedForItself(Throwable error) {
        return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException || error instanceof SerializationException;
    }

    private static Mono<Void> transaction(List<InboundRecord> batch, StreamTransport transport, ProcessorFlow flow,
                                          ProcessorMetrics metrics) {
        if (batch.isEmpty()) {
            return Mono.empty();
        }
        List<OutboundRecord> outputs = new ArrayList<>(batch.size());
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        for (InboundRecord in : batch) {
            OutboundRecord out = flow.process(in);
            if (!out.writesNothing()) {
                outputs.add(out);
            }
            nextOffsets.merge(new TopicPartition(in.topic(), in.partition()), in.offset() + 1, Math::max);
        }
        return transport.commitTransaction(outputs, nextOffsets).then(Mono.fromRunnable(() -> {
            for (OutboundRecord out : outputs) {
                if (!out.deadLetter()) {
                    metrics.delivered(out.kind(), out.source().receivedAtNanos());
                }
            }
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
