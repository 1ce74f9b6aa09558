package dev.lunar.telemetry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    @Test
    void growsExponentiallyWithEqualJitterUpToTheMaximum() {
        assertThat(backoff.delay(0, Optional.empty(), () -> 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.delay(0, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(3, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delay(3, Optional.empty(), () -> 0.5)).isEqualTo(Duration.ofMillis(600));
        assertThat(backoff.delay(40, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delay(40, Optional.empty(), () -> 0.0)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void neverRetriesEarlierThanTheDestinationAsked() {
        assertThat(backoff.delay(0, Optional.of(Duration.ofSeconds(7)), () -> 0.0)).isEqualTo(Duration.ofSeconds(7));
        assertThat(backoff.delay(0, Optional.of(Duration.ofSeconds(42)), () -> 0.0)).isEqualTo(Duration.ofSeconds(42));
        assertThat(backoff.delay(0, Optional.of(Duration.ofHours(3)), () -> 0.0)).isEqualTo(Backoff.RETRY_AFTER_CAP);
    }
}
