package dev.lunar.telemetry.cli.tools;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a fixed range of a topic, partition by partition, without a consumer group — so replaying never moves any
 * group's offsets. The end is fixed when reading starts: records produced meanwhile are not part of the range.
 */
public final class TopicRangeReader {

    /** Counts for a progress line: records read so far out of the range's size. */
    public record Progress(long read, long total) {}

    private final Map<String, Object> consumerConfig;

    public TopicRangeReader(String bootstrapServers) {
        this.consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // a replay shows what downstream consumers see: records of aborted transactions are skipped
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.CLIENT_ID_CONFIG, "lunar-replay");
    }

    /**
     * Calls {@code sink} for every record of {@code topic} in [{@code from}, {@code to}), in offset order per
     * partition, and {@code progress} at most every 2,000 records and once at the end.
     *
     * @return the number of records read
     */
    public long read(String topic, RangePosition from, RangePosition to,
            Consumer<ConsumerRecord<byte[], byte[]>> sink, Consumer<Progress> progress) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            Map<TopicPartition, Long> start = resolve(consumer, partitions, from);
            Map<TopicPartition, Long> end = resolve(consumer, partitions, to);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            long total = 0;
            for (TopicPartition tp : partitions) {
                long size = Math.max(0, end.get(tp) - start.get(tp));
                if (size > 0) {
                    remaining.put(tp, end.get(tp));
                    total += size;
                }
            }
            consumer.assign(remaining.keySet());
            remaining.keySet().forEach(tp -> consumer.seek(tp, start.get(tp)));
            long read = 0;
            long reported = 0;
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long stop = remaining.get(tp);
                    if (stop == null || record.offset() >= stop) {
                        continue;
                    }
                    sink.accept(record);
                    read++;
                }
                // A partition is done once its position passed the end (transaction markers and compaction leave gaps).
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (consumer.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
                if (read - reported >= 2000) {
                    progress.accept(new Progress(read, total));
                    reported = read;
                }
            }
            progress.accept(new Progress(read, total));
            return read;
        }
    }

    private static Map<TopicPartition, Long> resolve(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
            RangePosition position) {
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        if (position instanceof RangePosition.Beginning) {
            return beginning;
        }
        if (position instanceof RangePosition.End) {
            return ends;
        }
        if (position instanceof RangePosition.Offset o) {
            return partitions.stream().collect(Collectors.toMap(tp -> tp,
                    tp -> Math.max(beginning.get(tp), Math.min(ends.get(tp), o.offset()))));
        }
        long millis = ((RangePosition.Time) position).time().toEpochMilli();
        Map<TopicPartition, OffsetAndTimestamp> atTime = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> millis)));
        return partitions.stream().collect(Collectors.toMap(tp -> tp,
                tp -> atTime.get(tp) == null ? ends.get(tp) : atTime.get(tp).offset()));
    }
}
