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
 * @param linger          the producer's {@code linger.ms} unless the client properties set it
 */
public record SenderSettings(String clientId, int maxInFlight, String transactionalId, Duration closeTimeout,
                             MeterRegistry registry, Duration linger) {

    /**
     * A record stream's producer writes a few tens of thousands of records a second over dozens of partitions (the
     * processor: five kinds × their partitions): at 5 ms a batch held a handful of records, and each batch costs its
     * own compression buffers (LZ4: 128 KB allocated per batch), wake-ups and response handling. At 25 ms the
     * producer's network thread used 43 % less CPU and the processor's cold phase 10–25 % less CPU per record on the
     * fleet's traffic (README, "Performance"), for 20 ms more latency.
     */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(25);

    public SenderSettings {
        Objects.requireNonNull(clientId, "clientId");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive, was " + maxInFlight);
        }
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (linger == null || linger.isNegative()) {
            throw new IllegalArgumentException("linger must be zero or more, was " + linger);
        }
    }

    public SenderSettings(String clientId, int maxInFlight, String transactionalId, Duration closeTimeout,
                          MeterRegistry registry) {
        this(clientId, maxInFlight, transactionalId, closeTimeout, registry, DEFAULT_LINGER);
    }
}
