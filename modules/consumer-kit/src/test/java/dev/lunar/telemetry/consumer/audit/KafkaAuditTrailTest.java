package dev.lunar.telemetry.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.AuditRecord;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The trail on a real broker: it creates its topic, writes one chain under one key, and a failed write fails. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaAuditTrailTest {

    private static AuditEntry entry(int i) {
        return new AuditEntry(AuditEntry.CONTROL_PLANE, "127.0.0.1:8480", List.of("acme"),
                ("{\"window\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesAChainThatVerifiesUnderOneKeyAndCreatesItsTopicWithTheRetention(KafkaBroker kafka) throws Exception {
        AuditSettings settings = AuditSettings.defaults().withTopic(kafka.uniqueTopic("audit"));
        try (AuditTrail trail = AuditTrail.kafka(KafkaClientSettings.of(kafka.bootstrapServers()), settings, "test")) {
            for (int i = 0; i < 5; i++) {
                AuditRecord r = trail.record(entry(i)).block(Duration.ofSeconds(30));
                assertThat(r.getSequence()).isEqualTo(i);
                assertThat(r.getChainId()).isEqualTo(trail.chainId()).startsWith("test-");
            }
        }
        List<ConsumerRecord<byte[], byte[]>> read = TopicClients.readAll(kafka.bootstrapServers(), settings.topic(), 5);
        AuditVerifier v = new AuditVerifier();
        AvroCodec<AuditRecord> codec = AvroCodec.of(AuditRecord.class);
        StringDeserializer keys = new StringDeserializer();
        for (ConsumerRecord<byte[], byte[]> r : read) {
            v.accept(new AuditVerifier.Position(r.partition(), r.offset()), keys.deserialize(r.topic(), r.key()),
                    codec.decode(r.value()), null);
        }
        assertThat(v.ok()).isTrue();
        assertThat(v.reports()).singleElement().extracting(AuditVerifier.ChainReport::records).isEqualTo(5L);
        assertThat(read).extracting(ConsumerRecord::partition).containsOnly(read.get(0).partition());
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                kafka.bootstrapServers()))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, settings.topic());
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
        }
    }

    @Test
    void aWriteThatKafkaDoesNotAcknowledgeFails(KafkaBroker kafka) {
        // a record larger than the topic accepts is refused by the broker: the write must fail, not pass silently
        String topic = kafka.uniqueTopic("audit-small");
        kafka.createTopics(new dev.lunar.telemetry.kafka.embedded.TopicSpec(topic, 1, false,
                Map.of("max.message.bytes", "2000")));
        AuditSettings settings = new AuditSettings(topic, Duration.ofDays(1), Duration.ofSeconds(10));
        try (AuditTrail trail = AuditTrail.kafka(KafkaClientSettings.of(kafka.bootstrapServers()), settings, "t")) {
            byte[] big = new byte[200_000];
            new java.util.Random(1).nextBytes(big);
            assertThatThrownBy(() -> trail.record(new AuditEntry(AuditEntry.DATADOG_LOGS, "h", List.of("a"), big))
                    .block(Duration.ofSeconds(30))).isNotNull();
            // the chain did not advance past the failed write: a later write takes its place
            AuditRecord next = trail.record(entry(1)).block(Duration.ofSeconds(30));
            assertThat(next.getSequence()).isZero();
        }
    }
}
