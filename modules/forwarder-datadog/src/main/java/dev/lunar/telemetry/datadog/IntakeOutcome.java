package dev.lunar.telemetry.datadog;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one Datadog answer means, as documented for the Logs and Metrics intakes: 2xx accepted; 400 and 413 refuse
 * the payload (split, then dead-letter); 401 and 403 reject the key (stop loudly); 408, 429 and 5xx — and connection
 * errors and timeouts — are retried later, not earlier than {@code Retry-After} or the rate-limit reset
 * ({@code X-RateLimit-Reset}: seconds until the period resets; {@code X-RateLimit-Period} when nothing remains).
 * Other statuses (404, 405...) usually mean a wrong base URL: retried, so nothing is lost while it is fixed.
 */
sealed interface IntakeOutcome {

    record Accepted() implements IntakeOutcome {}

    record Retry(String reason, Optional<Duration> retryAfter) implements IntakeOutcome {}

    record AuthFailed(int status, String reason) implements IntakeOutcome {}

    record Rejected(int status, String reason) implements IntakeOutcome {}

    /** @param headers response headers, names lower-case */
    static IntakeOutcome classify(int status, Map<String, String> headers, String body, String what) {
        String reason = "HTTP " + status + " from " + what + (body == null || body.isBlank() ? "" : ": " + snippet(body));
        if (status >= 200 && status < 300) {
            return new Accepted();
        }
        if (status == 401 || status == 403) {
            return new AuthFailed(status, reason);
        }
        if (status == 400 || status == 413) {
            return new Rejected(status, reason);
        }
        return new Retry(reason, retryAfter(headers));
    }

    static Optional<Duration> retryAfter(Map<String, String> headers) {
        String retryAfter = headers.get("retry-after");
        if (retryAfter != null) {
            Optional<Duration> d = parseRetryAfter(retryAfter.trim());
            if (d.isPresent()) {
                return d;
            }
        }
        Optional<Long> reset = number(headers.get("x-ratelimit-reset"));
        if (reset.isPresent()) {
            return Optional.of(Duration.ofSeconds(Math.max(0, reset.get())));
        }
        Optional<Long> remaining = number(headers.get("x-ratelimit-remaining"));
        Optional<Long> period = number(headers.get("x-ratelimit-period"));
        if (remaining.isPresent() && remaining.get() <= 0 && period.isPresent()) {
            return Optional.of(Duration.ofSeconds(Math.max(0, period.get())));
        }
        return Optional.empty();
    }

    private static Optional<Duration> parseRetryAfter(String value) {
        Optional<Long> seconds = number(value);
        if (seconds.isPresent()) {
            return Optional.of(Duration.ofSeconds(Math.max(0, seconds.get())));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
            Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((long) Math.ceil(Double.parseDouble(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String snippet(String body) {
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }
}
