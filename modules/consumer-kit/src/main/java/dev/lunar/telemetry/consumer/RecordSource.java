package dev.lunar.telemetry.consumer;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The seam between the kit and the Kafka client library: everything Reactor Kafka does for the kit goes through
 * here, so the library can be replaced without touching the delivery logic.
 *
 * <p>Contract: {@link #receive()} emits records in offset order per partition and honours backpressure by
 * pausing the consumer (so a consumer whose downstream does not request holds no more than a bounded number of
 * polled records). Cancelling the subscription commits every acknowledged offset and closes the consumer.
 */
interface RecordSource {

    /** Subscribes (once) and emits records; cancel to commit acknowledged offsets and close. */
    Flux<SourceRecord> receive();

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
