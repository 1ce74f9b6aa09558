package dev.lunar.telemetry.proxysim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublisherSettingsTest {

    @Test
    void defaultsAreTheTelemetrySettingsMeasuredHere() {
        Map<String, Object> config = PublisherSettings.builder("127.0.0.1:9092").proxyId("px-1").tenantId("acme")
                .build().producerConfig();

        assertThat(config).containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("max.in.flight.requests.per.connection", 5)
                .containsEntry("compression.type", "lz4")
                .containsEntry("linger.ms", 5)
                .containsEntry("batch.size", 262_144)
                .containsEntry("buffer.memory", 33_554_432L)
                .containsEntry("delivery.timeout.ms", 120_000)
                .containsEntry("request.timeout.ms", 30_000)
                .containsEntry("max.block.ms", 10_000L)
                .containsEntry("client.id", "lunar-proxy-px-1");
    }

    @Test
    void aProxyNeedsATenantIdOrAnApiKey() {
        assertThatThrownBy(() -> PublisherSettings.builder("127.0.0.1:9092").proxyId("px-1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("proxy px-1 has neither a tenant id nor an API key: the processor could not tell whose"
                        + " events these are. Set tenantId or apiKey.");
    }

    @Test
    void impossibleValuesAreRejectedWithTheFix() {
        assertThatThrownBy(() -> PublisherSettings.builder(" ").build())
                .hasMessageContaining("bootstrapServers is empty");
        assertThatThrownBy(() -> PublisherSettings.builder("k:9092").deliveryTimeout(Duration.ofMillis(500)).build())
                .hasMessageContaining("deliveryTimeout (PT0.5S) must be at least linger (PT0.005S) plus 1 s");
        assertThatThrownBy(() -> PublisherSettings.builder("k:9092").batchSizeBytes(1 << 20).bufferMemoryBytes(1024)
                .build()).hasMessageContaining("bufferMemoryBytes (1024) is smaller than one batch");
    }

    @Test
    void requestTimeoutShrinksWithAShortDeliveryTimeout() {
        PublisherSettings settings = PublisherSettings.builder("k:9092").deliveryTimeout(Duration.ofSeconds(10)).build();

        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(9_995));
        assertThat(settings.proxy()).isEmpty();
        assertThat(settings.producerConfig()).containsEntry("client.id", "lunar-telemetry-publisher");
    }

    @Test
    void theApiKeyTravelsAsATagButNeverInToString() {
        ProxyIdentity proxy = ProxyIdentity.ofApiKey("px-2", "1.5.0", "lk_live_secret_key_123")
                .withTags(Map.of("env", "prod"));

        assertThat(proxy.eventTags()).containsEntry("lunar_api_key", "lk_live_secret_key_123")
                .containsEntry("env", "prod");
        assertThat(proxy.header("e-1", Instant.parse("2026-01-01T00:00:00.123456Z")).getTenantId()).isNull();
        assertThat(proxy.header("e-1", Instant.parse("2026-01-01T00:00:00.123456Z")).getProducedAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
        assertThat(proxy.toString()).doesNotContain("lk_live_secret_key_123");
        assertThat(PublisherSettings.builder("k:9092").proxy(proxy).build().toString())
                .doesNotContain("lk_live_secret_key_123");
        assertThatThrownBy(() -> proxy.withTags(Map.of("lunar_api_key", "x")))
                .hasMessageContaining("reserved for the API key");
    }
}
