package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tenants} and {@code replay} against a real broker holding the pipeline's own topic names. */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorToolsTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private KafkaBroker broker;
    private StringWriter out;
    private StringWriter err;

    @BeforeAll
    void pipelineTopics(KafkaBroker broker) {
        this.broker = broker;
        broker.createTopics(Topics.all().stream()
                .map(t -> new TopicSpec(t.name(), 2, t.compacted(), Map.of())).toList());
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = LunarTelemetry.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(broker.bootstrapServers());
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void tenantsPutFromYamlHashesKeysAndGetListDeleteWork(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("tenants.yaml");
        Files.writeString(yaml, """
                tenants:
                  - id: acme
                    name: Acme Corp
                    plan: control-plane
                    apiKeys: ["lk_live_plainKeyNeverStored"]
                  - id: hobby
                    name: Hobbyist
                    plan: sandbox
                    githubUsername: octocat
                """);

        assertThat(run("tenants", "put", "--file", yaml.toString())).isZero();
        assertThat(out.toString()).contains("put acme (CONTROL_PLANE)").contains("put hobby (SANDBOX)");

        assertThat(run("tenants", "get", "acme")).isZero();
        assertThat(out.toString()).contains("Acme Corp").contains("apiKeySha256")
                .doesNotContain("lk_live_plainKeyNeverStored");

        assertThat(run("tenants", "list")).isZero();
        assertThat(out.toString()).contains("id: acme").contains("id: hobby");

        assertThat(run("tenants", "put", "--id", "temp", "--name", "Temp", "--plan", "open-source")).isZero();
        assertThat(run("tenants", "delete", "temp")).isZero();
        assertThat(run("tenants", "get", "temp")).isEqualTo(1);
        assertThat(err.toString()).contains("No tenant temp");
    }

    @Test
    @Order(2)
    void tenantsPutRefusesABadPlanNamingTheField() {
        assertThat(run("tenants", "put", "--id", "x", "--name", "X", "--plan", "gold")).isEqualTo(1);
        assertThat(err.toString()).startsWith("Error: ").contains("plan").contains("gold");
    }

    @Test
    @Order(3)
    void replayPrintsRawRecordsScrubbedUnlessRawIsAskedFor() {
        produce(EventKind.LOGS.rawTopic(), "proxy-e2e", RawEvents.encode(
                RawEvents.oneOfEach("acme", T0).get(EventKind.LOGS)), T0);
        produce(EventKind.LOGS.rawTopic(), "proxy-other", RawEvents.encode(
                RawEvents.oneOfEach("hobby", T0).get(EventKind.LOGS)), T0.plusSeconds(60));

        assertThat(run("replay", "--topic", "proxy.logs.v1", "--from", "beginning", "--print")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).contains("as the processor would write it"));
        RawEvents.CANARIES.forEach(c -> assertThat(out.toString()).doesNotContain(c));
        assertThat(err.toString()).doesNotContain("WARNING");

        assertThat(run("replay", "--topic", "proxy.logs.v1", "--from", "beginning", "--print", "--raw")).isZero();
        assertThat(out.toString()).contains("canaryBearerToken0123456789");
        assertThat(err.toString()).contains("WARNING: --raw prints records as proxies sent them");
    }

    @Test
    @Order(4)
    void replayFiltersByProxyTenantAndTime() {
        assertThat(run("replay", "--topic", "proxy.logs.v1", "--from", "beginning", "--print",
                "--proxy", "proxy-other")).isZero();
        assertThat(out.toString().lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"hobby\""));

        assertThat(run("replay", "--topic", "proxy.logs.v1", "--from", "beginning", "--print",
                "--tenant", "acme")).isZero();
        assertThat(out.toString().lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("proxy-e2e"));

        assertThat(run("replay", "--topic", "proxy.logs.v1", "--from", T0.plusSeconds(30).toString(),
                "--print")).isZero();
        assertThat(out.toString().lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("proxy-other"));
        assertThat(err.toString()).contains("1 record(s) printed");
    }

    @Test
    @Order(5)
    void replayRepublishesOriginalBytesWithAReplayHeader() {
        String target = broker.uniqueTopic("debug-copy");
        broker.createTopics(TopicSpec.topic(target, 1));

        assertThat(run("replay", "--topic", "proxy.logs.v1", "--from", "beginning", "--to-topic", target,
                "--proxy", "proxy-e2e")).isZero();

        List<ConsumerRecord<byte[], byte[]>> copies = readAll(target);
        assertThat(copies).hasSize(1);
        assertThat(new String(copies.get(0).headers().lastHeader("lunar.replay").value(), StandardCharsets.UTF_8))
                .startsWith("proxy.logs.v1/");
        assertThat(copies.get(0).value()).isEqualTo(RawEvents.encode(
                RawEvents.oneOfEach("acme", T0).get(EventKind.LOGS)));
    }

    @Test
    @Order(6)
    void replayRejectsAPositionItCannotRead() {
        assertThat(run("replay", "--topic", "proxy.logs.v1", "--from", "last tuesday", "--print")).isEqualTo(2);
        assertThat(err.toString()).contains("neither an offset");
    }

    private void produce(String topic, String key, byte[] value, Instant at) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, at.toEpochMilli(), key.getBytes(), value));
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }
}
