package dev.lunar.telemetry.consumer;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": attempt {@code n} waits between half and all of
 * {@code min(max, initial * 2^n)}, and never less than what the destination asked for.
 */
record Backoff(Duration initial, Duration max) {

    /** Longest wait a destination's {@code Retry-After} may impose; beyond that we ask again anyway. */
    static final Duration RETRY_AFTER_CAP = Duration.ofMinutes(15);

    Duration delay(int attempt, Optional<Duration> retryAfter, DoubleSupplier random) {
        long initialMs = Math.max(1, initial.toMillis());
        long maxMs = Math.max(initialMs, max.toMillis());
        int shift = Math.min(Math.max(attempt, 0), 30);
        long exp = initialMs << shift;
        if (exp <= 0 || exp > maxMs) {
            exp = maxMs;
        }
        long jittered = exp / 2 + (long) (random.getAsDouble() * (exp - exp / 2));
        long asked = retryAfter.map(Duration::toMillis).orElse(0L);
        asked = Math.min(Math.max(asked, 0), RETRY_AFTER_CAP.toMillis());
        return Duration.ofMillis(Math.max(jittered, asked));
    }
}
