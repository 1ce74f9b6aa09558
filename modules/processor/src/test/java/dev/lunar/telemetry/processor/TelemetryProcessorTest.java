package dev.lunar.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.AvroJsonCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.processor.tenants.TenantAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The processor against a real broker: enrichment, live tenant table, dead letters, restarts, exactly-once. */
@ExtendWith(KafkaBrokerExtension.class)
class TelemetryProcessorTest {

    private static final AvroCodec<EnrichedLog> LOGS = AvroCodec.of(EnrichedLog.class);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static TelemetryProcessor startReady(ProcessorSettings settings, SimpleMeterRegistry registry) {
        TelemetryProcessor processor = TelemetryProcessor.start(settings, registry);
        processor.ready().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(processor.isHealthy()).isTrue();
        return processor;
    }

    private static Set<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> LOGS.decode(r.value()).getHeader().getEventId()).collect(Collectors.toSet());
    }

    @Test
    void enrichesFollowsTheTenantTableLiveAndDeadLettersWhatItCannotRead(KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "enrich");
             TenantAdmin admin = TenantAdmin.connect(fx.settings().build())) {
            admin.put(Samples.tenant("acme", TenantPlan.CONTROL_PLANE));
            // Written around the admin's validation, as a careless tool might: GitHub name on a non-sandbox tenant.
            fx.send(fx.topics.tenants, "canary-tenant", Samples.encode(Samples.canaryTenant()));
            fx.flush();
            try (TelemetryProcessor processor = startReady(fx.settings().build(), registry)) {
                assertThat(processor.healthDetail()).startsWith("UP: running, 2 tenants");
                Samples.oneOfEach("acme", "acme").forEach((kind, raw) -> fx.sendRaw(kind, "proxy-1",
                        Samples.encode(raw)));
                Samples.canaries("c").forEach((kind, raw) -> fx.sendRaw(kind, "proxy-2", Samples.encode(raw)));
                fx.sendRaw(EventKind.LOGS, "proxy-3", Samples.encode(Samples.log("stranger-1", "stranger")));
                fx.sendRaw(EventKind.LOGS, "proxy-4", "not avro".getBytes(StandardCharsets.UTF_8));
                fx.sendRaw(EventKind.HEARTBEATS, "proxy-4", Samples.encode(Samples.heartbeat("", "acme")));
                fx.flush();

                for (EventKind kind : EventKind.values()) {
                    int expected = kind == EventKind.LOGS ? 3 : 2;
                    List<ConsumerRecord<byte[], byte[]>> out = fx.readUntil(fx.topics.enriched(kind),
                            r -> r.size() >= expected);
                    assertThat(out).hasSize(expected);
                    for (ConsumerRecord<byte[], byte[]> record : out) {
                        String bytes = new String(record.value(), StandardCharsets.ISO_8859_1);
                        Samples.CANARIES.forEach(canary -> assertThat(bytes).as("%s in %s", canary, kind)
                                .doesNotContain(canary));
                        assertThat(record.headers().toArray()).isEmpty();
                    }
                    assertThat(out).extracting(r -> new String(r.key())).contains("proxy-1", "proxy-2");
                }
                Map<String, TenantInfo> byEvent = new HashMap<>();
                fx.readAll(fx.topics.enriched(EventKind.LOGS)).forEach(r -> {
                    EnrichedLog log = LOGS.decode(r.value());
                    byEvent.put(log.getHeader().getEventId(), log.getTenant());
                });
                assertThat(byEvent.get("acme-log").getPlan()).isEqualTo(TenantPlan.CONTROL_PLANE);
                assertThat(byEvent.get("c-log").getId()).isEqualTo("canary-tenant");
                assertThat(byEvent.get("c-log").getGithubUsername()).isNull();
                assertThat(byEvent.get("stranger-1").getKnown()).isFalse();

                List<ConsumerRecord<byte[], byte[]>> dead = fx.readUntil(fx.topics.deadLetters, r -> r.size() >= 2);
                assertThat(dead).hasSize(2);
                assertThat(dead).anySatisfy(r -> {
                    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
                    assertThat(headers(r)).containsEntry("dlq.source.topic", fx.topics.raw(EventKind.LOGS))
                            .containsEntry("dlq.stage", "decode").containsEntry("dlq.reason", "NOT_SINGLE_OBJECT")
                            .containsKeys("dlq.source.partition", "dlq.source.offset", "dlq.detail");
                });
                assertThat(dead).anySatisfy(r -> assertThat(headers(r)).containsEntry("dlq.reason", "INVALID")
                        .containsEntry("dlq.stage", "validate"));

                // A tenant update is seen live; then a tombstone makes the tenant unknown.
                TenantMetadata sandbox = Samples.tenant("acme", TenantPlan.SANDBOX);
                admin.put(sandbox);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    String id = "live-" + System.nanoTime();
                    fx.sendRaw(EventKind.LOGS, "proxy-1", Samples.encode(Samples.log(id, "acme")));
                    fx.flush();
                    EnrichedLog log = LOGS.decode(fx.readUntil(fx.topics.enriched(EventKind.LOGS),
                            r -> ids(r).contains(id)).stream().filter(r -> ids(List.of(r)).contains(id))
                            .findFirst().orElseThrow().value());
                    assertThat(log.getTenant().getPlan()).isEqualTo(TenantPlan.SANDBOX);
                    assertThat(log.getTenant().getGithubUsername()).isEqualTo("octocat-acme");
                });
                assertThat(admin.delete("acme")).isTrue();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    String id = "gone-" + System.nanoTime();
                    fx.sendRaw(EventKind.LOGS, "proxy-1", Samples.encode(Samples.log(id, "acme")));
                    fx.flush();
                    EnrichedLog log = LOGS.decode(fx.readUntil(fx.topics.enriched(EventKind.LOGS),
                            r -> ids(r).contains(id)).stream().filter(r -> ids(List.of(r)).contains(id))
                            .findFirst().orElseThrow().value());
                    assertThat(log.getTenant().getKnown()).isFalse();
                });

                assertThat(registry.counter("lunar.processor.records.out", "kind", "resources").count()).isEqualTo(2);
                assertThat(registry.counter("lunar.processor.dead.letters", "kind", "logs", "reason",
                        "NOT_SINGLE_OBJECT").count()).isEqualTo(1);
                assertThat(registry.find("lunar.processor.redactions").counters().stream()
                        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isPositive();
                assertThat(registry.find("lunar.processor.latency").timers()).isNotEmpty();
            }
        }
    }

    @Test
    void acceptsAvroJsonMarkedByContentTypeAndDeadLettersBadJson(KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "json")) {
            fx.send(fx.topics.tenants, "canary-tenant", Samples.encode(Samples.canaryTenant()));
            fx.flush();
            try (TelemetryProcessor processor = startReady(fx.settings().build(), registry)) {
                String good = AvroJsonCodec.of(Heartbeat.class).encode(Samples.canaryHeartbeat("json-hb-1"));
                fx.sendRawJson(EventKind.HEARTBEATS, "proxy-go", good);
                fx.sendRawJson(EventKind.HEARTBEATS, "proxy-go", "{\"header\": {\"eventId\": \"half\"}}");
                // binary Avro marked as JSON is as bad as JSON without the mark
                fx.sendRaw(EventKind.HEARTBEATS, "proxy-go", good.getBytes(StandardCharsets.UTF_8));
                fx.flush();

                ConsumerRecord<byte[], byte[]> enriched = fx.readUntil(fx.topics.enriched(EventKind.HEARTBEATS),
                        r -> !r.isEmpty()).get(0);
                EnrichedHeartbeat heartbeat = AvroCodec.of(EnrichedHeartbeat.class).decode(enriched.value());
                assertThat(heartbeat.getHeader().getEventId()).isEqualTo("json-hb-1");
                String bytes = new String(enriched.value(), StandardCharsets.ISO_8859_1);
                Samples.CANARIES.forEach(canary -> assertThat(bytes).doesNotContain(canary));

                List<ConsumerRecord<byte[], byte[]>> dead = fx.readUntil(fx.topics.deadLetters, r -> r.size() >= 2);
                assertThat(dead).extracting(r -> headers(r).get("dlq.reason"))
                        .containsExactlyInAnyOrder("INVALID", "NOT_SINGLE_OBJECT");
                assertThat(dead).allSatisfy(r -> assertThat(headers(r)).containsEntry("dlq.stage", "decode"));
            }
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static void produceLogs(KafkaFixture fx, int count) {
        for (int i = 0; i < count; i++) {
            String key = "proxy-" + (i % 7);
            fx.sendRaw(EventKind.LOGS, key, Samples.encode(Samples.log(key + "#" + i, "acme")));
        }
        fx.flush();
    }

    @Test
    void atLeastOnceRestartMidStreamDeliversEveryEventInKeyOrder(KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "restart")) {
            ProcessorSettings settings = fx.settings().maxInFlight(64).maxDeferredCommits(256).build();
            int total = 3000;
            produceLogs(fx, total / 2);
            TelemetryProcessor first = startReady(settings, registry);
            fx.readUntil(fx.topics.enriched(EventKind.LOGS), r -> r.size() >= 100);
            first.close();
            produceLogs2(fx, total / 2, total);
            TelemetryProcessor second = startReady(settings, registry);
            fx.readUntil(fx.topics.enriched(EventKind.LOGS), r -> ids(r).size() >= total * 3 / 4);
            second.halt();
            try (TelemetryProcessor third = startReady(settings, registry)) {
                List<ConsumerRecord<byte[], byte[]>> out = fx.readUntil(fx.topics.enriched(EventKind.LOGS),
                        r -> ids(r).size() >= total);
                assertThat(ids(out)).hasSize(total);
                // Per key, events first appear in the order they were produced (replays only repeat).
                Map<String, Integer> lastFirstSeen = new HashMap<>();
                Set<String> seen = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r : out) {
                    String id = LOGS.decode(r.value()).getHeader().getEventId();
                    if (seen.add(id)) {
                        String key = id.substring(0, id.indexOf('#'));
                        int n = Integer.parseInt(id.substring(id.indexOf('#') + 1));
                        assertThat(n).isGreaterThan(lastFirstSeen.getOrDefault(key, -1));
                        lastFirstSeen.put(key, n);
                    }
                }
            }
        }
    }

    private static void produceLogs2(KafkaFixture fx, int from, int to) {
        for (int i = from; i < to; i++) {
            String key = "proxy-" + (i % 7);
            fx.sendRaw(EventKind.LOGS, key, Samples.encode(Samples.log(key + "#" + i, "acme")));
        }
        fx.flush();
    }

    @Test
    void exactlyOnceDeliversEachEventOnceAcrossACrash(KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "eos")) {
            // a fixed id, as users who set processor.transactional-id keep it
            ProcessorSettings settings = fx.settings().delivery(DeliveryGuarantee.EXACTLY_ONCE)
                    .transactionalId(fx.prefix + "tx-0").transactionBatchSize(100).build();
            int total = 2000;
            produceLogs(fx, total);
            TelemetryProcessor first = startReady(settings, registry);
            fx.readUntil(fx.topics.enriched(EventKind.LOGS), r -> r.size() >= 300);
            first.halt();
            try (TelemetryProcessor second = startReady(settings, registry)) {
                List<ConsumerRecord<byte[], byte[]>> out = fx.readUntil(fx.topics.enriched(EventKind.LOGS),
                        r -> ids(r).size() >= total);
                second.close();
                List<ConsumerRecord<byte[], byte[]>> all = fx.readAll(fx.topics.enriched(EventKind.LOGS));
                assertThat(ids(all)).hasSize(total);
                assertThat(all).hasSize(total);
                assertThat(out.size()).isLessThanOrEqualTo(total);
            }
        }
    }

    @Test
    void exactlyOnceWithoutTransactionalIdsHoldsARebalanceUntilInFlightRecordsAreCommittedAndWritesEachOnce(
            KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "eos-rebalance")) {
            // no processor.transactional-id: each instance derives its own; the group's metadata fences
            ProcessorSettings.Builder settings = fx.settings().delivery(DeliveryGuarantee.EXACTLY_ONCE)
                    .transactionBatchSize(100);
            int total = 3000;
            produceLogs(fx, total / 2);
            SimpleMeterRegistry firstRegistry = new SimpleMeterRegistry();
            try (TelemetryProcessor first = startReady(settings.build(),
                    firstRegistry)) {
                fx.readUntil(fx.topics.enriched(EventKind.LOGS), r -> r.size() >= 200);
                try (TelemetryProcessor second = startReady(settings.build(),
                        new SimpleMeterRegistry())) {
                    produceLogs2(fx, total / 2, total);
                    fx.readUntil(fx.topics.enriched(EventKind.LOGS), r -> ids(r).size() >= total);
                    await().atMost(Duration.ofSeconds(30)).until(() -> revocations(firstRegistry, "drained") >= 1);
                    List<ConsumerRecord<byte[], byte[]>> all = fx.readAll(fx.topics.enriched(EventKind.LOGS));
                    assertThat(ids(all)).hasSize(total);
                    assertThat(all).as("each raw record once in read_committed output").hasSize(total);
                    assertThat(revocations(firstRegistry, "timed-out")).isZero();
                }
            }
        }
    }

    private static double revocations(SimpleMeterRegistry registry, String outcome) {
        io.micrometer.core.instrument.Counter counter = registry.find("lunar.kafka.revocations")
                .tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void tenantAdminPutsGetsListsAndDeletes(KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "admin");
             TenantAdmin admin = TenantAdmin.connect(fx.settings().build())) {
            List<TenantMetadata> parsed = TenantAdmin.parseYaml(String.join("\n",
                    "tenants:",
                    "  - {id: a, name: A, plan: control-plane, apiKeys: [lk_live_a_key]}",
                    "  - {id: b, name: B, plan: SANDBOX, githubUsername: bee}",
                    ""));
            parsed.forEach(admin::put);
            assertThat(admin.list()).extracting(TenantMetadata::getId).containsExactly("a", "b");
            assertThat(admin.get("a")).get().satisfies(t -> assertThat(t.getApiKeySha256())
                    .containsExactly(TenantAdmin.apiKeySha256("lk_live_a_key")));
            assertThat(TenantAdmin.toYaml(admin.list())).contains("id: a", "githubUsername: bee")
                    .doesNotContain("lk_live_a_key");
            assertThat(admin.delete("a")).isTrue();
            assertThat(admin.delete("a")).isFalse();
            assertThat(admin.get("a")).isEmpty();
            assertThat(admin.list()).extracting(TenantMetadata::getId).containsExactly("b");
        }
    }
}
