package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.processor.privacy.IndividualRequestRule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --demo}: a newcomer sees simulated traffic reach the dry-run Datadog outbox within a minute. */
class DemoFleetTest {

    @TempDir
    Path dataDir;

    @Test
    void demoTrafficReachesTheOutboxWithoutItsPlantedSecrets() throws Exception {
        ConfigSource config = ConfigSource.of(Map.of("data-dir", dataDir.toString(), "kafka.embedded.port", "0",
                "ops.port", "-1", "datadog.batch.max-wait", "500ms", "control-plane.port", "0"), Map.of());
        StringWriter printed = new StringWriter();
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true))) {
            DemoFleet demo = pipeline.attach("demo fleet", DemoFleet.start(pipeline.bootstrapServers(),
                    new PrintWriter(printed, true)));
            assertThat(printed.toString()).contains("Demo: 10 simulated proxies");

            Path outbox = dataDir.resolve("outbox").resolve("datadog");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                String all = outbox(outbox);
                assertThat(all).contains("/api/v2/logs").contains("/api/v2/series");
            });
            String all = outbox(outbox);
            assertThat(demo.plantedSecrets()).isNotEmpty()
                    .allSatisfy(secret -> assertThat(all).doesNotContain(secret));

            // P1/P4: the fleet writes access-log lines and DEBUG lines for every plan; the processor drops them all
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(dropped(pipeline, "individual-request")).isPositive();
                assertThat(dropped(pipeline, "log-level")).isPositive();
            });
            String after = outbox(outbox);
            assertThat(after).doesNotContain("access-log");
            for (String line : after.lines().filter(l -> l.contains("/api/v2/logs")).toList()) {
                JSON.readTree(JSON.readTree(line).get("body").asText()).forEach(entry -> assertThat(
                        IndividualRequestRule.isRequestLine(entry.path("message").asText())).as(entry.toString())
                        .isFalse());
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private static double dropped(Pipeline pipeline, String reason) {
        return pipeline.registry().find("lunar.processor.dropped").tag("reason", reason).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** issue 5's promise: run --demo traffic of a CONTROL_PLANE tenant shows on its dashboard's API within two windows. */
    @Test
    void demoControlPlaneTenantsNumbersReachTheControlPlane() throws Exception {
        ConfigSource config = ConfigSource.of(Map.of("data-dir", dataDir.toString(), "kafka.embedded.port", "0",
                "ops.port", "-1", "control-plane.port", "0", "control-plane-forwarder.window", "2s",
                "control-plane-forwarder.allowed-lateness", "1s"), Map.of());
        Map<String, String> tokens = DemoFleet.dashboardTokens();
        StringWriter printed = new StringWriter();
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true), true,
                java.util.EnumSet.allOf(Pipeline.Service.class), tokens)) {
            pipeline.attach("demo fleet", DemoFleet.start(pipeline.bootstrapServers(), new PrintWriter(printed, true)));
            var controlPlane = pipeline.controlPlane().orElseThrow();
            assertThat(tokens).isNotEmpty();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            tokens.forEach((tenant, token) -> await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                java.net.http.HttpResponse<String> summary = http.send(java.net.http.HttpRequest.newBuilder(
                                controlPlane.url().resolve("/api/v1/tenants/" + tenant + "/summary"))
                        .header("Authorization", "Bearer " + token).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(summary.statusCode()).isEqualTo(200);
                assertThat(summary.body()).containsPattern("\"calls\"\\s*:\\s*[1-9]");
            }));
        }
    }

    private static String outbox(Path outbox) throws Exception {
        if (!Files.isDirectory(outbox)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path f : files.toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }
}
