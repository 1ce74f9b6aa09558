package dev.lunar.telemetry.processor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Exactly-once across rebalances: when partitions are taken away, hold the revocation until every record already
 * fetched from them has been committed in a transaction. Offsets go out with group metadata that names the group only
 * (KAFKA-NOTES), so the broker cannot fence a former owner; were a batch of a revoked partition committed after the
 * new owner started, it would be written twice. Reactor Kafka's own rebalance delay waits for acknowledgements, which
 * transactions never make, so it always ran its full 60 s; this waits exactly as long as the batches in flight need
 * (a transaction batch timeout or so).
 *
 * <p>What was fetched is learnt from a {@link ConsumerInterceptor}, which sees every poll before Reactor Kafka queues
 * the records; what was committed, from the transactions. Thread-safe: the interceptor and the revocation run on the
 * consumer's thread, commits on the producer's.
 */
final class RevocationDrain {

    /** Consumer-config key under which the interceptor finds its drain (Kafka hands interceptors the originals). */
    static final String CONFIG_KEY = "lunar.processor.revocation-drain";

    private final Map<TopicPartition, Long> lastFetched = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> nextCommitted = new ConcurrentHashMap<>();
    private final Counter drained;
    private final Counter timedOut;
    private volatile boolean closed;

    RevocationDrain(MeterRegistry registry) {
        this.drained = Counter.builder("lunar.processor.revocations").tag("outcome", "drained")
                .description("partition revocations held until fetched records were committed").register(registry);
        this.timedOut = Counter.builder("lunar.processor.revocations").tag("outcome", "timed-out")
                .description("partition revocations that gave up waiting for fetched records").register(registry);
    }

    /** Adds the interceptor (keeping any configured ones) and this drain to consumer properties. */
    void configure(Map<String, Object> consumer) {
        Object configured = consumer.get("interceptor.classes");
        String ours = Interceptor.class.getName();
        consumer.put("interceptor.classes", configured == null || configured.toString().isBlank() ? ours
                : configured + "," + ours);
        consumer.put(CONFIG_KEY, this);
    }

    void fetched(ConsumerRecords<?, ?> records) {
        for (TopicPartition partition : records.partitions()) {
            List<? extends ConsumerRecord<?, ?>> inPartition = records.records(partition);
            long last = inPartition.get(inPartition.size() - 1).offset();
            lastFetched.merge(partition, last, Math::max);
        }
    }

    /** A transaction committed these next-offsets. */
    void committed(Map<TopicPartition, Long> nextOffsets) {
        nextOffsets.forEach((partition, next) -> nextCommitted.merge(partition, next, Math::max));
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Blocks (on the consumer's thread, inside the rebalance, as Kafka intends) until every fetched record of
     * {@code partitions} is committed, the drain is closed, or {@code timeout} passes.
     *
     * @return whether everything fetched was committed
     */
    boolean awaitCommitted(Collection<TopicPartition> partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!allCommitted(partitions)) {
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    timedOut.increment();
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    timedOut.increment();
                    return false;
                }
            }
        }
        partitions.forEach(p -> {
            lastFetched.remove(p);
            nextCommitted.remove(p);
        });
        drained.increment();
        return true;
    }

    private boolean allCommitted(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Long last = lastFetched.get(partition);
            if (last != null && nextCommitted.getOrDefault(partition, -1L) <= last) {
                return false;
            }
        }
        return true;
    }

    /** The run is over: nothing will be committed any more, so nobody waits. */
    void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
    }

    /** Tells the drain what each poll fetched; changes nothing. */
    public static final class Interceptor implements ConsumerInterceptor<Object, Object> {
        private RevocationDrain drain;

        @Override
        public void configure(Map<String, ?> configs) {
            drain = (RevocationDrain) configs.get(CONFIG_KEY);
        }

        @Override
        public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
            if (drain != null) {
                drain.fetched(records);
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

        @Override
        public void close() {}
    }
}
