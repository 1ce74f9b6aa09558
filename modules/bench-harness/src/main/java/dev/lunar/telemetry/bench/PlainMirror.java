package dev.lunar.telemetry.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ceiling of the end-to-end benchmark: a plain kafka-clients consume → produce mirror with the processor's
 * delivery guarantee (at least once: an input offset is committed only after Kafka acknowledged its copy; idempotent
 * producer, {@code acks=all}) and shared/KAFKA-NOTES.md's tuning (linger 5 ms, 256 KB batches, lz4; commits every
 * second, not per record). One polling thread; the producer's I/O thread sends. Key, value and headers are copied as
 * they are; the output partition follows the key, as the processor's does.
 */
final class PlainMirror implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, String> outputTopic;
    private final ArrayDeque<Poll> pending = new ArrayDeque<>();
    private final Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong mirrored = new AtomicLong();
    private volatile boolean running = true;
    private final Thread thread;

    /** One poll's records: committable once all of them are acknowledged. */
    private record Poll(AtomicInteger remaining, Map<TopicPartition, OffsetAndMetadata> next) {}

    PlainMirror(String bootstrap, String groupId, Map<String, String> outputTopic, int maxPollRecords) {
        this.outputTopic = Map.copyOf(outputTopic);
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-consumer");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(c);
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
        consumer.subscribe(List.copyOf(outputTopic.keySet()));
        this.thread = new Thread(this::run, "plain-mirror");
        thread.start();
    }

    long mirrored() {
        return mirrored.get();
    }

    private void run() {
        long lastCommit = System.nanoTime();
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                    Poll poll = new Poll(new AtomicInteger(records.count()), next);
                    pending.add(poll);
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        producer.send(new ProducerRecord<>(outputTopic.get(r.topic()), null, r.key(), r.value(),
                                r.headers()), (metadata, error) -> {
                                    if (error != null) {
                                        failure.compareAndSet(null, error);
                                    } else {
                                        mirrored.incrementAndGet();
                                    }
                                    poll.remaining().decrementAndGet();
                                });
                    }
                }
                if (failure.get() != null) {
                    throw failure.get();
                }
                collectAcknowledged();
                if (System.nanoTime() - lastCommit > 1_000_000_000L && !committable.isEmpty()) {
                    consumer.commitAsync(Map.copyOf(committable), null);
                    committable.clear();
                    lastCommit = System.nanoTime();
                }
            }
            producer.flush();
            collectAcknowledged();
            if (!committable.isEmpty()) {
                consumer.commitSync(committable);
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            consumer.close();
        }
    }

    /** Moves the offsets of fully acknowledged polls, in poll order, to what the next commit writes. */
    private void collectAcknowledged() {
        while (!pending.isEmpty() && pending.peek().remaining().get() == 0) {
            committable.putAll(pending.poll().next());
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.join(30_000);
        producer.close(Duration.ofSeconds(10));
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
