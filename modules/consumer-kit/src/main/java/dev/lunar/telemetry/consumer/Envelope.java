package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.events.BadRecordException;

/**
 * A source record after decoding: exactly one of {@code value} (decoded), {@code error} (undecodable, goes to the
 * dead-letter topic) or neither (skipped, e.g. a broker warm-up record).
 */
record Envelope<T>(SourceRecord source, T value, BadRecordException error) {

    boolean decoded() {
        return value != null;
    }

    boolean bad() {
        return error != null;
    }
}
