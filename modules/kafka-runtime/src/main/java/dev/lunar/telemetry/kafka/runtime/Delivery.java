package dev.lunar.telemetry.kafka.runtime;

/**
 * Kafka's answer for one {@link OutgoingRecord}: {@code error} is null when Kafka acknowledged it.
 *
 * @param <C> the caller's correlation type
 */
public record Delivery<C>(C correlation, Throwable error) {

    public boolean acknowledged() {
        return error == null;
    }
}
