package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.events.EventKind;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * A record to write: an enriched event, or a dead letter, with the raw record it came from — or nothing at all
 * ({@link #nothing}): an input may produce no output; it is acknowledged (at-least-once) or its offset committed in
 * the transaction (exactly-once) all the same.
 *
 * @param topic null when the record {@link #writesNothing()}
 * @param kind the event kind, or null for a dead letter from a topic that is not a raw topic
 */
record OutboundRecord(String topic, byte[] key, byte[] value, List<Header> headers, EventKind kind,
                      boolean deadLetter, InboundRecord source) {

    /** The output of an input dropped whole (P1, P4): nothing to write, only {@code source} to acknowledge. */
    static OutboundRecord nothing(EventKind kind, InboundRecord source) {
        return new OutboundRecord(null, null, null, List.of(), kind, false, source);
    }

    /** True when there is nothing to send: acknowledge or commit {@link #source()} without writing. */
    boolean writesNothing() {
        return topic == null;
    }
}
