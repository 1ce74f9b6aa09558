package dev.lunar.telemetry.proxysim;

import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The pipeline's real topic names on the shared test broker. Test classes run one after another and several write to
 * the same topics, so each test marks the end offsets before it acts and reads only what came after.
 */
final class RawTopics {

    static final List<String> RAW = Arrays.stream(EventKind.values()).map(EventKind::rawTopic).toList();

    private RawTopics() {}

    /** Creates the five raw topics and tenants.v1 if missing (idempotent; waits until they take traffic). */
    static void create(KafkaBroker broker) {
        broker.createTopics(Stream.concat(RAW.stream().map(t -> TopicSpec.topic(t, 3)),
                Stream.of(TopicSpec.compactedTopic(Topics.TENANTS, 3))).toList());
    }

    static KafkaConsumer<String, byte[]> consumer(KafkaBroker broker) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The current end offset of every partition of {@code topics}. */
    static Map<TopicPartition, Long> endOffsets(KafkaBroker broker, List<String> topics) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(broker)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            return new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        }
    }

    /** Every record written to the partitions of {@code from} since those offsets, up to the current end. */
    static List<ConsumerRecord<String, byte[]>> readSince(KafkaBroker broker, Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> until = endOffsets(broker,
                from.keySet().stream().map(TopicPartition::topic).distinct().toList());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(broker)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.offset() < until.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(r);
                    }
                });
                return from.keySet().stream().allMatch(tp -> consumer.position(tp) >= until.get(tp));
            });
        }
        return records;
    }

    static Map<String, List<ConsumerRecord<String, byte[]>>> byTopic(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().collect(Collectors.groupingBy(ConsumerRecord::topic));
    }
}
