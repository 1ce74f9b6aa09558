package dev.lunar.telemetry.kafka.embedded.junit;

import java.util.concurrent.atomic.AtomicReference;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;

/** Remembers the first broker a test class received, so the other class can check it got the same one. */
final class SharedBrokerRegistry {
    static final AtomicReference<KafkaBroker> FIRST = new AtomicReference<>();

    private SharedBrokerRegistry() {
    }
}
