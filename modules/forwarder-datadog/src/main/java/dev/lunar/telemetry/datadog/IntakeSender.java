package dev.lunar.telemetry.datadog;

import reactor.core.publisher.Mono;

/** Sends one request somewhere: the Datadog intake over HTTP, or the dry-run outbox. Never errors: failures are outcomes. */
interface IntakeSender extends AutoCloseable {

    Mono<IntakeOutcome> send(IntakeRequest request);

    @Override
    default void close() {
    }
}
