package dev.lunar.telemetry.events;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer and deserializer for one event type, in Avro single-object encoding.
 *
 * <p>The deserializer throws {@link BadRecordException} on bad bytes, which inside {@code KafkaConsumer.poll} would
 * stop the consumer at that offset. Pipelines that must dead-letter bad records therefore consume {@code byte[]} and
 * call {@link AvroCodec#decode} themselves; this serde suits producers, tools and tests.
 */
public final class EventSerde<T extends SpecificRecordBase> implements Serde<T> {

    private final AvroCodec<T> codec;

    public EventSerde(Class<T> type) {
        this.codec = AvroCodec.of(type);
    }

    public AvroCodec<T> codec() {
        return codec;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : codec.encode(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> data == null ? null : codec.decode(data);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
