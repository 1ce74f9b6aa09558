package dev.lunar.telemetry.consumer;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/** The consumer's current {@link ConsumerHealth}; transitions keep {@code since} when the status stays the same. */
final class HealthState {

    private final Clock clock;
    private final AtomicReference<ConsumerHealth> current;

    HealthState(Clock clock) {
        this.clock = clock;
        this.current = new AtomicReference<>(
                new ConsumerHealth(ConsumerHealth.Status.STARTING, "subscribed, nothing delivered yet", clock.instant()));
    }

    ConsumerHealth get() {
        return current.get();
    }

    void set(ConsumerHealth.Status status, String detail) {
        current.updateAndGet(old -> old.status() == ConsumerHealth.Status.STOPPED ? old
                : new ConsumerHealth(status, detail, old.status() == status ? old.since() : clock.instant()));
    }

    void stopped() {
        current.set(new ConsumerHealth(ConsumerHealth.Status.STOPPED, "closed", clock.instant()));
    }
}
