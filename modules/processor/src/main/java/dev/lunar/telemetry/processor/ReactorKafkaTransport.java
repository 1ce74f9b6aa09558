package dev.lunar.telemetry.processor;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.MicrometerConsumerListener;
import reactor.kafka.receiver.ReceiverOffset;
import reactor.kafka.receiver.ReceiverPartition;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverRecord;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.MicrometerProducerListener;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;
import reactor.kafka.sender.TransactionManager;

/**
 * {@link StreamTransport} on Reactor Kafka 1.3 with Kafka 4 clients, using only what shared/KAFKA-NOTES.md found to
 * work: {@code receive()} with {@code acknowledge()}, {@code commitInterval} and {@code maxDeferredCommits}
 * (out-of-order acknowledgements never commit past an unfinished record); {@code send()} with a raised
 * {@code maxInFlight}; and for transactions begin → send → {@code sendOffsets(offsets, ConsumerGroupMetadata)} →
 * commit, with metadata naming the group only. Never {@code sendOffsets(Map, String)} (hangs with Kafka 4 clients) nor {@code receiveExactlyOnce}
 * (races on {@code groupMetadata()}).
 */
final class ReactorKafkaTransport implements StreamTransport {

    private final KafkaReceiver<byte[], byte[]> receiver;
    private final KafkaSender<byte[], byte[]> sender;
    private final AtomicReference<ReceiverOffset> lastAcknowledged = new AtomicReference<>();
    private final ConsumerGroupMetadata groupMetadata;
    /** Exactly-once only: holds a revocation until what was fetched from the partitions is committed. */
    private final RevocationDrain drain;

    ReactorKafkaTransport(ProcessorSettings settings, TopicNames topics, MeterRegistry registry, int instance) {
        boolean exactlyOnce = settings.delivery() == DeliveryGuarantee.EXACTLY_ONCE;
        String clientId = settings.clientId() + "-" + instance;

        Map<String, Object> consumer = new HashMap<>(settings.kafka());
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-consumer");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.drain = exactlyOnce ? new RevocationDrain(registry) : null;
        if (exactlyOnce) {
            drain.configure(consumer);
        }
        ReceiverOptions<byte[], byte[]> receiverOptions = ReceiverOptions.<byte[], byte[]>create(consumer)
                .subscription(topics.allRaw())
                .commitInterval(settings.commitInterval())
                .closeTimeout(settings.shutdownTimeout())
                .consumerListener(new MicrometerConsumerListener(registry));
        if (!exactlyOnce) {
            receiverOptions = receiverOptions.maxDeferredCommits(settings.maxDeferredCommits());
        } else {
            // Reactor Kafka's delay waits for acknowledgements, which transactions never make: 60 s every time.
            Duration patience = settings.shutdownTimeout();
            receiverOptions = receiverOptions.maxDelayRebalance(Duration.ZERO)
                    .addRevokeListener(revoked -> drain.awaitCommitted(
                            revoked.stream().map(ReceiverPartition::topicPartition).toList(), patience));
        }
        this.receiver = KafkaReceiver.create(receiverOptions);
        this.groupMetadata = new ConsumerGroupMetadata(settings.groupId());

        Map<String, Object> producer = new HashMap<>(settings.kafka());
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producer.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        if (exactlyOnce) {
            producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        }
        SenderOptions<byte[], byte[]> senderOptions = SenderOptions.<byte[], byte[]>create(producer)
                .maxInFlight(settings.maxInFlight())
                .stopOnError(exactlyOnce)
                .closeTimeout(settings.shutdownTimeout())
                .producerListener(new MicrometerProducerListener(registry));
        this.sender = KafkaSender.create(senderOptions);
    }

    @Override
    public Flux<InboundRecord> receive() {
        // Once the stream stops taking records, closing the consumer revokes its partitions: do not hold that.
        return receiver.receive().doOnCancel(this::stopDraining).doOnTerminate(this::stopDraining).map(this::inbound);
    }

    private void stopDraining() {
        if (drain != null) {
            drain.close();
        }
    }

    private InboundRecord inbound(ReceiverRecord<byte[], byte[]> record) {
        ReceiverOffset offset = record.receiverOffset();
        List<Header> headers = List.of(record.headers().toArray());
        return new InboundRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                headers, System.nanoTime(), () -> {
                    offset.acknowledge();
                    lastAcknowledged.set(offset);
                });
    }

    @Override
    public Flux<Delivery> send(Flux<OutboundRecord> records) {
        return sender.send(records.map(ReactorKafkaTransport::senderRecord))
                .map(result -> new Delivery(result.correlationMetadata(), result.exception()));
    }

    @Override
    public Mono<Void> commitAcknowledged() {
        ReceiverOffset last = lastAcknowledged.get();
        return last == null ? Mono.empty() : last.commit();
    }

    @Override
    public Mono<Void> commitTransaction(List<OutboundRecord> records, Map<TopicPartition, Long> nextOffsets) {
        TransactionManager transactions = sender.transactionManager();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next)));
        List<SenderRecord<byte[], byte[], OutboundRecord>> toSend = new ArrayList<>(records.size());
        records.forEach(r -> toSend.add(senderRecord(r)));
        // Group metadata with the group id only: Reactor Kafka's consumer proxy refuses groupMetadata(), and
        // receiveExactlyOnce (which calls it) races. Without generation and member id the broker does not fence
        // offset commits of a zombie generation; see TelemetryProcessor for what that means.
        Mono<Void> transaction = transactions.begin()
                .thenMany(sender.send(Flux.fromIterable(toSend)))
                .handle((result, sink) -> {
                    if (result.exception() != null) {
                        sink.error(result.exception());
                    }
                })
                .then(transactions.sendOffsets(offsets, groupMetadata))
                .then(transactions.<Void>commit())
                .then(Mono.fromRunnable(() -> drain.committed(nextOffsets)));
        return transaction.onErrorResume(error -> transactions.abort()
                .onErrorResume(abortError -> {
                    error.addSuppressed(abortError);
                    return Mono.empty();
                })
                .then(Mono.error(error)));
    }

    private static SenderRecord<byte[], byte[], OutboundRecord> senderRecord(OutboundRecord record) {
        ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(record.topic(), null, record.key(),
                record.value(), record.headers());
        return SenderRecord.create(producerRecord, record);
    }

    @Override
    public void close() {
        stopDraining();
        sender.close();
    }
}
