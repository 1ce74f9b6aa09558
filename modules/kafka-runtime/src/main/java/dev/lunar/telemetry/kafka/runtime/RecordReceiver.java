package dev.lunar.telemetry.kafka.runtime;

import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One Kafka consumer in a group, as the processor and every consumer built on the kit see it. Made by
 * {@link KafkaRuntime#receiver}.
 *
 * <p><b>Contract.</b> {@link #receive} emits records in offset order per partition and honours backpressure by
 * pausing the consumer. Each record is registered with the given {@link AcknowledgementLedger} before it is emitted;
 * offsets are committed (every {@code commitInterval}, at a revocation and at the end) only up to what the ledger
 * acknowledged, so never past an unfinished record. <b>Rebalances:</b> a revocation waits up to
 * {@code revocationTimeout} for the revoked partitions' records still being worked on, commits what is done, and
 * the ledger forgets the rest (the new owner reads them again). Cancelling the subscription commits what was
 * acknowledged and closes the consumer.
 */
public interface RecordReceiver {

    /** Subscribes (once per subscription of the returned flux) and emits records, registering each in {@code ledger}. */
    default Flux<ReceivedRecord> receive(AcknowledgementLedger ledger) {
        return receive(ledger, r -> r);
    }

    /**
     * Like {@link #receive(AcknowledgementLedger)}, emitting {@code wrap(record)} instead — the caller's own view of
     * a record, which keeps the record's {@link ReceivedRecord#ticket() ticket} to mark it done.
     */
    <T> Flux<T> receive(AcknowledgementLedger ledger, java.util.function.Function<ReceivedRecord, T> wrap);

    /** Stops fetching every assigned partition: no record polled after this completes is emitted. */
    Mono<Void> pause();

    /** Stops fetching these partitions only (a slow partition's backlog), keeping the others going. */
    Mono<Void> pause(Collection<TopicPartition> partitions);

    /** Fetches these partitions again. */
    Mono<Void> resume(Collection<TopicPartition> partitions);

    /** Commits every acknowledged offset now; completes when Kafka confirmed it. */
    Mono<Void> commitAcknowledged();

    /**
     * The consumer's real group metadata (group, generation, member id), read on the consumer's own thread — what a
     * transaction must send its offsets with so that the broker fences a former owner of the partitions (KIP-447).
     * During a revocation it is the metadata of the generation being revoked, read when the revocation began.
     */
    Mono<ConsumerGroupMetadata> groupMetadata();

    /** Records between the consumer's position and the end of its assigned partitions, as last measured (2 s). */
    long lag();

    /** Upper bound of records the receiver may have emitted beyond demand. */
    int maxRecordsPerPoll();
}
