package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import dev.lunar.telemetry.kafka.runtime.PartitionedWork;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the stream needs from Kafka, on the shared runtime (modules/kafka-runtime; {@link RuntimeTransport}). One
 * instance is one consumer and one producer, used for one run of the stream; a restart makes a new one.
 */
public interface StreamTransport extends AutoCloseable {

    /**
     * The raw records, with backpressure: without demand the consumer pauses. Subscribed once. Each record is
     * registered in {@code ledger} before it is emitted; handing its {@link InboundRecord#ticket()} back marks it done there,
     * and offsets are committed only up to the records done in read order. Cancelling it stops the consumer (after
     * committing what was acknowledged).
     */
    Flux<InboundRecord> receive(AcknowledgementLedger ledger);

    /** Pauses or resumes single partitions of the consumer (a slow partition's backlog). */
    PartitionedWork.Pauser pauser();

    /**
     * Writes records in order and emits one {@link Delivery} per record when Kafka has acknowledged or rejected it
     * (deliveries of different partitions may come out of order). At most {@code max-in-flight} records are
     * unacknowledged at a time. The flux errors only when the producer itself fails.
     */
    Flux<Delivery> send(Flux<OutboundRecord> records);

    /** At-least-once: commits every acknowledged offset now; completes when the broker has answered. */
    Mono<Void> commitAcknowledged();

    /**
     * Exactly-once: one transaction with {@code records} and the consumer offsets {@code nextOffsets} (the offset of
     * the next record to read, per partition), sent with the consumer's real group metadata so that the broker
     * refuses it if this instance is no longer the partitions' owner. Completes when the transaction is committed;
     * on any failure the transaction is aborted and the Mono errors.
     */
    Mono<Void> commitTransaction(List<OutboundRecord> records, Map<TopicPartition, Long> nextOffsets);

    /** Closes the producer (and the consumer, if {@link #receive} is still running). */
    @Override
    void close();

    /** The outcome of writing one record: {@code error} is null when Kafka acknowledged it. */
    record Delivery(OutboundRecord record, Throwable error) {}
}
