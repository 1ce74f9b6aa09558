package dev.lunar.telemetry.consumer;

import reactor.core.publisher.Mono;

/** Where records that cannot go on are written, with their original bytes and the reason in headers. */
interface DeadLetterSink extends AutoCloseable {

    /**
     * Writes one dead letter and completes once Kafka acknowledged it (acks=all).
     *
     * @param stage  {@code decode} or {@code deliver:<destination>}
     * @param reason machine-readable reason
     * @param detail human-readable explanation; never record contents
     */
    Mono<Void> send(SourceRecord record, String stage, String reason, String detail);

    @Override
    void close();
}
