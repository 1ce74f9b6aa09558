package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.events.EventKind;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * A record to write: an enriched event, or a dead letter, with the raw record it came from.
 *
 * @param kind the event kind, or null for a dead letter from a topic that is not a raw topic
 */
record OutboundRecord(String topic, byte[] key, byte[] value, List<Header> headers, EventKind kind,
                      boolean deadLetter, InboundRecord source) {}
