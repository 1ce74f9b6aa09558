package dev.lunar.telemetry.controlplane.forwarder;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the control plane did with a batch of window aggregates, as {@link ControlPlaneClient} classifies it.
 *
 * <ul>
 *   <li>{@link Accepted}: every aggregate is stored (2xx); the input may be committed.</li>
 *   <li>{@link Retry}: nothing can be assumed stored (408, 429, 5xx, other unexpected statuses, timeouts,
 *       connection errors); send the same batch again, not before {@code retryAfter} when the control plane gave
 *       {@code Retry-After}. Re-sending is safe: storing is an upsert by idempotency key.</li>
 *   <li>{@link Rejected}: the control plane refused the batch itself (400, 413, 415, 422); sending it again will
 *       not help — split it to isolate the refused aggregate, then dead-letter it.</li>
 *   <li>{@link AuthFailed}: the tenant's token is missing, wrong or not allowed (401, 403); stop loudly, commit
 *       nothing.</li>
 * </ul>
 */
sealed interface SendOutcome {

    /**
     * @param requests              HTTP requests it took
     * @param endpointsStored       endpoint rows written (inserted, or replaced by a redelivery or correction)
     * @param endpointsIgnoredStale endpoint rows the control plane kept because its row had more source events
     */
    record Accepted(int requests, long endpointsStored, long endpointsIgnoredStale) implements SendOutcome {}

    record Retry(String reason, Optional<Duration> retryAfter) implements SendOutcome {
        public Retry {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /** @param status the HTTP status */
    record Rejected(int status, String reason) implements SendOutcome {}

    /** @param status the HTTP status, or 0 when no token is configured for the tenant */
    record AuthFailed(int status, String tenantId, String message) implements SendOutcome {}

    default boolean isAccepted() {
        return this instanceof Accepted;
    }
}
