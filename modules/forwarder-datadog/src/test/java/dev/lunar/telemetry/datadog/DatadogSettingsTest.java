package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.DatadogSite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.events.EventKind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatadogSettingsTest {

    @Test
    void defaultsAreDryRunOnDatadoghqComReadingFourKindsButNeverEndpointStats() {
        DatadogSettings s = DatadogSettings.defaults();

        assertThat(s.isDryRun()).isTrue();
        assertThat(s.site()).isEqualTo(DatadogSite.US1);
        assertThat(s.topics()).containsOnlyKeys(EventKind.LOGS, EventKind.RESOURCES, EventKind.HEARTBEATS,
                EventKind.POLICIES);
        assertThat(s.topics().values()).doesNotContain(EventKind.ENDPOINTS.enrichedTopic());
        assertThat(s.outboxDirectory().toString()).endsWith("outbox/datadog");
    }

    @Test
    void everySiteHasItsLogsAndMetricsIntake() {
        assertThat(DatadogSite.of("datadog.site", "datadoghq.eu").logsUrl())
                .hasToString("https://http-intake.logs.datadoghq.eu/api/v2/logs");
        assertThat(DatadogSite.of("datadog.site", "us5.datadoghq.com").seriesUrl())
                .hasToString("https://api.us5.datadoghq.com/api/v2/series");
        assertThat(DatadogSite.of("datadog.site", "app.ddog-gov.com")).isEqualTo(DatadogSite.US1_FED);
        assertThat(DatadogSite.values()).extracting(DatadogSite::domain).containsExactly("datadoghq.com",
                "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com",
                "ddog-gov.com");
    }

    @Test
    void badValuesNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> DatadogSettings.builder().site("datadoghq.moon"))
                .hasMessageStartingWith("datadog.site 'datadoghq.moon' is not a Datadog site: use one of datadoghq.com");
        assertThatThrownBy(() -> DatadogSettings.builder().baseUrl("ftp://x").build())
                .hasMessageStartingWith("datadog.base-url");
        assertThatThrownBy(() -> DatadogSettings.builder().topic(EventKind.ENDPOINTS, "telemetry.endpoints.v1").build())
                .hasMessageContaining("datadog.topics.endpoints").hasMessageContaining("P2");
        assertThatThrownBy(() -> DatadogSettings.builder().topic(EventKind.LOGS, "telemetry.endpoints.v1").build())
                .hasMessageContaining("endpoint-stats topic");
        assertThatThrownBy(() -> DatadogSettings.builder().retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .build()).hasMessageContaining("datadog.retry.max-backoff");
        assertThatThrownBy(() -> DatadogSettings.builder().dogStatsd(true, "127.0.0.1", 0).build())
                .hasMessageContaining("datadog.dogstatsd.port");
    }

    @Test
    void theApiKeyComesFromDdApiKeyAndIsNeverPrinted() {
        DatadogSettings s = DatadogSettings.builder().apiKeyFromEnvironment(Map.of("DD_API_KEY", "abc123secret")).build();

        assertThat(s.isDryRun()).isFalse();
        assertThat(s.apiKey()).contains("abc123secret");
        assertThat(s.toString()).doesNotContain("abc123secret").contains("apiKey=(set)");
    }
}
