package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Datadog's documented answers, and what each means for the batch. */
class IntakeOutcomeTest {

    private static IntakeOutcome classify(int status, Map<String, String> headers) {
        return IntakeOutcome.classify(status, headers, "{\"errors\":[\"x\"]}", "logs intake of datadoghq.com");
    }

    @Test
    void accepted202Rejected400And413AuthFailed401And403() {
        assertThat(classify(202, Map.of())).isInstanceOf(IntakeOutcome.Accepted.class);
        assertThat(classify(400, Map.of())).isInstanceOf(IntakeOutcome.Rejected.class);
        assertThat(classify(413, Map.of())).isInstanceOf(IntakeOutcome.Rejected.class);
        assertThat(classify(401, Map.of())).isInstanceOf(IntakeOutcome.AuthFailed.class);
        assertThat(classify(403, Map.of())).isInstanceOf(IntakeOutcome.AuthFailed.class);
        assertThat(((IntakeOutcome.Rejected) classify(400, Map.of())).reason())
                .isEqualTo("HTTP 400 from logs intake of datadoghq.com: {\"errors\":[\"x\"]}");
    }

    @Test
    void timeoutsRateLimitsAndServerErrorsAreRetried() {
        for (int status : new int[] {408, 429, 500, 502, 503, 504, 404}) {
            assertThat(classify(status, Map.of())).isInstanceOf(IntakeOutcome.Retry.class);
        }
    }

    @Test
    void retryAfterAndRateLimitHeadersSayWhenToTryAgain() {
        assertThat(IntakeOutcome.retryAfter(Map.of("retry-after", "7"))).contains(Duration.ofSeconds(7));
        assertThat(IntakeOutcome.retryAfter(Map.of("x-ratelimit-reset", "12", "x-ratelimit-period", "60")))
                .contains(Duration.ofSeconds(12));
        assertThat(IntakeOutcome.retryAfter(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-period", "10")))
                .contains(Duration.ofSeconds(10));
        assertThat(IntakeOutcome.retryAfter(Map.of("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")))
                .contains(Duration.ZERO);
        assertThat(IntakeOutcome.retryAfter(Map.of())).isEqualTo(Optional.empty());
    }
}
