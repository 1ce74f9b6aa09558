package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(KafkaBrokerExtension.class)
class ConsumersResetTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private final KafkaBroker broker;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private String topic;
    private String group;

    ConsumersResetTest(KafkaBroker broker) {
        this.broker = broker;
    }

    /** Ten records one minute apart on one partition, all consumed and committed by the group. */
    @BeforeEach
    void groupHasConsumedTenRecords() {
        topic = broker.uniqueTopic("reset");
        group = broker.uniqueTopic("group");
        broker.createTopics(TopicSpec.topic(topic, 1));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, T0.plusSeconds(60L * i).toEpochMilli(), "k", "v" + i));
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            int seen = 0;
            while (seen < 10) {
                seen += consumer.poll(Duration.ofMillis(500)).count();
            }
            consumer.commitSync();
        }
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
    }

    private int reset(String... where) {
        CommandLine cli = LunarTelemetry.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] args = new String[6 + where.length];
        System.arraycopy(new String[] {"consumers", "reset", "--bootstrap-servers", broker.bootstrapServers(),
                "--group", group}, 0, args, 0, 6);
        System.arraycopy(where, 0, args, 6, where.length);
        return cli.execute(args);
    }

    private long committed() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0)).offset();
        }
    }

    @Test
    void toEarliestRewindsToTheFirstRecord() throws Exception {
        assertThat(reset("--to-earliest")).isZero();

        assertThat(committed()).isZero();
        assertThat(out.toString()).contains(topic).containsPattern("10\\s+0");
    }

    @Test
    void dryRunPrintsTheMoveAndCommitsNothing() throws Exception {
        assertThat(reset("--to-earliest", "--dry-run")).isZero();

        assertThat(committed()).isEqualTo(10);
        assertThat(out.toString()).contains("Dry run: nothing committed.");
    }

    @Test
    void shiftByMovesRelativeAndStaysInRange() throws Exception {
        assertThat(reset("--shift-by", "-3")).isZero();
        assertThat(committed()).isEqualTo(7);

        assertThat(reset("--shift-by", "-100")).isZero();
        assertThat(committed()).isZero();
    }

    @Test
    void toDatetimeFindsTheFirstRecordAtOrAfterIt() throws Exception {
        assertThat(reset("--to-datetime", T0.plusSeconds(60L * 4 - 1).toString())).isZero();

        assertThat(committed()).isEqualTo(4);
    }

    @Test
    void refusesWhileAConsumerOfTheGroupIsRunning() throws Exception {
        try (KafkaConsumer<String, String> running = consumer()) {
            running.subscribe(List.of(topic));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        running.poll(Duration.ofMillis(100));
                        return !running.assignment().isEmpty();
                    });

            assertThat(reset("--to-earliest")).isEqualTo(1);
        }
        assertThat(err.toString()).contains("Refused: consumer group " + group + " is active");
        assertThat(committed()).isEqualTo(10);
    }

    @Test
    void badTimeIsAUsageError() {
        assertThat(reset("--to-datetime", "yesterday")).isEqualTo(2);
        assertThat(err.toString()).contains("not an ISO-8601 time");
    }
}
