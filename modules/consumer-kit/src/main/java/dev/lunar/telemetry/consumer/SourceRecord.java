package dev.lunar.telemetry.consumer;

import org.apache.kafka.common.header.Headers;

/**
 * One record as read from Kafka, before decoding, with the way to mark it done. Produced by a {@link RecordSource}.
 *
 * @param acknowledge marks this record done; its offset is committed with the next periodic commit, and only if
 *                    every earlier record of its partition is done too
 */
record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers,
                    Runnable acknowledge) {

    int valueSize() {
        return value == null ? 0 : value.length;
    }

    String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
