package dev.lunar.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.processor.privacy.LogLevel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * P1 and P4 through the real processor and broker, in both delivery modes: access-log lines of every plan and
 * DEBUG/TRACE lines are written nowhere — not to an enriched topic (read_committed), not to the DLQ — counted, and
 * their offsets committed like any other record's, so a restart reads nothing again.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DroppedRecordsTest {

    private static final AvroCodec<EnrichedLog> LOGS = AvroCodec.of(EnrichedLog.class);
    private static final List<String> TENANTS = List.of("t-open", "t-cp", "t-sandbox", "stranger");

    private static TelemetryProcessor startReady(ProcessorSettings settings, SimpleMeterRegistry registry) {
        TelemetryProcessor processor = TelemetryProcessor.start(settings, registry);
        processor.ready().orTimeout(30, TimeUnit.SECONDS).join();
        return processor;
    }

    private static Set<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> LOGS.decode(r.value()).getHeader().getEventId()).collect(Collectors.toSet());
    }

    private static double counter(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.counter(name, tags).count();
    }

    @ParameterizedTest
    @EnumSource(DeliveryGuarantee.class)
    void requestLinesOfEveryPlanAndDebugLinesAreWrittenNowhereCountedAndCommitted(DeliveryGuarantee delivery,
                                                                                   KafkaBroker kafka) throws Exception {
        try (KafkaFixture fx = new KafkaFixture(kafka, "drop-" + delivery.name().toLowerCase())) {
            fx.send(fx.topics.tenants, "t-open", Samples.encode(Samples.tenant("t-open", TenantPlan.OPEN_SOURCE)));
            fx.send(fx.topics.tenants, "t-cp", Samples.encode(Samples.tenant("t-cp", TenantPlan.CONTROL_PLANE)));
            fx.send(fx.topics.tenants, "t-sandbox", Samples.encode(Samples.tenant("t-sandbox", TenantPlan.SANDBOX)));
            fx.flush();
            ProcessorSettings.Builder settings = fx.settings().delivery(delivery)
                    .transactionalId(fx.prefix + "tx").transactionBatchSize(50);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            List<String> kept = new ArrayList<>();
            int requests = 0;
            int debug = 0;
            int total;
            try (TelemetryProcessor processor = startReady(settings.build(), registry)) {
                for (String tenant : TENANTS) {
                    for (int i = 0; i < 5; i++) {
                        String key = "proxy-" + tenant + "-" + i;
                        // the simulator's access-log line, then each sign alone
                        fx.sendRaw(EventKind.LOGS, key, Samples.encode(Samples.accessLog("req-a-" + key, tenant)));
                        fx.sendRaw(EventKind.LOGS, key, Samples.encode(Samples.b(Samples.log("req-b-" + key, tenant))
                                .setLogger("http.access").build()));
                        fx.sendRaw(EventKind.LOGS, key, Samples.encode(Samples.b(Samples.log("req-c-" + key, tenant))
                                .setMessage("GET reports.partner-data.io/v2/exports/{id} 200 585ms").build()));
                        requests += 3;
                        fx.sendRaw(EventKind.LOGS, key, Samples.encode(Samples.b(Samples.log("dbg-" + key, tenant))
                                .setLevel(i % 2 == 0 ? "DEBUG" : "TRACE").build()));
                        debug++;
                    }
                }
                fx.flush();
                // ordinary records after them, on the same keys, arrive
                for (String tenant : TENANTS) {
                    for (int i = 0; i < 5; i++) {
                        String id = "kept-" + tenant + "-" + i;
                        fx.sendRaw(EventKind.LOGS, "proxy-" + tenant + "-" + i,
                                Samples.encode(Samples.log(id, tenant)));
                        kept.add(id);
                    }
                }
                fx.flush();

                fx.readUntil(fx.topics.enriched(EventKind.LOGS), r -> ids(r).containsAll(kept));
                total = requests + debug + kept.size();
                int expectedCommitted = total;
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> committed(fx, settings.build()) == expectedCommitted);

                List<ConsumerRecord<byte[], byte[]>> out = fx.readAll(fx.topics.enriched(EventKind.LOGS));
                assertThat(ids(out)).containsExactlyInAnyOrderElementsOf(kept);
                assertThat(out).hasSize(kept.size()).allSatisfy(r -> assertThat(
                        new String(r.value(), StandardCharsets.ISO_8859_1))
                        .doesNotContain("partner-data", "canary-access-bearer"));
                assertThat(fx.readAll(fx.topics.deadLetters)).isEmpty();
                for (EventKind kind : EventKind.values()) {
                    if (kind != EventKind.LOGS) {
                        assertThat(fx.readAll(fx.topics.enriched(kind))).isEmpty();
                    }
                }
                assertThat(counter(registry, "lunar.processor.dropped", "kind", "logs", "reason",
                        "individual-request")).isEqualTo(requests);
                assertThat(counter(registry, "lunar.processor.dropped", "kind", "logs", "reason", "log-level"))
                        .isEqualTo(debug);
                assertThat(counter(registry, "lunar.processor.records.in", "kind", "logs")).isEqualTo(total);
                assertThat(counter(registry, "lunar.processor.records.out", "kind", "logs")).isEqualTo(kept.size());
            }

            // A restart reads nothing again; with min-log-level TRACE, DEBUG and TRACE lines are kept.
            SimpleMeterRegistry again = new SimpleMeterRegistry();
            try (TelemetryProcessor processor = startReady(settings.minLogLevel(LogLevel.TRACE).build(), again)) {
                fx.sendRaw(EventKind.LOGS, "proxy-x", Samples.encode(Samples.b(Samples.log("late-debug", "t-cp"))
                        .setLevel("DEBUG").build()));
                fx.sendRaw(EventKind.LOGS, "proxy-x", Samples.encode(Samples.b(Samples.log("late-trace", "t-cp"))
                        .setLevel("TRACE").build()));
                fx.sendRaw(EventKind.LOGS, "proxy-x", Samples.encode(Samples.accessLog("late-request", "t-cp")));
                fx.flush();
                fx.readUntil(fx.topics.enriched(EventKind.LOGS),
                        r -> ids(r).containsAll(List.of("late-debug", "late-trace")));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> committed(fx, settings.build()) == total + 3);
                assertThat(counter(again, "lunar.processor.records.in", "kind", "logs")).isEqualTo(3);
                assertThat(counter(again, "lunar.processor.dropped", "kind", "logs", "reason", "individual-request"))
                        .isEqualTo(1);
                assertThat(ids(fx.readAll(fx.topics.enriched(EventKind.LOGS)))).doesNotContain("late-request");
            }
        }
    }

    /** Sum over the raw logs topic's partitions of the group's committed offsets. */
    private static long committed(KafkaFixture fx, ProcessorSettings settings) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                fx.kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(settings.groupId())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            String topic = fx.topics.raw(EventKind.LOGS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }
}
