package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.cli.LunarTelemetry;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.consumer.audit.AuditChain;
import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.controlplane.ControlPlaneServer;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarder;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.AuditRecord;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lunar-telemetry audit verify} on a chain written through the real forwarders: the Datadog forwarder live
 * against the loopback intake, the control-plane forwarder against the real control plane, both writing to one audit
 * topic on a real broker. The trail verifies; a copy with one record removed reports the gap, a copy with one body
 * altered reports that record. (In this package to reach the intake fixture of forwarder-datadog's tests.)
 */
@ExtendWith(KafkaBrokerExtension.class)
class AuditVerifyCommandTest {

    private static final String KEY = "dd-primary-key-0123456789abcdef";
    private static final String TENANT = "acme-cp";
    private static final String TOKEN = "acme-cp-token-0123456789abcdef";
    private static final AvroCodec<AuditRecord> AUDIT = AvroCodec.of(AuditRecord.class);

    @TempDir
    Path dataDir;

    private record Run(int exitCode, String out) {}

    private static Run verify(KafkaBroker kafka, String topic) {
        StringWriter out = new StringWriter();
        CommandLine cli = LunarTelemetry.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute("audit", "verify", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--from", "beginning", "--to", "end");
        return new Run(code, out.toString());
    }

    @Test
    void aTrailWrittenByBothForwardersVerifiesAndAGapOrAnAlteredBodyIsReported(KafkaBroker kafka) {
        String logs = kafka.uniqueTopic("telemetry.logs");
        String resources = kafka.uniqueTopic("telemetry.resources");
        String other = kafka.uniqueTopic("telemetry.other");
        String endpoints = kafka.uniqueTopic("telemetry.endpoints");
        String tenants = kafka.uniqueTopic("tenants");
        String dlq = kafka.uniqueTopic("dlq");
        String audit = kafka.uniqueTopic("telemetry.audit");
        kafka.createTopics(TopicSpec.topic(logs, 2), TopicSpec.topic(resources, 1), TopicSpec.topic(other, 1),
                TopicSpec.topic(endpoints, 2), TopicSpec.compactedTopic(tenants, 1), TopicSpec.topic(dlq, 1),
                new TopicSpec(audit, 2, false, AuditSettings.defaults().topicConfigs()));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        AvroCodec<EnrichedLog> logCodec = AvroCodec.of(EnrichedLog.class);
        AvroCodec<EnrichedResourceUsage> resourceCodec = AvroCodec.of(EnrichedResourceUsage.class);
        AvroCodec<EnrichedEndpointStats> endpointCodec = AvroCodec.of(EnrichedEndpointStats.class);
        IntStream.range(0, 120).forEach(i -> records.add(new ProducerRecord<>(logs, bytes("proxy-" + (i % 2)),
                logCodec.encode(Samples.log("log-" + i, "acme", "message " + i)))));
        IntStream.range(0, 5).forEach(i -> records.add(new ProducerRecord<>(resources, bytes("proxy-acme"),
                resourceCodec.encode(Samples.resources("res-" + i, "acme", Instant.now())))));
        Instant windowStart = Instant.now().minusSeconds(30);
        IntStream.range(0, 4).forEach(i -> records.add(new ProducerRecord<>(endpoints, bytes("proxy-cp-" + i),
                endpointCodec.encode(endpointStats("ep-" + i, "proxy-cp-" + i, windowStart)))));
        TopicClients.produce(kafka.bootstrapServers(), records);
        AuditSettings auditSettings = AuditSettings.defaults().withTopic(audit);
        KafkaClientSettings client = KafkaClientSettings.of(kafka.bootstrapServers());

        try (FakeDatadogIntake intake = new FakeDatadogIntake(KEY);
             ControlPlaneServer cp = ControlPlaneServer.start(ControlPlaneSettings.builder().dataDir(dataDir).port(0)
                     .tenantToken(TENANT, TOKEN).build(), new SimpleMeterRegistry())) {
            DatadogSettings datadog = DatadogSettings.builder()
                    .baseUrl(intake.baseUrl()).apiKey(KEY).dataDir(dataDir)
                    .groupId(kafka.uniqueTopic("datadog-forwarder"))
                    .topic(EventKind.LOGS, logs).topic(EventKind.RESOURCES, resources)
                    .topic(EventKind.HEARTBEATS, other).topic(EventKind.POLICIES, other)
                    .tenantsTopic(tenants).deadLetterTopic(dlq)
                    .batch(25, Duration.ofMillis(100))
                    .audit(auditSettings).build();
            ControlPlaneForwarderSettings controlPlane = ControlPlaneForwarderSettings.builder()
                    .controlPlaneUrl(cp.url()).tenantTokens(Map.of(TENANT, TOKEN))
                    .window(Duration.ofSeconds(2)).allowedLateness(Duration.ofSeconds(1))
                    .correctionHorizon(Duration.ofSeconds(2)).idleTick(Duration.ofMillis(200))
                    .topic(endpoints).groupId(kafka.uniqueTopic("control-plane-forwarder")).deadLetterTopic(dlq)
                    .batching(100, Duration.ofMillis(200))
                    .audit(auditSettings).build();
            try (DatadogForwarder toDatadog = DatadogForwarder.start(datadog, client, new SimpleMeterRegistry());
                 ControlPlaneForwarder toControlPlane = ControlPlaneForwarder.start(controlPlane, client,
                         new SimpleMeterRegistry())) {
                await().atMost(Duration.ofSeconds(120)).until(() -> intake.acceptedLogEntries().size() >= 120
                        && intake.acceptedSeries().size() >= 5 * 6
                        && toControlPlane.healthDetail().matches("(?s).*windows accepted [1-9].*"));
            }
        }

        Run intact = verify(kafka, audit);
        assertThat(intact.exitCode()).as(intact.out()).isZero();
        assertThat(intact.out()).contains("OK     datadog-forwarder-").contains("OK     control-plane-forwarder-")
                .contains("Result: every chain verifies");

        // copies of the trail, same keys and partitions: one without a record, one with a body altered
        List<ConsumerRecord<byte[], byte[]>> trail = TopicClients.readAll(kafka.bootstrapServers(), audit,
                (int) TopicClients.endOffsets(kafka.bootstrapServers(), audit).values().stream()
                        .mapToLong(Long::longValue).sum());
        List<ConsumerRecord<byte[], byte[]>> datadogChain = trail.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("datadog-forwarder-"))
                .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset)).toList();
        assertThat(datadogChain).hasSizeGreaterThanOrEqualTo(4);
        long removed = AUDIT.decode(datadogChain.get(2).value()).getSequence();

        String gap = kafka.uniqueTopic("audit-gap");
        String altered = kafka.uniqueTopic("audit-altered");
        kafka.createTopics(TopicSpec.topic(gap, 2), TopicSpec.topic(altered, 2));
        List<ProducerRecord<byte[], byte[]>> gapCopy = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> alteredCopy = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : trail) {
            if (r != datadogChain.get(2)) {
                gapCopy.add(new ProducerRecord<>(gap, r.partition(), r.key(), r.value()));
            }
            byte[] value = r.value();
            if (r == datadogChain.get(1)) {
                AuditRecord tampered = AUDIT.decode(value);
                String body = new String(AuditChain.body(tampered), StandardCharsets.UTF_8);
                tampered.setBody(ByteBuffer.wrap((body + " ").getBytes(StandardCharsets.UTF_8)));
                value = AUDIT.encode(tampered);
            }
            alteredCopy.add(new ProducerRecord<>(altered, r.partition(), r.key(), value));
        }
        TopicClients.produce(kafka.bootstrapServers(), gapCopy);
        TopicClients.produce(kafka.bootstrapServers(), alteredCopy);

        Run withGap = verify(kafka, gap);
        assertThat(withGap.exitCode()).as(withGap.out()).isEqualTo(1);
        assertThat(withGap.out()).contains("BREAK  datadog-forwarder-")
                .contains("missing record(s): between sequence " + (removed - 1) + " and " + (removed + 1))
                .contains("OK     control-plane-forwarder-").contains("Result: 1 of 2 chain(s) broken");

        long alteredSequence = AUDIT.decode(datadogChain.get(1).value()).getSequence();
        Run withAlteredBody = verify(kafka, altered);
        assertThat(withAlteredBody.exitCode()).as(withAlteredBody.out()).isEqualTo(1);
        assertThat(withAlteredBody.out()).contains("at sequence " + alteredSequence + " (")
                .contains("altered body: the body's SHA-256 is");
    }

    private static EnrichedEndpointStats endpointStats(String eventId, String proxy, Instant windowStart) {
        return EnrichedEndpointStats.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId(eventId).setTenantId(TENANT).setProxyId(proxy)
                        .setProxyVersion("1.4.2").setProducedAt(windowStart.plusSeconds(10)).build())
                .setTenant(TenantInfo.newBuilder().setId(TENANT).setName("Acme CP").setPlan(TenantPlan.CONTROL_PLANE)
                        .setKnown(true).build())
                .setProcessedAt(windowStart.plusSeconds(11))
                .setWindowStart(windowStart)
                .setWindowEnd(windowStart.plusSeconds(10))
                .setEndpoint(EndpointRef.newBuilder().setMethod("GET").setHost("api.stripe.com")
                        .setPathTemplate("/v1/customers/{id}").build())
                .setCount(10)
                .setStatusCodes(Map.of("200", 9L, "500", 1L))
                .setLatencySumMs(500)
                .setLatencyMinMs(0)
                .setLatencyMaxMs(90)
                .setTotalDurationSumMs(510)
                .setLatencyBuckets(List.of())
                .setLatencyOverflowCount(0)
                .build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
