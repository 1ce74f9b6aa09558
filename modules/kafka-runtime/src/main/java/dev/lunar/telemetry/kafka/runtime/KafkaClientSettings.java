package dev.lunar.telemetry.kafka.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How to reach Kafka, and the one set of client defaults of the pipeline: every consumer, producer and admin client
 * of the processor and of every consumer built on the kit starts from {@link #consumer}, {@link #producer} or
 * {@link #admin}. In YAML: {@code <section>.kafka.*} ({@code processor.kafka.*}, {@code datadog.kafka.*},
 * {@code control-plane-forwarder.kafka.*}) are the {@code properties}; the broker list comes from
 * {@code kafka.bootstrap-servers} (or the embedded broker).
 *
 * @param bootstrapServers comma-separated {@code host:port} list; required
 * @param properties       further client properties (security, SASL, timeouts...), applied to every client. The
 *                         properties the runtime owns ({@link #OWNED}) are refused: they decide delivery guarantees.
 */
public record KafkaClientSettings(String bootstrapServers, Map<String, String> properties) {

    /** Set by the runtime itself; a user value would silently change commits, isolation or (de)serialisation. */
    public static final Set<String> OWNED = Set.of(
            "bootstrap.servers", "group.id", "client.id", "key.serializer", "value.serializer", "key.deserializer",
            "value.deserializer", "enable.auto.commit", "isolation.level", "transactional.id", "enable.idempotence",
            "acks");

    public KafkaClientSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    "kafka.bootstrap-servers is empty: set it to the broker list, e.g. 127.0.0.1:9092");
        }
        Objects.requireNonNull(properties, "properties");
        List<String> owned = new ArrayList<>();
        properties.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("kafka properties have an empty key or a null value for '" + k
                        + "': remove it or give it a value");
            }
            if (OWNED.contains(k)) {
                owned.add(k);
            }
        });
        if (!owned.isEmpty()) {
            throw new IllegalArgumentException("kafka properties may not set " + owned.stream().sorted().toList()
                    + ": the runtime sets these itself (bootstrap servers, group, delivery mode and transactional id"
                    + " have their own settings)");
        }
        properties = Map.copyOf(properties);
    }

    /** A producer's {@code linger.ms} unless said otherwise (a record stream's: {@link SenderSettings#linger}). */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);

    public static KafkaClientSettings of(String bootstrapServers) {
        return new KafkaClientSettings(bootstrapServers, Map.of());
    }

    /**
     * A consumer of raw bytes in {@code groupId}: manual commits, {@code read_committed} (a transactional
     * producer's aborted records are never seen), {@code earliest} unless the properties say otherwise.
     */
    public Map<String, Object> consumer(String groupId, String clientId) {
        Map<String, Object> props = new HashMap<>(properties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * A producer of raw bytes: idempotent, {@code acks=all}, lz4, 5 ms linger and 256 KB batches unless the
     * properties say otherwise (shared/KAFKA-NOTES.md: 515 k records/s with these here).
     *
     * @param transactionalId null for a non-transactional producer
     */
    public Map<String, Object> producer(String clientId, String transactionalId) {
        return producer(clientId, transactionalId, DEFAULT_LINGER);
    }

    /** {@link #producer(String, String)} lingering {@code linger} (unless the properties set {@code linger.ms}). */
    public Map<String, Object> producer(String clientId, String transactionalId, Duration linger) {
        Map<String, Object> props = new HashMap<>(properties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return props;
    }

    /** An admin client (or a plain consumer for assignment-based reads) with the same properties. */
    public Map<String, Object> admin(String clientId) {
        Map<String, Object> props = new HashMap<>(properties);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("client.id", clientId);
        return props;
    }
}
