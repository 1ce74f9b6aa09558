package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import org.apache.kafka.common.header.Headers;

/**
 * One record as read from Kafka, before decoding, with the way to mark it done. Produced by a {@link RecordSource}.
 *
 * @param ticket its place in the subscription's ledger: handed over there, its offset is committed with the next
 *               periodic commit, and only if every earlier record of its partition is done too
 */
record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers,
                    AcknowledgementLedger.Ticket ticket) {

    int valueSize() {
        return value == null ? 0 : value.length;
    }

    String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
