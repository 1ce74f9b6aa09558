package dev.lunar.telemetry.consumer.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.consumer.BatchResult;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.consumer.TelemetryConsumer;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * The consumer-kit example of the README, written only against the kit's public API (this package is not the
 * kit's), run against a real broker. A platform team's "audit store" that is down on its first call.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReadmeExampleTest {

    /** Stand-in for a team's destination: the first call fails with a retriable error. */
    static final class AuditStore {
        final List<String> saved = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        Mono<Void> save(List<EnrichedLog> logs) {
            if (calls.incrementAndGet() == 1) {
                return Mono.error(new IllegalStateException("audit store unavailable"));
            }
            logs.forEach(l -> saved.add(l.getHeader().getEventId()));
            return Mono.empty();
        }
    }

    // --- README example: begin ---
    static TelemetryConsumer<EnrichedLog> startAuditConsumer(String bootstrapServers, String topic, AuditStore store) {
        return TelemetryConsumer.builder("audit-logs", EnrichedLog.class)
                .kafka(KafkaClientSettings.of(bootstrapServers))
                .groupId("audit-forwarder")
                .topic(topic, EnrichedLog.class)          // or .enrichedKinds(EventKind.LOGS)
                .batching(200, 1_000_000, Duration.ofMillis(200))
                .handler(batch -> store.save(batch)
                        .thenReturn(BatchResult.accepted())
                        .onErrorResume(e -> Mono.just(BatchResult.retry(e.getMessage()))))
                .start();
    }
    // --- README example: end ---

    @Test
    void aConsumerWrittenOnlyAgainstThePublicApiReceivesEveryRecord(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopic("telemetry.logs");
        kafka.createTopics(TopicSpec.topic(topic, 2));
        AvroCodec<EnrichedLog> codec = AvroCodec.of(EnrichedLog.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(topic, ("proxy-" + i % 4).getBytes(), codec.encode(log(i)))).get();
            }
        }
        AuditStore store = new AuditStore();

        try (TelemetryConsumer<EnrichedLog> consumer = startAuditConsumer(kafka.bootstrapServers(), topic, store)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> store.saved.size() >= 40);
            assertThat(consumer.health().isHealthy()).isTrue();
        }
        assertThat(store.saved).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 40).mapToObj(i -> "e-" + i).toList());
        assertThat(store.calls.get()).isGreaterThan(1);
    }

    private static EnrichedLog log(int i) {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        return EnrichedLog.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId("e-" + i).setTenantId("acme").setProxyId("proxy-" + i % 4)
                        .setProxyVersion("1.4.2").setProducedAt(now).build())
                .setTenant(TenantInfo.newBuilder().setId("acme").setName("Acme").setPlan(TenantPlan.CONTROL_PLANE)
                        .setKnown(true).build())
                .setProcessedAt(now).setTimestamp(now).setLevel("INFO").setLogger("engine").setMessage("line " + i)
                .build();
    }
}
