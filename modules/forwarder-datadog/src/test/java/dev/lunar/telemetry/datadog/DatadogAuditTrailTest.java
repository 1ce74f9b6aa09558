package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lunar.telemetry.consumer.audit.AuditChain;
import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.consumer.audit.AuditVerifier;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.AuditRecord;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * P7 in live mode, end to end: enriched records on a real broker, the Datadog forwarder sending to the loopback intake
 * (which answers 503 to its first request), and the audit topic. Every request the intake accepted is in the audit
 * trail byte for byte, nothing it refused is, and the chain verifies.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DatadogAuditTrailTest {

    private static final String KEY = "dd-primary-key-0123456789abcdef";
    private static final AvroCodec<EnrichedLog> LOGS = AvroCodec.of(EnrichedLog.class);
    private static final AvroCodec<EnrichedResourceUsage> RESOURCES = AvroCodec.of(EnrichedResourceUsage.class);
    private static final AvroCodec<AuditRecord> AUDIT = AvroCodec.of(AuditRecord.class);

    @TempDir
    Path dataDir;

    @Test
    void everyAcceptedRequestIsInTheAuditTrailByteForByteAndTheChainVerifies(KafkaBroker kafka) {
        String logs = kafka.uniqueTopic("telemetry.logs");
        String resources = kafka.uniqueTopic("telemetry.resources");
        String other = kafka.uniqueTopic("telemetry.other");
        String tenants = kafka.uniqueTopic("tenants");
        String dlq = kafka.uniqueTopic("dlq");
        String audit = kafka.uniqueTopic("telemetry.audit");
        kafka.createTopics(TopicSpec.topic(logs, 3), TopicSpec.topic(resources, 1), TopicSpec.topic(other, 1),
                TopicSpec.compactedTopic(tenants, 1), TopicSpec.topic(dlq, 1),
                new TopicSpec(audit, 1, false, AuditSettings.defaults().topicConfigs()));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        IntStream.range(0, 300).forEach(i -> records.add(new ProducerRecord<>(logs, bytes("proxy-" + (i % 3)),
                LOGS.encode(Samples.log("log-" + i, i % 3 == 0 ? "globex" : "acme", "message " + i)))));
        IntStream.range(0, 10).forEach(i -> records.add(new ProducerRecord<>(resources, bytes("proxy-acme"),
                RESOURCES.encode(Samples.resources("res-" + i, "acme", Instant.now())))));
        TopicClients.produce(kafka.bootstrapServers(), records);

        try (FakeDatadogIntake intake = new FakeDatadogIntake(KEY)) {
            intake.script(LoopbackDatadogIntake.Reply.status(503));
            DatadogSettings settings = DatadogSettings.builder()
                    .baseUrl(intake.baseUrl()).apiKey(KEY).dataDir(dataDir)
                    .groupId(kafka.uniqueTopic("datadog-forwarder"))
                    .topic(EventKind.LOGS, logs).topic(EventKind.RESOURCES, resources)
                    .topic(EventKind.HEARTBEATS, other).topic(EventKind.POLICIES, other)
                    .tenantsTopic(tenants).deadLetterTopic(dlq)
                    .batch(100, Duration.ofMillis(100))
                    .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                    .audit(AuditSettings.defaults().withTopic(audit))
                    .build();
            String chain;
            try (DatadogForwarder forwarder = DatadogForwarder.start(settings,
                    KafkaClientSettings.of(kafka.bootstrapServers()), new SimpleMeterRegistry())) {
                chain = forwarder.auditChainId();
                await().atMost(Duration.ofSeconds(120)).until(() -> intake.acceptedLogEntries().size() >= 300
                        && intake.acceptedSeries().size() >= 10 * 6);
            }
            List<FakeDatadogIntake.Received> accepted = intake.requests().stream()
                    .filter(FakeDatadogIntake.Received::accepted).toList();
            assertThat(intake.requests()).as("the first request was refused with 503").hasSizeGreaterThan(accepted.size());
            assertThat(intake.violations()).isEmpty();

            List<ConsumerRecord<byte[], byte[]>> read = TopicClients.readAll(kafka.bootstrapServers(), audit,
                    accepted.size());
            List<AuditRecord> trail = read.stream().map(r -> AUDIT.decode(r.value())).toList();
            assertThat(trail).as("one audit record per accepted request, none for the refused one")
                    .hasSize(accepted.size());
            Map<String, AuditRecord> byBodyHash = new HashMap<>();
            trail.forEach(r -> byBodyHash.put(r.getBodySha256(), r));
            for (FakeDatadogIntake.Received request : accepted) {
                byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
                AuditRecord record = byBodyHash.get(AuditChain.sha256Hex(body));
                assertThat(record).as("audit record of the accepted request %s", request.path()).isNotNull();
                assertThat(AuditChain.body(record)).isEqualTo(body);
                assertThat(record.getDestination()).isEqualTo(request.path().equals(FakeDatadogIntake.LOGS_PATH)
                        ? "datadog-logs" : "datadog-metrics");
                assertThat(record.getDestinationHost()).isEqualTo(java.net.URI.create(intake.baseUrl()).getAuthority());
                assertThat(record.getEntryCount()).isEqualTo(record.getEntryTenants().size())
                        .isEqualTo(request.json().isArray() ? request.json().size() : request.json().get("series").size());
                if (request.json().isArray()) {
                    List<String> tenantOfEntry = new ArrayList<>();
                    for (JsonNode entry : request.json()) {
                        tenantOfEntry.add(entry.get("tenant").get("id").asText());
                    }
                    assertThat(record.getEntryTenants()).isEqualTo(tenantOfEntry);
                }
            }
            assertThat(trail).extracting(AuditRecord::getChainId).containsOnly(chain);

            AuditVerifier verifier = new AuditVerifier();
            for (int i = 0; i < read.size(); i++) {
                ConsumerRecord<byte[], byte[]> r = read.get(i);
                verifier.accept(new AuditVerifier.Position(r.partition(), r.offset()),
                        new String(r.key(), StandardCharsets.UTF_8), trail.get(i), null);
            }
            assertThat(verifier.ok()).isTrue();
            assertThat(verifier.reports()).singleElement().satisfies(c -> {
                assertThat(c.firstSequence()).isZero();
                assertThat(c.lastSequence()).isEqualTo(accepted.size() - 1);
            });
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
