package dev.lunar.telemetry.consumer;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A consumer's own logic: deliver one batch of decoded records to a destination and say how it went.
 *
 * <p>The kit calls {@code handle} for one batch at a time, in offset order per partition, and never calls it again
 * before the returned {@code Mono} has completed. A record counts as done — and its offset may be committed — only
 * when the batch it was in is {@link BatchResult#accepted() accepted}, or when the kit has written it to the
 * dead-letter topic after the destination {@link BatchResult#rejected(String) refused} it, or — for a batch the
 * handler took with {@link BatchResult#acceptedWhen(Mono) acceptedWhen(settled)} — when {@code settled} completes.
 * The same records may be
 * handed over again (after a retriable failure, after a split, or after a restart before the commit), so a handler
 * must be safe to call repeatedly with the same records.
 *
 * <p>An error signal or an empty {@code Mono} counts as {@link BatchResult#retry(String) a retriable failure}. The
 * handler must not block; it runs on a Reactor thread.
 *
 * @param <T> the decoded record type
 */
@FunctionalInterface
public interface BatchHandler<T> {

    /**
     * Delivers {@code batch} (never empty, unmodifiable) and answers what the destination did with it.
     *
     * @param batch decoded records in the order they were read
     * @return the outcome; indices in a {@link BatchResult.Rejected} or {@link BatchResult.Refused} refer to
     *         positions in {@code batch}
     */
    Mono<BatchResult> handle(List<T> batch);
}
