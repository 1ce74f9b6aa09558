package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lunar-telemetry run --brokers 3}, launched as a user would (its own JVM, configured by environment): three
 * broker processes in the metadata (what {@code kcat -L} lists), every pipeline topic replicated 3 with
 * {@code min.insync.replicas=2}, and SIGTERM stops the brokers with the pipeline.
 */
class RunWithThreeBrokersTest {

    private static final Pattern LISTENING = Pattern.compile("Kafka \\(3 local broker processes.*listening on (\\S+),");

    @Test
    void runWithThreeBrokersStartsAReplicatedClusterAndStopsIt(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("run.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LunarTelemetry.class.getName(), "run", "--brokers", "3", "--data-dir", dir.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LUNAR_") || k.startsWith("DD_"));
        builder.environment().putAll(Map.of("LUNAR_KAFKA_EMBEDDED_PORT", "0", "LUNAR_OPS_PORT", "-1",
                "LUNAR_CONTROL_PLANE_PORT", "0"));
        Process run = builder.start();
        try {
            await("run --brokers 3 to be running").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        assertThat(run.isAlive()).as("run exited early:\n%s", output(log)).isTrue();
                        return output(log).contains("lunar-telemetry is running.");
                    });
            Matcher listening = LISTENING.matcher(output(log));
            assertThat(listening.find()).as(output(log)).isTrue();
            String bootstrap = listening.group(1);
            List<ProcessHandle> brokers = run.descendants().toList();
            assertThat(brokers).hasSize(3);

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id)
                        .containsExactlyInAnyOrder(1, 2, 3);
                List<String> names = Topics.all().stream().map(t -> t.name()).toList();
                Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(30,
                        TimeUnit.SECONDS);
                assertThat(topics).hasSize(names.size());
                assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3)));
                ConfigResource logs = new ConfigResource(ConfigResource.Type.TOPIC, Topics.all().get(0).name());
                Config config = admin.describeConfigs(List.of(logs)).all().get(30, TimeUnit.SECONDS).get(logs);
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
            }

            run.destroy(); // SIGTERM, as Ctrl-C
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as(output(log)).isTrue();
            await("the broker processes to exit").atMost(Duration.ofMinutes(1))
                    .until(() -> brokers.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
    }

    private static String output(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
