package dev.lunar.telemetry.kafka.runtime.internal;

import dev.lunar.telemetry.kafka.runtime.Delivery;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.kafka.runtime.OutgoingRecord;
import dev.lunar.telemetry.kafka.runtime.RecordSender;
import dev.lunar.telemetry.kafka.runtime.SenderSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.MicrometerProducerListener;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;
import reactor.kafka.sender.TransactionManager;

/**
 * {@link RecordSender} on Reactor Kafka's {@code KafkaSender}: {@code send()} with correlation metadata and a raised
 * {@code maxInFlight}; transactions as begin → send → {@code sendOffsets(offsets, ConsumerGroupMetadata)} → commit
 * (never the {@code sendOffsets(Map, String)} overload, which hangs with Kafka 4 clients).
 */
public final class ReactorRecordSender<C> implements RecordSender<C> {

    private final KafkaSender<byte[], byte[]> sender;
    private final boolean transactional;

    public ReactorRecordSender(KafkaClientSettings client, SenderSettings settings) {
        this.transactional = settings.transactionalId() != null;
        SenderOptions<byte[], byte[]> options = SenderOptions.<byte[], byte[]>create(
                        client.producer(settings.clientId(), settings.transactionalId(), settings.linger()))
                .maxInFlight(settings.maxInFlight())
                .stopOnError(transactional)
                .closeTimeout(settings.closeTimeout());
        if (settings.registry() != null) {
            options = options.producerListener(new MicrometerProducerListener(settings.registry()));
        }
        this.sender = KafkaSender.create(options);
    }

    @Override
    public Flux<Delivery<C>> send(Flux<OutgoingRecord<C>> records) {
        return sender.send(records.map(ReactorRecordSender::senderRecord))
                .map(result -> new Delivery<>(result.correlationMetadata(), result.exception()));
    }

    @Override
    public Mono<Void> commitTransaction(List<OutgoingRecord<C>> records, Map<TopicPartition, Long> nextOffsets,
                                        Mono<ConsumerGroupMetadata> groupMetadata) {
        if (!transactional) {
            return Mono.error(new IllegalStateException("this sender has no transactional id"));
        }
        TransactionManager transactions = sender.transactionManager();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next)));
        List<SenderRecord<byte[], byte[], C>> toSend = new ArrayList<>(records.size());
        records.forEach(r -> toSend.add(senderRecord(r)));
        Mono<Void> transaction = transactions.begin()
                .thenMany(sender.send(Flux.fromIterable(toSend)))
                .handle((result, sink) -> {
                    if (result.exception() != null) {
                        sink.error(result.exception());
                    }
                })
                .then(groupMetadata.switchIfEmpty(Mono.error(() -> new IllegalStateException(
                        "the consumer's group metadata is not available"))))
                .flatMap(metadata -> transactions.<Void>sendOffsets(offsets, metadata))
                .then(transactions.<Void>commit());
        return transaction.onErrorResume(error -> transactions.<Void>abort()
                .onErrorResume(abortError -> {
                    error.addSuppressed(abortError);
                    return Mono.empty();
                })
                .then(Mono.error(error)));
    }

    private static <C> SenderRecord<byte[], byte[], C> senderRecord(OutgoingRecord<C> record) {
        ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(record.topic(), null, record.key(),
                record.value(), record.headers());
        return SenderRecord.create(producerRecord, record.correlation());
    }

    @Override
    public void close() {
        sender.close();
    }
}
