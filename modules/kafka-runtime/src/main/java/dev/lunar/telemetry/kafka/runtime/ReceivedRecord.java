package dev.lunar.telemetry.kafka.runtime;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * One record as a {@link RecordReceiver} read it. It is registered with the subscription's
 * {@link AcknowledgementLedger} before it is emitted; mark its {@code ticket} done there (never acknowledge offsets
 * directly), so that a commit never passes an unfinished record of its partition.
 *
 * @param receivedAtNanos {@link System#nanoTime()} when it was received, for latency metrics
 * @param ticket          its place in the ledger
 */
public record ReceivedRecord(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers,
                             long receivedAtNanos, AcknowledgementLedger.Ticket ticket) {

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public int valueSize() {
        return value == null ? 0 : value.length;
    }

    /** {@code topic-partition@offset}, for logs; never the contents. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
