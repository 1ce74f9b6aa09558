package dev.lunar.telemetry.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import reactor.core.publisher.Mono;

/**
 * What the destination did with a batch, as a {@link BatchHandler} reports it. The kit acts on it:
 *
 * <ul>
 *   <li>{@link Accepted}: every record is done; offsets may be committed.</li>
 *   <li>{@link AcceptedWhen}: the handler has taken every record, and they are done when {@code settled} completes
 *       — for a handler that must hold records before its destination can take them (a window that is sent once it
 *       closes). The kit reads on and hands over the next batches meanwhile; see {@link #acceptedWhen(Mono)}.</li>
 *   <li>{@link Retry}: nothing is done; the same batch is handed over again after an exponential backoff with
 *       jitter, never earlier than {@code retryAfter} (from {@code Retry-After} or a rate-limit reset header).
 *       Kafka keeps the backlog meanwhile.</li>
 *   <li>{@link Rejected}: the destination refused something among the {@code suspects} (all records when the set is
 *       empty); the others are done. The kit splits the suspects in halves and hands each half over again until the
 *       refused records are isolated, then writes each to the dead-letter topic with the reason.</li>
 *   <li>{@link Refused}: the destination named exactly which records it refused; they go to the dead-letter topic
 *       with their reasons and the others are done.</li>
 *   <li>{@link AuthFailed}: the destination rejected our credentials. Nothing is committed, the consumer's health
 *       goes DOWN with the message, and the batch is retried at the slow auth-retry interval until the credentials
 *       work again.</li>
 * </ul>
 */
public sealed interface BatchResult {

    /** Every record of the batch was accepted. */
    record Accepted() implements BatchResult {}

    /**
     * The handler has taken every record of the batch; they are done when {@code settled} completes.
     *
     * @param settled completes when the destination holds the records, errors when they must be delivered again
     */
    record AcceptedWhen(Mono<Void> settled) implements BatchResult {
        public AcceptedWhen {
            Objects.requireNonNull(settled, "settled");
        }
    }

    /**
     * A retriable failure (timeout, 408, 429, 5xx, connection error).
     *
     * @param reason     what happened, for logs and health; no record contents
     * @param retryAfter the earliest time to try again that the destination asked for, if it did
     */
    record Retry(String reason, Optional<Duration> retryAfter) implements BatchResult {
        public Retry {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * The destination refused one or more records among {@code suspects} without saying which.
     *
     * @param reason   why, e.g. {@code 400 Bad Request: ...}; becomes the dead letter's reason
     * @param suspects indices into the batch that may hold the refused records; empty means the whole batch
     */
    record Rejected(String reason, Set<Integer> suspects) implements BatchResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            suspects = Set.copyOf(new TreeSet<>(suspects));
        }
    }

    /**
     * The destination refused exactly these records, and accepted the rest.
     *
     * @param reasonsByIndex reason per refused record, by index into the batch
     */
    record Refused(Map<Integer, String> reasonsByIndex) implements BatchResult {
        public Refused {
            reasonsByIndex = Map.copyOf(new TreeMap<>(reasonsByIndex));
        }
    }

    /**
     * The destination rejected our credentials (401, 403).
     *
     * @param message what to tell the operator, naming the destination and the fix
     */
    record AuthFailed(String message) implements BatchResult {
        public AuthFailed {
            Objects.requireNonNull(message, "message");
        }
    }

    static BatchResult accepted() {
        return new Accepted();
    }

    /**
     * Deferred acknowledgement: the handler has taken every record of the batch, and they are done — acknowledged,
     * so their offsets may be committed — only when {@code settled} completes. The kit subscribes to
     * {@code settled} once and hands over the next batches at once, while at most
     * {@link TelemetryConsumer.Builder#maxHeldRecords(int) maxHeldRecords} records wait for their settlement (beyond
     * that it stops reading and Kafka holds the backlog; by default 0, so each settlement is awaited before the next
     * batch). Acknowledgements stay in offset order per partition: records settled early wait for earlier ones.
     *
     * <p>If {@code settled} errors, the records are not done: the kit stops acknowledging, re-reads from the last
     * committed offsets and hands these records — and everything read after them — over again. Records whose
     * settlement is pending when the consumer closes are not acknowledged either; they come again after the next
     * start. So the handler must tolerate repeats (an idempotent upsert does).
     */
    static BatchResult acceptedWhen(Mono<Void> settled) {
        return new AcceptedWhen(settled);
    }

    static BatchResult retry(String reason) {
        return new Retry(reason, Optional.empty());
    }

    /** A retriable failure; {@code retryAfter} may be null when the destination did not say. */
    static BatchResult retry(String reason, Duration retryAfter) {
        return new Retry(reason, Optional.ofNullable(retryAfter));
    }

    /** The destination refused something in the whole batch; the kit splits it to find out what. */
    static BatchResult rejected(String reason) {
        return new Rejected(reason, Set.of());
    }

    /** The destination refused something among {@code suspects}; the other records are accepted. */
    static BatchResult rejected(String reason, Collection<Integer> suspects) {
        if (suspects.isEmpty()) {
            throw new IllegalArgumentException("suspects must not be empty; use rejected(reason) for the whole batch");
        }
        return new Rejected(reason, Set.copyOf(suspects));
    }

    static BatchResult refused(Map<Integer, String> reasonsByIndex) {
        return new Refused(reasonsByIndex);
    }

    static BatchResult authFailed(String message) {
        return new AuthFailed(message);
    }
}
