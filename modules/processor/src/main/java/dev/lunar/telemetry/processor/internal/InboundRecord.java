package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * One raw record as the stream sees it, whatever library received it.
 *
 * @param acknowledge marks the record done (at-least-once): its offset may be committed once every earlier record
 *                    of its partition is done too. Exactly-once commits offsets in the transaction instead.
 * @param receivedAtNanos {@link System#nanoTime()} when it was received, for the latency metric
 * @param ticket      its place in the run's ledger (whether it is still current after a rebalance)
 */
record InboundRecord(String topic, int partition, long offset, byte[] key, byte[] value, List<Header> headers,
                     long receivedAtNanos, AcknowledgementLedger.Ticket ticket, Runnable acknowledge) {}
