package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * One raw record as the stream sees it, whatever library received it.
 *
 * @param receivedAtNanos {@link System#nanoTime()} when it was received, for the latency metric
 * @param ticket      its place in the run's ledger: handing it back ({@link AcknowledgementLedger#done}) marks the
 *                    record done (at-least-once), so its offset may be committed once every earlier record of its
 *                    partition is done too; exactly-once asks it whether the record is still current after a
 *                    rebalance and commits offsets in the transaction
 */
record InboundRecord(String topic, int partition, long offset, byte[] key, byte[] value, List<Header> headers,
                     long receivedAtNanos, AcknowledgementLedger.Ticket ticket) {}
