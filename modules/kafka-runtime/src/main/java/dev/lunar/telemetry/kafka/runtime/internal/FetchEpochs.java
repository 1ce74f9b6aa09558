package dev.lunar.telemetry.kafka.runtime.internal;

import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which assignment of its partition a record was fetched in. Reactor Kafka may still hold a poll's records when a
 * rebalance revokes (and perhaps re-assigns) their partition; the consumer then fetches the partition again from
 * the committed offset. Those stale records must not be processed: their partition belongs to another member now,
 * or they duplicate the re-fetched ones — and under exactly-once a duplicate in a transaction is a duplicate in
 * the output. So every assignment of a partition gets an epoch; an interceptor (which runs inside {@code poll()},
 * on the consumer's thread, after that poll's rebalance callbacks) notes the epoch of each fetched range; a record
 * is current only if its range's epoch is its partition's epoch now.
 */
final class FetchEpochs {

    /** Consumer-config key under which the interceptor finds its epochs (Kafka hands interceptors the originals). */
    static final String CONFIG_KEY = "lunar.kafka.runtime.fetch-epochs";

    private record Range(long epoch, long lastOffset) {}

    private final AtomicLong assignments = new AtomicLong();
    /** Which consumer is the current one: each interceptor belongs to the consumer it was configured for. */
    private final AtomicLong consumers = new AtomicLong();
    private final Map<TopicPartition, Long> current = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Deque<Range>> fetched = new ConcurrentHashMap<>();

    /*
     * The emitting side's place. Only the emitting side removes ranges (the interceptor appends), so the head range
     * it last saw stays the head until it removes it; records come in runs of one partition, so the place is kept
     * until the partition changes instead of looking the partition's ranges up again for every record.
     */
    private TopicPartition atPartition;
    private Deque<Range> atRanges;
    private Range atRange;

    /** Adds the interceptor (keeping any configured ones) and these epochs to consumer properties. */
    void configure(Map<String, Object> consumer) {
        Object configured = consumer.get("interceptor.classes");
        String ours = Interceptor.class.getName();
        consumer.put("interceptor.classes", configured == null || configured.toString().isBlank() ? ours
                : configured + "," + ours);
        consumer.put(CONFIG_KEY, this);
    }

    /**
     * Before a new consumer's first poll (a new subscription): the ranges the previous consumer fetched and never
     * emitted are forgotten. Its records are gone with its subscription; left in place, its ranges would make the
     * new consumer's records of the same offsets look stale, and they would be skipped — never processed, yet
     * committed past. A poll of the previous consumer that ends after this is ignored: its interceptor belongs to an
     * older consumer.
     */
    void newConsumer() {
        consumers.incrementAndGet();
        fetched.clear();
        atPartition = null;
        atRanges = null;
        atRange = null;
    }

    /** On the consumer's thread: these partitions were assigned (a new epoch each). */
    void assigned(List<TopicPartition> partitions) {
        long epoch = assignments.incrementAndGet();
        partitions.forEach(p -> current.put(p, epoch));
    }

    /** On the consumer's thread: these partitions were revoked or lost. */
    void revoked(List<TopicPartition> partitions) {
        partitions.forEach(current::remove);
    }

    /** What a poll of consumer {@code consumer} fetched; nothing when a newer consumer has replaced it. */
    void fetched(long consumer, ConsumerRecords<?, ?> records) {
        if (consumer != consumers.get()) {
            return;
        }
        for (TopicPartition partition : records.partitions()) {
            List<? extends ConsumerRecord<?, ?>> inPartition = records.records(partition);
            long epoch = current.getOrDefault(partition, -1L);
            fetched.computeIfAbsent(partition, k -> new ConcurrentLinkedDeque<>())
                    .addLast(new Range(epoch, inPartition.get(inPartition.size() - 1).offset()));
        }
    }

    /**
     * Whether the record at {@code offset} — the next one emitted of its partition, in fetch order — belongs to the
     * partition's current assignment. Call once per emitted record, in emission order, one call after another.
     */
    boolean current(TopicPartition partition, long offset) {
        if (!partition.equals(atPartition)) {
            atPartition = partition;
            atRanges = null;
            atRange = null;
        }
        if (atRanges == null) {
            atRanges = fetched.get(partition);
        }
        if (atRange == null && atRanges != null) {
            atRange = atRanges.peekFirst();
        }
        Range range = atRange;
        if (range == null) {
            return current.containsKey(partition);
        }
        if (offset >= range.lastOffset()) {
            atRanges.pollFirst();
            atRange = null;
        }
        Long now = current.get(partition);
        return now != null && now == range.epoch();
    }

    /** Tells the epochs what each poll fetched; changes nothing. */
    public static final class Interceptor implements ConsumerInterceptor<Object, Object> {
        private FetchEpochs epochs;
        private long consumer;

        @Override
        public void configure(Map<String, ?> configs) {
            epochs = (FetchEpochs) configs.get(CONFIG_KEY);
            if (epochs != null) {
                consumer = epochs.consumers.get(); // configured as its consumer is made, after newConsumer()
            }
        }

        @Override
        public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
            if (epochs != null) {
                epochs.fetched(consumer, records);
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

        @Override
        public void close() {}
    }
}
