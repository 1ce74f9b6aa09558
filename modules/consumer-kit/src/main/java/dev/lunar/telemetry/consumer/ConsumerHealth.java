package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.health.HealthCheck;
import java.time.Instant;
import java.util.Objects;

/**
 * A consumer's health for the ops endpoint.
 *
 * @param status what the consumer is doing
 * @param detail one sentence: the last failure and what to do about it, or {@code "ok"}
 * @param since  when the status last changed
 */
public record ConsumerHealth(Status status, String detail, Instant since) implements HealthCheck {

    public enum Status {
        /** Subscribed, no batch delivered yet. */
        STARTING,
        /** The last batch was delivered. */
        UP,
        /** The destination answered with a retriable failure; the batch is being retried, Kafka holds the backlog. */
        RETRYING,
        /** The destination rejected the credentials, or the consumer failed; nothing is committed until it recovers. */
        DOWN,
        /** Closed. */
        STOPPED
    }

    public ConsumerHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(since, "since");
    }

    /** True unless {@link Status#DOWN} or {@link Status#STOPPED}: retrying is the consumer doing its job. */
    @Override
    public boolean isHealthy() {
        return status != Status.DOWN && status != Status.STOPPED;
    }

    @Override
    public String healthDetail() {
        return status + ": " + detail;
    }
}
