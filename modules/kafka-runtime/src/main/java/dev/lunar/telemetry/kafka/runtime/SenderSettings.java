package dev.lunar.telemetry.kafka.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * One producer's part of the runtime's settings (the client properties are {@link KafkaClientSettings}).
 *
 * @param clientId        the Kafka client id
 * @param maxInFlight     records sent and not yet acknowledged, at most (Reactor Kafka's 256 caps a mirror near
 *                        30 k records/s; 4096 is a good value — shared/KAFKA-NOTES.md)
 * @param transactionalId null for an idempotent, non-transactional producer
 * @param closeTimeout    how long closing may take
 * @param registry        Kafka client metrics go here; may be null
 */
public record SenderSettings(String clientId, int maxInFlight, String transactionalId, Duration closeTimeout,
                             MeterRegistry registry) {

    public SenderSettings {
        Objects.requireNonNull(clientId, "clientId");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive, was " + maxInFlight);
        }
        Objects.requireNonNull(closeTimeout, "closeTimeout");
    }
}
