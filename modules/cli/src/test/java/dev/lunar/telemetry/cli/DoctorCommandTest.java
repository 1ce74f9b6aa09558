package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.datadog.FakeDatadogIntake;
import dev.lunar.telemetry.events.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lunar-telemetry doctor} against a real deployment: the embedded broker with the pipeline's topics and all
 * four services running (so the three consumer groups have members), the real control plane with a tenant token,
 * and the loopback Datadog ({@link FakeDatadogIntake}) answering {@code /api/v1/validate} as Datadog documents it.
 * Every check passes; then one thing at a time is broken and exactly that line fails, with its fix, and exit code 1.
 */
class DoctorCommandTest {
    /** Kafka, one line per topic, the three consumer groups, Datadog, the control plane and its two tokens. */
    private static final int ALL_CHECKS = 1 + Topics.all().size() + 3 + 1 + 2;

    static final String DD_KEY = "doctor-test-datadog-key-0123";
    static final String ACME_TOKEN = "acme-doctor-token-0123456789";

    @TempDir
    static Path dir;
    static FakeDatadogIntake datadog;
    static Pipeline pipeline;
    static Path configFile;

    @BeforeAll
    static void startDeployment() throws Exception {
        datadog = new FakeDatadogIntake(DD_KEY);
        configFile = dir.resolve("lunar-telemetry.yaml");
        Files.writeString(configFile, """
                data-dir: %s
                kafka:
                  embedded:
                    port: 0
                ops:
                  port: -1
                datadog:
                  batch:
                    max-wait: 200ms
                control-plane:
                  port: 0
                  tenant-tokens:
                    acme: %s
                control-plane-forwarder:
                  tenant-tokens:
                    acme: %s
                """.formatted(dir.resolve("data"), ACME_TOKEN, ACME_TOKEN));
        ConfigSource config = ConfigSource.load(Optional.of(configFile), Map.of());
        pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(new StringWriter(), true));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                pipeline.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            RawEvents.oneOfEach("acme", Instant.now()).forEach((kind, event) -> producer.send(
                    new ProducerRecord<>(kind.rawTopic(), "proxy-doctor".getBytes(), RawEvents.encode(event))));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers()))) {
            List<String> groups = List.of("lunar-telemetry-processor", "datadog-forwarder", "control-plane-forwarder");
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(admin.describeConsumerGroups(groups)
                    .all().get().values()).allSatisfy(g -> assertThat(g.members()).isNotEmpty()));
        }
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (datadog != null) {
            datadog.close();
        }
    }

    record Run(int exitCode, List<String> lines) {
        String line(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n"
                            + String.join("\n", lines)));
        }
    }

    static Run doctor(Path config, Map<String, String> extraEnv) {
        return doctor(config, extraEnv, pipeline.bootstrapServers(), "15s");
    }

    static Run doctor(Path config, Map<String, String> extraEnv, String bootstrap, String timeout) {
        Map<String, String> env = new HashMap<>();
        env.put("LUNAR_DATADOG_BASE_URL", datadog.baseUrl());
        env.put("LUNAR_CONTROL_PLANE_FORWARDER_URL", pipeline.controlPlane().orElseThrow().url().toString());
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new DoctorCommand(env));
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("--config", config.toString(), "--bootstrap-servers", bootstrap, "--timeout", timeout);
        System.out.println("doctor " + extraEnv.keySet() + " -> exit " + code + "\n" + out); // for people reading the report
        return new Run(code, out.toString().lines().toList());
    }

    @Test
    void everyCheckPassesOnAHealthyDeployment() {
        int validateCallsBefore = datadog.validateCalls();

        Run run = doctor(configFile, Map.of("DD_API_KEY", DD_KEY));

        assertThat(run.exitCode()).as(String.join("\n", run.lines())).isZero();
        List<String> checks = run.lines().subList(0, run.lines().size() - 1);
        assertThat(checks).hasSize(ALL_CHECKS).allSatisfy(l -> assertThat(l).startsWith("OK    "));
        assertThat(run.line("OK    Kafka:")).contains("1 broker(s) reachable at " + pipeline.bootstrapServers());
        for (Topics.Definition topic : Topics.all()) {
            assertThat(run.line("OK    topic " + topic.name() + ":")).contains("6 partitions, replication 1,"
                    + " cleanup.policy=" + (topic.compacted() ? "compact" : "delete"));
        }
        for (String group : List.of("lunar-telemetry-processor", "datadog-forwarder", "control-plane-forwarder")) {
            assertThat(run.line("OK    consumer group " + group + ":")).containsPattern("[1-9]\\d* member\\(s\\), lag \\d+");
        }
        assertThat(run.line("OK    Datadog:")).contains("DD_API_KEY accepted by datadoghq.com")
                .contains(datadog.baseUrl() + "/api/v1/validate: 200").doesNotContain(DD_KEY);
        assertThat(run.line("OK    control plane http")).contains("reachable");
        assertThat(run.line("OK    control plane token of tenant acme")).endsWith("accepted").doesNotContain(ACME_TOKEN);
        assertThat(run.lines().get(run.lines().size() - 1)).isEqualTo(ALL_CHECKS + " check(s): " + ALL_CHECKS + " OK, 0 FAILED");
        assertThat(datadog.validateCalls()).isEqualTo(validateCallsBefore + 1);
        assertThat(datadog.violations()).isEmpty();
    }

    @Test
    void aRejectedDatadogKeyFailsThatLineWithTheFix() {
        Run run = doctor(configFile, Map.of("DD_API_KEY", "not-the-right-key-000"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line("FAIL  Datadog:")).contains("DD_API_KEY rejected by datadoghq.com")
                .contains("/api/v1/validate: 403").contains("— fix: set DD_API_KEY to an API key")
                .contains("datadog.site").doesNotContain("not-the-right-key-000");
        assertThat(run.lines()).filteredOn(l -> l.startsWith("FAIL")).hasSize(1);
        assertThat(run.lines().get(run.lines().size() - 1)).isEqualTo(ALL_CHECKS + " check(s): " + (ALL_CHECKS - 1) + " OK, 1 FAILED");
    }

    @Test
    void withoutAKeyTheDatadogLineSaysDryRun() {
        Run run = doctor(configFile, Map.of());

        assertThat(run.exitCode()).isZero();
        assertThat(run.line("OK    Datadog:")).contains("dry-run (no DD_API_KEY)");
    }

    @Test
    void topicsWithFewerPartitionsThanConfiguredFailWithTheCommandThatFixesThem() {
        Run run = doctor(configFile, Map.of("DD_API_KEY", DD_KEY, "LUNAR_KAFKA_PARTITIONS", "8"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line("FAIL  topic tenants.v1:")).contains("6 partitions, kafka.partitions says 8")
                .contains("— fix: kafka-topics.sh --bootstrap-server " + pipeline.bootstrapServers()
                        + " --alter --topic tenants.v1 --partitions 8");
        assertThat(run.lines()).filteredOn(l -> l.startsWith("FAIL")).hasSize(Topics.all().size());
    }

    @Test
    void aTenantTokenTheControlPlaneRefusesFailsThatLine() throws Exception {
        Path wrongToken = dir.resolve("wrong-token.yaml");
        Files.writeString(wrongToken, Files.readString(configFile).replaceFirst(
                "(control-plane-forwarder:\\n  tenant-tokens:\\n    acme: )\\S+", "$1acme-stale-token-00000000000"));

        Run run = doctor(wrongToken, Map.of("DD_API_KEY", DD_KEY));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line("FAIL  control plane token of tenant acme")).contains("refused (401)")
                .contains("— fix: give control-plane-forwarder.tenant-tokens.acme the same token as"
                        + " control-plane.tenant-tokens.acme");
        assertThat(run.lines()).filteredOn(l -> l.startsWith("FAIL")).hasSize(1);
    }

    /** No broker there: one FAIL line for Kafka (the topic and group checks need it), the other checks still run. */
    @Test
    void anUnreachableKafkaFailsOneLineAndTheRestIsStillChecked() {
        // The same generous timeout as the other runs: the HTTP checks share it, and this machine may be busy.
        Run run = doctor(configFile, Map.of("DD_API_KEY", DD_KEY), "127.0.0.1:1", "15s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line("FAIL  Kafka: no broker reachable at 127.0.0.1:1 within 15 s"))
                .contains("— fix: start Kafka");
        assertThat(run.lines()).noneMatch(l -> l.contains("topic ") || l.contains("consumer group "));
        assertThat(run.line("OK    Datadog:")).contains("accepted");
        assertThat(run.line("OK    control plane token of tenant acme")).endsWith("accepted");
        assertThat(run.lines().get(run.lines().size() - 1)).isEqualTo("4 check(s): 3 OK, 1 FAILED");
    }
}
