package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.processor.internal.TopicNames;
import dev.lunar.telemetry.processor.tenants.TenantTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Fresh pipeline topics per test (a unique prefix) on the shared broker, and plain clients to feed and read them. */
final class KafkaFixture implements AutoCloseable {
    final KafkaBroker kafka;
    final String prefix;
    final TopicNames topics;
    private final KafkaProducer<byte[], byte[]> producer;

    KafkaFixture(KafkaBroker kafka, String name) {
        this.kafka = kafka;
        this.prefix = kafka.uniqueTopic(name) + ".";
        this.topics = new TopicNames(prefix);
        List<TopicSpec> specs = new ArrayList<>();
        for (Topics.Definition def : Topics.all()) {
            specs.add(def.compacted() ? TopicSpec.compactedTopic(prefix + def.name(), 1)
                    : TopicSpec.topic(prefix + def.name(), 3));
        }
        kafka.createTopics(specs);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    ProcessorSettings.Builder settings() {
        return ProcessorSettings.builder(kafka.bootstrapServers()).topicPrefix(prefix)
                .groupId(prefix + "processor").commitInterval(Duration.ofMillis(200))
                .restartBackoff(Duration.ofMillis(200)).restartBackoffMax(Duration.ofSeconds(2))
                .shutdownTimeout(Duration.ofSeconds(20));
    }

    void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(), value));
    }

    void sendRaw(EventKind kind, String key, byte[] value) {
        send(topics.raw(kind), key, value);
    }

    /** As a proxy that cannot speak Avro sends: Avro's JSON encoding, marked content-type: application/json. */
    void sendRawJson(EventKind kind, String key, String json) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.raw(kind), key.getBytes(),
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        record.headers().add("content-type", "application/json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        producer.send(record);
    }

    void flush() {
        producer.flush();
    }

    /** Reads {@code topic} from the beginning (read_committed) until {@code done} holds; fails after a minute. */
    List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("gave up reading " + topic + " after 60 s with " + records.size()
                            + " records");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** Everything in {@code topic} right now (read to the end offsets). */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (!TenantTopic.caughtUp(consumer, end)) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
