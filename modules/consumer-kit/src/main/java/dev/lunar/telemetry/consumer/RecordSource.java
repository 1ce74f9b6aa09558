package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The kit's view of the Kafka runtime (modules/kafka-runtime; {@link KafkaRecordSource}), and the seam its tests
 * replace.
 *
 * <p>Contract: {@link #receive} emits records in offset order per partition, registering each in the ledger first,
 * and honours backpressure by pausing the consumer (so a consumer whose downstream does not request holds no more
 * than a bounded number of polled records). Offsets are committed only as far as the ledger acknowledged.
 * Cancelling the subscription commits every acknowledged offset and closes the consumer.
 */
interface RecordSource {

    /** Subscribes (once) and emits records, each registered in {@code ledger}; cancel to commit and close. */
    Flux<SourceRecord> receive(AcknowledgementLedger ledger);

    /** Stops fetching: no record polled after this completes is emitted. Used by graceful shutdown. */
    Mono<Void> pause();

    /**
     * Commits every acknowledged offset now and completes when Kafka confirmed it. Used by graceful shutdown before
     * cancelling, because cancellation closes the consumer asynchronously.
     */
    Mono<Void> commitAcknowledged();

    /** Records between the consumer's position and the end of its assigned partitions, as last measured. */
    long lag();

    /** Upper bound of records the source may have emitted downstream but not yet handed over, beyond demand. */
    int maxRecordsPerPoll();
}
