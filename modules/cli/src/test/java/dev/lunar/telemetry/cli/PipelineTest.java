package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}'s foundation: a real embedded broker, the 13 topics, and the ops endpoint. */
class PipelineTest {

    @TempDir
    Path dataDir;

    @Test
    void startsBrokerWithAllTopicsAndServesHealthAndMetrics() throws Exception {
        // Extra Kafka client properties per service are known keys (an unknown key would stop start-up).
        ConfigSource config = ConfigSource.of(Map.of(
                "data-dir", dataDir.toString(), "kafka.embedded.port", "0", "ops.port", "0", "control-plane.port", "0",
                "processor.kafka.request.timeout.ms", "40000", "datadog.kafka.request.timeout.ms", "40000",
                "control-plane-forwarder.kafka.request.timeout.ms", "40000"), Map.of());
        StringWriter printed = new StringWriter();

        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        pipeline.bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get();
            Config tenants = admin.describeConfigs(Set.of(new ConfigResource(ConfigResource.Type.TOPIC, "tenants.v1")))
                    .all().get().values().iterator().next();
            Config logs = admin.describeConfigs(Set.of(new ConfigResource(ConfigResource.Type.TOPIC, "proxy.logs.v1")))
                    .all().get().values().iterator().next();

            assertThat(topics).containsAll(dev.lunar.telemetry.events.Topics.all().stream()
                    .map(dev.lunar.telemetry.events.Topics.Definition::name).collect(Collectors.toSet()));
            assertThat(tenants.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(logs.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(admin.describeTopics(Set.of("proxy.logs.v1")).allTopicNames().get()
                    .get("proxy.logs.v1").partitions()).hasSize(6);
            assertThat(printed.toString()).contains("Kafka (embedded, KRaft) listening on " + pipeline.bootstrapServers())
                    .contains("Topics ready: 13").contains("Control plane: http://127.0.0.1:");

            String opsUrl = printed.toString().lines().filter(l -> l.startsWith("Metrics: ")).findFirst().orElseThrow()
                    .replaceAll("Metrics: (\\S+)/metrics.*", "$1");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(opsUrl + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(opsUrl + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(opsUrl).startsWith("http://127.0.0.1:");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"kafka\"")
                    .contains("\"processor\"").contains("\"datadog-forwarder\"").contains("\"control-plane\"");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void restartOnTheSameDataDirectoryKeepsTopics() {
        ConfigSource config = ConfigSource.of(Map.of(
                "data-dir", dataDir.toString(), "kafka.embedded.port", "0", "ops.port", "-1", "control-plane.port", "0"), Map.of());
        PrintWriter quiet = new PrintWriter(new StringWriter());
        try (Pipeline first = Pipeline.start(config, CoreSettings.from(config), quiet)) {
            assertThat(first.bootstrapServers()).startsWith("127.0.0.1:");
        }

        StringWriter printed = new StringWriter();
        try (Pipeline second = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true))) {
            assertThat(printed.toString()).contains("Topics ready: 13");
        }
    }
}
