package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place that decides what Datadog receives (P4), tested as plain functions. */
class DatadogMappingTest {

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aProxyLogBecomesALogsEntryWithSourceServiceHostStatusMessageAndTenantTags() {
        EnrichedLog log = Samples.log("e-1", "acme", "upstream timed out");

        ObjectNode e = DatadogMapping.logEntry(log, "lunar-proxy", "lunar");

        assertThat(e.get("ddsource").asText()).isEqualTo("lunar");
        assertThat(e.get("service").asText()).isEqualTo("lunar-proxy");
        assertThat(e.get("hostname").asText()).isEqualTo("proxy-acme");
        assertThat(e.get("status").asText()).isEqualTo("warn");
        assertThat(e.get("message").asText()).isEqualTo("upstream timed out");
        assertThat(e.get("timestamp").asLong()).isEqualTo(log.getTimestamp().toEpochMilli());
        assertThat(e.get("ddtags").asText().split(",")).containsExactly("tenant:acme_corp", "tenant_id:acme",
                "plan:control_plane", "proxy_id:proxy-acme", "proxy_version:1.4.2", "region:eu-west-1",
                "team:payments");
        assertThat(e.get("attributes").get("remedy").asText()).isEqualTo("retry");
    }

    @Test
    void levelsMapToDatadogStatuses() {
        assertThat(List.of("TRACE", "DEBUG", "INFO", "WARN", "warning", "ERROR", "FATAL", "whatever"))
                .extracting(LogEntry::status)
                .containsExactly("debug", "debug", "info", "warn", "warn", "error", "critical", "info");
    }

    @Test
    void credentialLikeTenantTagsAttributesAndEnvironmentVariablesNeverLeave() {
        EnrichedLog log = Samples.log("e-1", "acme", "m");
        log.getTenant().setTags(Map.of("team", "payments", "api_key", Samples.TENANT_LUNAR_KEY, "dd-token", "x"));
        log.setAttributes(Map.of("Authorization", "Bearer abc", "remedy", "retry"));

        String json = DatadogMapping.logEntry(log, "s", "s").toString()
                + DatadogMapping.logEntry(Samples.heartbeat("h-1", "acme"), "s", "s");

        assertThat(json).doesNotContain(Samples.TENANT_LUNAR_KEY, "Bearer abc", "api_key", "dd-token", "LUNAR_API_KEY")
                .contains("team:payments", "\"TZ\":\"UTC\"");
    }

    @Test
    void heartbeatsBecomeALogWithVersionUptimeRestartsAndEnvironmentAndGaugeSeries() {
        var hb = Samples.heartbeat("h-1", "acme");

        ObjectNode e = DatadogMapping.logEntry(hb, "s", "s");
        List<ObjectNode> series = DatadogMapping.series(hb);

        assertThat(e.get("message").asText()).contains("1.4.2", "3600 s", "3 restarts (1 unexpected)");
        assertThat(e.get("status").asText()).isEqualTo("warn");
        assertThat(e.get("proxy").get("version").asText()).isEqualTo("1.4.2");
        assertThat(e.get("uptime_seconds").asLong()).isEqualTo(3600);
        assertThat(texts(e.get("unexpected_restart_reasons"))).containsExactly("OOMKilled");
        assertThat(series).extracting(s -> s.get("metric").asText() + " " + s.get("type").asInt() + " "
                        + s.get("unit").asText() + " " + s.get("points").get(0).get("value").asDouble())
                .containsExactly("lunar.proxy.uptime 3 second 3600.0", "lunar.proxy.restarts 3 event 3.0",
                        "lunar.proxy.restarts.unexpected 3 event 1.0");
    }

    @Test
    void policySnapshotsCarryEnabledPoliciesPluginsAndEndpointsButNeverTheFileText() {
        ObjectNode e = DatadogMapping.logEntry(Samples.policies("p-1", "acme"), "s", "s");

        assertThat(texts(e.get("enabled_policies"))).containsExactly("rate-limit");
        assertThat(texts(e.get("enabled_plugins"))).containsExactly("retry");
        assertThat(e.get("endpoints_with_policies").get(0).get("path_template").asText()).isEqualTo("/v1/customers/{id}");
        assertThat(e.toString()).doesNotContain("global:", "policies.yaml");
    }

    @Test
    void resourcesBecomeGaugesAndADiskWritesCountWithUnitsHostResourceAndTags() {
        Instant sampled = Instant.parse("2026-11-26T10:00:00Z");
        EnrichedResourceUsage ru = Samples.resources("r-1", "acme", sampled);

        List<ObjectNode> series = DatadogMapping.series(ru);

        assertThat(series).extracting(s -> s.get("metric").asText() + " type=" + s.get("type").asInt() + " unit="
                        + s.get("unit").asText() + " interval=" + s.path("interval").asText("-"))
                .containsExactly("lunar.proxy.cpu.percent type=3 unit=percent interval=-",
                        "lunar.proxy.memory.used type=3 unit=byte interval=-",
                        "lunar.proxy.memory.total type=3 unit=byte interval=-",
                        "lunar.proxy.disk.writes type=1 unit=byte interval=10",
                        "lunar.proxy.process.cpu.percent type=3 unit=percent interval=-",
                        "lunar.proxy.process.memory type=3 unit=byte interval=-");
        assertThat(series).allSatisfy(s -> {
            assertThat(s.get("points").get(0).get("timestamp").asLong()).isEqualTo(sampled.getEpochSecond());
            assertThat(s.get("resources").get(0).get("name").asText()).isEqualTo("proxy-acme");
            assertThat(s.get("resources").get(0).get("type").asText()).isEqualTo("host");
            assertThat(texts(s.get("tags"))).contains("tenant:acme_corp", "proxy_version:1.4.2", "team:payments");
        });
        assertThat(texts(series.get(4).get("tags"))).contains("process:engine");
    }

    @Test
    void endpointStatsAreNeverMapped() {
        assertThat(DatadogMapping.mapsType(Samples.endpointStats("x", "acme").getClass())).isFalse();
        assertThatThrownBy(() -> DatadogMapping.map(Samples.endpointStats("x", "acme"), "s", "s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("P2/P4");
    }

    @Test
    void dogStatsdLinesCarryValueTypeTagsHostAndTimestamp() {
        List<ObjectNode> series = DatadogMapping.series(Samples.resources("r-1", "acme",
                Instant.parse("2026-11-26T10:00:00Z")));

        assertThat(DatadogMapping.dogStatsdLine(series.get(0))).isEqualTo("lunar.proxy.cpu.percent:37.5|g|#"
                + "tenant:acme_corp,tenant_id:acme,plan:control_plane,proxy_id:proxy-acme,proxy_version:1.4.2,"
                + "region:eu-west-1,team:payments,host:proxy-acme|T1795687200");
        assertThat(DatadogMapping.dogStatsdLine(series.get(3))).startsWith("lunar.proxy.disk.writes:4096|c|#");
    }

    @Test
    void tagsAreNormalisedTheWayDatadogStoresThem() {
        assertThat(TagRules.tag("Team Name", "Payments, EU")).isEqualTo("team_name:payments__eu");
        assertThat(TagRules.tag("k", "x".repeat(300))).hasSize(200);
    }
}
