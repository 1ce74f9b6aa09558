package dev.lunar.telemetry.kafka.runtime;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One Kafka producer. Made by {@link KafkaRuntime#sender}; close it when done.
 *
 * @param <C> the caller's correlation type
 */
public interface RecordSender<C> extends AutoCloseable {

    /**
     * Writes records in order and emits one {@link Delivery} per record when Kafka has acknowledged or rejected it
     * (deliveries of different partitions may come out of order). At most {@code maxInFlight} records are
     * unacknowledged at a time. The flux errors only when the producer itself fails.
     */
    Flux<Delivery<C>> send(Flux<OutgoingRecord<C>> records);

    /**
     * Transactional senders only: one transaction — begin, send {@code records}, send the consumer offsets
     * {@code nextOffsets} (per partition the offset of the next record to read) with {@code groupMetadata}, commit.
     * With the consumer's real metadata ({@link RecordReceiver#groupMetadata()}) the broker refuses the offsets of
     * a member that is no longer in the current generation, so a zombie's transaction aborts. Completes when
     * committed; on any failure the transaction is aborted and the Mono errors.
     */
    Mono<Void> commitTransaction(List<OutgoingRecord<C>> records, Map<TopicPartition, Long> nextOffsets,
                                 Mono<ConsumerGroupMetadata> groupMetadata);

    @Override
    void close();
}
