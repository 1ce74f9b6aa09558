package dev.lunar.telemetry.bench;

import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The harness's own Kafka work: topics, producing the prepared records, counting and reading what arrived. */
final class KafkaIo implements AutoCloseable {

    /** Destination topics get the broker's append time, so arrival times come from the broker, after the fact. */
    static final String LOG_APPEND_TIME = "LogAppendTime";

    private final String bootstrap;
    private final KafkaConsumer<byte[], byte[]> offsets;

    KafkaIo(String bootstrap) {
        this.bootstrap = bootstrap;
        this.offsets = consumer();
    }

    static TopicSpec topic(String name, int partitions, boolean appendTime) {
        TopicSpec spec = TopicSpec.topic(name, partitions);
        return appendTime ? spec.withConfig("message.timestamp.type", LOG_APPEND_TIME) : spec;
    }

    void createTopics(Collection<TopicSpec> topics) {
        KafkaTopics.createTopics(bootstrap, topics, Duration.ofSeconds(60));
    }

    /**
     * A producer like a proxy's: {@code acks=all}, lz4, 5 ms linger, 256 KB batches. Not idempotent: right after topic
     * creation an idempotent producer can lose records to KAFKA-15591 (shared/KAFKA-NOTES.md).
     */
    KafkaProducer<byte[], byte[]> producer(String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(c);
    }

    private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        return partitions;
    }

    /** Records in {@code topics} (they start empty: the sum of end offsets). */
    long count(Collection<String> topics) {
        return offsets.endOffsets(partitions(offsets, topics), Duration.ofSeconds(30)).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    /** What one read of destination topics found. */
    record Scan(long records, long valueBytes, Map<String, Long> valueBytesByTopic, Set<String> distinctEventIds,
                long firstTimestamp, long lastTimestamp, List<DatadogIntake.Arrival> arrivals, long[] sortedTimestamps) {
        long duplicates() {
            return records - distinctEventIds.size();
        }
    }

    /** Reads {@code topics} from the beginning to their current end. */
    Scan scan(Collection<String> topics, boolean collectArrivals) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long records = 0;
            long bytes = 0;
            Map<String, Long> bytesByTopic = new HashMap<>();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            Set<String> ids = new HashSet<>();
            List<DatadogIntake.Arrival> arrivals = new ArrayList<>();
            long[] timestamps = new long[1 << 16];
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topics + " to the end within 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (records == timestamps.length) {
                        timestamps = java.util.Arrays.copyOf(timestamps, timestamps.length * 2);
                    }
                    timestamps[(int) records] = r.timestamp();
                    records++;
                    bytes += r.value() == null ? 0 : r.value().length;
                    bytesByTopic.merge(r.topic(), (long) (r.value() == null ? 0 : r.value().length), Long::sum);
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                    String id = BenchRecords.eventIdOf(r.value());
                    ids.add(id);
                    if (collectArrivals) {
                        arrivals.add(new DatadogIntake.Arrival(id, r.timestamp()));
                    }
                }
            }
            long[] sorted = java.util.Arrays.copyOf(timestamps, (int) records);
            java.util.Arrays.sort(sorted);
            return new Scan(records, bytes, bytesByTopic, ids, first, last, arrivals, sorted);
        }
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        offsets.close();
    }
}
