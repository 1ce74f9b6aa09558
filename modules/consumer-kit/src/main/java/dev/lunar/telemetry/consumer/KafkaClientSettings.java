package dev.lunar.telemetry.consumer;

import java.util.Map;
import java.util.Objects;

/**
 * How to reach Kafka. Shared by every consumer and its dead-letter producer.
 *
 * @param bootstrapServers {@code kafka.bootstrap.servers}: comma-separated {@code host:port} list; required
 * @param properties       {@code kafka.properties.*}: further client properties (security, SASL, timeouts...),
 *                         applied to consumers and producers; the kit still enforces {@code read_committed}, byte-array
 *                         (de)serializers and manual commits
 */
public record KafkaClientSettings(String bootstrapServers, Map<String, String> properties) {

    public KafkaClientSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    "kafka.bootstrap.servers is empty: set it to the broker list, e.g. 127.0.0.1:9092");
        }
        Objects.requireNonNull(properties, "properties");
        properties.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("kafka.properties has an empty key or a null value for '" + k
                        + "': remove it or give it a value");
            }
        });
        properties = Map.copyOf(properties);
    }

    public static KafkaClientSettings of(String bootstrapServers) {
        return new KafkaClientSettings(bootstrapServers, Map.of());
    }
}
