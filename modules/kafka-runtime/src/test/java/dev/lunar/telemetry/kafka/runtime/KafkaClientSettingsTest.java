package dev.lunar.telemetry.kafka.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The client defaults, and who wins when the user's properties, a sender's settings and the defaults disagree. */
class KafkaClientSettingsTest {

    @Test
    void aProducerLingersFiveMillisecondsAndARecordStreamsProducerLongerUnlessThePropertiesSayOtherwise() {
        KafkaClientSettings defaults = KafkaClientSettings.of("127.0.0.1:9092");
        assertThat(defaults.producer("p", null)).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
        SenderSettings stream = new SenderSettings("s", 16, null, Duration.ofSeconds(1), null);
        assertThat(stream.linger()).isEqualTo(SenderSettings.DEFAULT_LINGER).isGreaterThan(Duration.ofMillis(5));
        assertThat(defaults.producer("s", null, stream.linger()))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, (int) SenderSettings.DEFAULT_LINGER.toMillis());

        KafkaClientSettings user = new KafkaClientSettings("127.0.0.1:9092", Map.of("linger.ms", "1"));
        assertThat(user.producer("s", null, stream.linger())).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1");
    }

    @Test
    void aNegativeLingerIsRefused() {
        assertThatThrownBy(() -> new SenderSettings("s", 16, null, Duration.ofSeconds(1), null, Duration.ofMillis(-1)))
                .hasMessageContaining("linger");
    }
}
