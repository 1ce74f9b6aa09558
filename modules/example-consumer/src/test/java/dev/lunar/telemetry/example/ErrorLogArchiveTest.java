package dev.lunar.telemetry.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The onboarding example, run against a real broker exactly as a platform team would run it. */
@ExtendWith(KafkaBrokerExtension.class)
class ErrorLogArchiveTest {
    private static final AvroCodec<EnrichedLog> LOGS = AvroCodec.of(EnrichedLog.class);

    @TempDir
    Path directory;

    @Test
    void archivesWarningsAndErrorsPerTenantAndCommitsWhatItWrote(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopic("telemetry.logs");
        String group = kafka.uniqueTopic("archive");
        kafka.createTopics(TopicSpec.topic(topic, 3));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            String[] levels = {"INFO", "WARN", "ERROR", "DEBUG"};
            for (int i = 0; i < 40; i++) {
                String tenant = i % 2 == 0 ? "acme" : "globex";
                producer.send(new ProducerRecord<>(topic, ("proxy-" + i % 5).getBytes(),
                        LOGS.encode(log("e" + i, tenant, levels[i % 4]))));
            }
        }

        try (ErrorLogArchive archive = ErrorLogArchive.start(kafka.bootstrapServers(), directory, topic, group)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(lines(archive.fileOf("acme"))).hasSize(10);
                assertThat(lines(archive.fileOf("globex"))).hasSize(10);
            });
            assertThat(lines(archive.fileOf("acme"))).allSatisfy(l -> assertThat(l).contains("\"level\":\"ERROR\""));
            assertThat(lines(archive.fileOf("globex"))).allSatisfy(l -> assertThat(l).contains("\"level\":\"WARN\""));
        }

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
                    .stream().mapToLong(o -> o.offset()).sum();
            assertThat(committed).isEqualTo(40);
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static EnrichedLog log(String eventId, String tenant, String level) {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        return EnrichedLog.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId(eventId).setTenantId(tenant).setProxyId("proxy-1")
                        .setProxyVersion("1.4.2").setProducedAt(now).build())
                .setTenant(TenantInfo.newBuilder().setId(tenant).setName(tenant.toUpperCase()).setPlan(
                        TenantPlan.CONTROL_PLANE).setKnown(true).build())
                .setProcessedAt(now).setTimestamp(now).setLevel(level).setLogger("engine")
                .setMessage("upstream answered 503").build();
    }
}
