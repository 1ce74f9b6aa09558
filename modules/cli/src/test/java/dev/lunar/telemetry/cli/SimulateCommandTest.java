package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * {@code simulate} against a broker of its own: the command writes to the pipeline's real topic names, which other
 * tests of this module read from the beginning on the shared test broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateCommandTest {

    private EmbeddedKafkaBroker broker;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    void startBroker() {
        broker = EmbeddedKafkaBroker.builder().port(0).build().start();
    }

    @AfterAll
    void stopBroker() {
        broker.close();
    }

    private int simulate(String... args) {
        CommandLine cli = LunarTelemetry.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("simulate", "--bootstrap-servers", broker.bootstrapServers()));
        all.addAll(Arrays.asList(args));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void runsForItsDurationThenExitsZeroWithASummary() {
        int exit = simulate("--proxies", "4", "--tenants", "3", "--rate", "200/s", "--duration", "2s", "--seed", "7");

        assertThat(exit).as("stderr: %s", err).isZero();
        assertThat(out.toString())
                .contains("(" + Topics.all().size() + " pipeline topics ready)")
                .contains("Wrote 3 tenants to tenants.v1: 1 open-source, 1 control-plane, 1 sandbox")
                .contains("Simulating 4 proxies at 200 events/s for 2s (seed 7); 42 planted secrets.");
        Matcher summary = Pattern.compile("Done\\. Sent ([\\d,]+) events in ([\\d.]+) s \\(.*\\): logs [\\d,]+, "
                + "resources [\\d,]+, heartbeats [\\d,]+, policies [\\d,]+, endpoints [\\d,]+; ([\\d,]+) acknowledged,"
                + " 0 failed\\.").matcher(out.toString());
        assertThat(summary.find()).as("summary line in:%n%s", out).isTrue();
        long sent = Long.parseLong(summary.group(1).replace(",", ""));
        // how many fit in 2 s depends on the machine's load; what it sent, acknowledged and the topics hold must agree
        assertThat(sent).isPositive();
        assertThat(Double.parseDouble(summary.group(2))).as("it ran for its whole duration").isGreaterThanOrEqualTo(2.0);
        assertThat(summary.group(3)).isEqualTo(summary.group(1));
        assertThat(recordsIn(Arrays.stream(EventKind.values()).map(EventKind::rawTopic).toList())).isEqualTo(sent);
        assertThat(recordsIn(List.of(Topics.TENANTS))).isEqualTo(3);
    }

    @Test
    void refusesMoreTenantsThanProxiesInOneSentence() {
        assertThat(simulate("--proxies", "2", "--tenants", "5", "--duration", "1s")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Error: tenants is 5 for 2 proxies").doesNotContain("Exception");
    }

    @Test
    void refusesADurationItCannotRead() {
        assertThat(simulate("--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration; write e.g. 500ms, 30s, 5m or 1h");
    }

    private long recordsIn(List<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                    .mapToLong(Long::longValue).sum();
        }
    }
}
