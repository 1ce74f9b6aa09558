package dev.lunar.telemetry.processor.tenants;

import dev.lunar.telemetry.processor.ProcessorSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reading the compacted tenant topic from its beginning: shared by {@link TenantFeed} and {@link TenantAdmin}. */
public final class TenantTopic {

    private TenantTopic() {}

    static KafkaConsumer<String, byte[]> consumer(ProcessorSettings settings, String clientSuffix) {
        Properties props = new Properties();
        props.putAll(settings.kafka().admin(settings.clientId() + "-" + clientSuffix));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-" + clientSuffix);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    /** The topic's partitions, or an empty list if the topic does not exist (yet). */
    static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, timeout);
        } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
            return List.of();
        }
        return infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    /** Assigns every partition, seeks to the beginning; returns the end offsets to catch up with. */
    static Map<TopicPartition, Long> assignFromBeginning(Consumer<?, ?> consumer, List<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return new HashMap<>(consumer.endOffsets(partitions));
    }

    public static boolean caughtUp(Consumer<?, ?> consumer, Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
