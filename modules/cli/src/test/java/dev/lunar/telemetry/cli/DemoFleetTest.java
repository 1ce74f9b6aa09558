package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
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
