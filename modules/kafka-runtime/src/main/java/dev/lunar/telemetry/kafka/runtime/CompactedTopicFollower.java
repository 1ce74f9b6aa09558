package dev.lunar.telemetry.kafka.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compacted topic followed as a table, key → latest value: reads every partition from its beginning to the end
 * offsets seen at start (then {@link #caughtUp()} completes) and follows it live afterwards; a tombstone removes the
 * key, a record without a key or one the {@link Decoder} rejects is reported and leaves the previous value in place.
 * One plain consumer on its own thread, manual assignment, no group, nothing committed, {@code read_committed}.
 *
 * <p>Every module that follows {@code tenants.v1} uses this, so the thread, the wake-up on close and the catch-up
 * rule exist once.
 *
 * @param <V> the decoded value
 */
public final class CompactedTopicFollower<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** Turns a record's bytes into a value; throws {@link RejectedRecord} to keep the key's previous value. */
    @FunctionalInterface
    public interface Decoder<V> {
        V decode(String key, byte[] value) throws RejectedRecord;
    }

    /** Told of every change of the table, on the follower's thread, in topic order per partition. */
    public interface Listener<V> {
        /** {@code value} is null when a tombstone removed {@code key}. */
        void changed(String key, V value);

        /** A record that changed nothing; {@code where} is {@code topic-partition@offset}. */
        default void rejected(String where, String key, String reason) {}
    }

    /** Why a record cannot be read: the table keeps the key's previous value. */
    public static final class RejectedRecord extends Exception {
        public RejectedRecord(String reason) {
            super(reason);
        }
    }

    /** While the topic does not exist: wait for it (not caught up) or count it as an empty table (caught up). */
    public enum MissingTopic { WAIT, EMPTY }

    private final KafkaClientSettings kafka;
    private final String clientId;
    private final String topic;
    private final Decoder<V> decoder;
    private final Listener<V> listener;
    private final MissingTopic missingTopic;
    private final Duration closeTimeout;
    private final Map<String, V> table = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile String status = "connecting to Kafka";

    public CompactedTopicFollower(KafkaClientSettings kafka, String clientId, String topic, Decoder<V> decoder,
            Listener<V> listener, MissingTopic missingTopic, Duration closeTimeout) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.missingTopic = Objects.requireNonNull(missingTopic, "missingTopic");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Completes once the table holds everything the topic held when the follower started (at once for a missing
     * topic under {@link MissingTopic#EMPTY}); completes exceptionally if the follower stops before that.
     */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    /** The key's latest value. */
    public Optional<V> get(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(table.get(key));
    }

    public int size() {
        return table.size();
    }

    /** For a health detail: connecting, waiting for the topic, loading, following, or failed. */
    public String status() {
        return status;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties())) {
            consumer = c;
            if (isClosing()) {
                return;
            }
            List<TopicPartition> partitions = awaitTopic(c);
            if (partitions.isEmpty()) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions));
            status = "loading " + topic;
            while (!isClosing()) {
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                    apply(record);
                }
                if (!caughtUp.isDone() && reached(c, end)) {
                    markCaughtUp();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            status = "failed: " + e;
            log.error("following {} stopped: {}", topic, e.toString(), e);
            caughtUp.completeExceptionally(e);
        } finally {
            if (!caughtUp.isDone()) {
                caughtUp.completeExceptionally(new IllegalStateException("stopped following " + topic
                        + " before reading it to its end"));
            }
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = kafka.admin(clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private List<TopicPartition> awaitTopic(KafkaConsumer<String, byte[]> c) {
        boolean warned = false;
        while (!isClosing()) {
            List<TopicPartition> partitions = partitions(c);
            if (!partitions.isEmpty()) {
                return partitions;
            }
            status = "waiting for topic " + topic + " to exist";
            if (!warned) {
                log.warn("topic {} does not exist on {}; {} waits until it does (create the pipeline topics)", topic,
                        kafka.bootstrapServers(), clientId);
                warned = true;
            }
            if (missingTopic == MissingTopic.EMPTY) {
                caughtUp.complete(null);
            }
            try {
                closing.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        List<PartitionInfo> infos;
        try {
            infos = c.partitionsFor(topic, Duration.ofSeconds(5));
        } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException
                 | org.apache.kafka.common.errors.TimeoutException e) {
            return List.of();
        }
        return infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    private static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    private void markCaughtUp() {
        status = "following " + topic;
        log.info("{} read to its end: {} keys", topic, table.size());
        caughtUp.complete(null);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        String key = record.key();
        if (key == null) {
            listener.rejected(where, null, "the record has no key");
            return;
        }
        if (record.value() == null) {
            table.remove(key);
            listener.changed(key, null);
            return;
        }
        try {
            V value = decoder.decode(key, record.value());
            table.put(key, value);
            listener.changed(key, value);
        } catch (RejectedRecord e) {
            listener.rejected(where, key, e.getMessage());
        }
    }

    private boolean isClosing() {
        return closing.getCount() == 0;
    }

    @Override
    public void close() {
        closing.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread.isAlive()) {
            try {
                thread.join(closeTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
