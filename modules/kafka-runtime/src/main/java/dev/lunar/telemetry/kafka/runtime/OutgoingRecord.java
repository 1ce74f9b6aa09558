package dev.lunar.telemetry.kafka.runtime;

import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * A record to write, with what the caller wants back when Kafka has answered for it.
 *
 * @param headers     may be empty, never null
 * @param correlation handed back in the {@link Delivery}
 * @param <C>         the caller's correlation type
 */
public record OutgoingRecord<C>(String topic, byte[] key, byte[] value, List<Header> headers, C correlation) {}
