package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.cli.PrivacyCorpus.Leak;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.ConfigFile;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.LatencyBucket;
import dev.lunar.telemetry.events.avro.PolicySnapshot;
import dev.lunar.telemetry.events.avro.ProcessStats;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.tenants.TenantAdmin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privacy regression corpus through the whole embedded pipeline (DESIGN.md P1, P3): every example of personal
 * data and every credential class, planted in every text position the raw schemas allow (string fields, map values
 * and keys, array elements, the text of {@code policies.yaml} as a value, a comment and a block scalar), for tenants
 * of every plan, produced as raw records to a real broker. None may survive — not even an 8-character piece — in
 * the enriched topics, the Datadog dry-run outbox or the control plane's storage; every benign example must survive
 * unchanged. Failures name the class, the position and the surviving piece.
 */
class PrivacyCorpusEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PLANS = List.of("corpus-open", "corpus-sandbox", "corpus-cp");
    /** Endpoint statistics go to control-plane tenants, spread so no window holds more than top-endpoints rows. */
    private static final int CONTROL_PLANE_TENANTS = 24;

    @TempDir
    Path dataDir;

    @Test
    void noPlantedSecretOrPersonalDataLeavesAndEveryBenignTokenSurvives() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int i = 0; i < CONTROL_PLANE_TENANTS; i++) {
            tokens.put("corpus-ep-" + i, "corpus-token-0000000-" + i);
        }
        tokens.put("corpus-cp", "corpus-token-0000000-cp");
        ConfigSource config = ConfigSource.of(Map.ofEntries(
                Map.entry("data-dir", dataDir.toString()), Map.entry("kafka.embedded.port", "0"),
                Map.entry("ops.port", "-1"), Map.entry("control-plane.port", "0"),
                Map.entry("datadog.batch.max-wait", "200ms"),
                Map.entry("control-plane-forwarder.window", "1s"),
                Map.entry("control-plane-forwarder.allowed-lateness", "0s"),
                Map.entry("control-plane-forwarder.correction-horizon", "1s"),
                Map.entry("control-plane-forwarder.idle-tick", "100ms"),
                Map.entry("control-plane-forwarder.top-endpoints", "50")), Map.of());

        List<Leak> leaks = PrivacyCorpus.leaks();
        List<String> benign = PrivacyCorpus.benign();
        Map<String, String> plantedAt = new HashMap<>(); // record key -> "class @ slot"
        Map<String, Leak> plantedLeak = new HashMap<>();
        Instant now = Instant.now();

        Map<String, String> enrichedByKey;
        String outbox;
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config),
                new PrintWriter(new StringWriter(), true), true, EnumSet.allOf(Pipeline.Service.class), tokens)) {
            registerTenants(pipeline.bootstrapServers(), tokens.keySet());
            try (KafkaProducer<byte[], byte[]> producer = producer(pipeline.bootstrapServers())) {
                int n = 0;
                for (Leak leak : leaks) {
                    for (EventKind kind : EventKind.values()) {
                        for (TextSlots.Slot slot : TextSlots.of(base(kind, "x", "t", now))) {
                            for (String shaped : shapes(slot, leak.text())) {
                                String key = "corpus-" + n++;
                                String tenant = kind == EventKind.ENDPOINTS
                                        ? "corpus-ep-" + (n % CONTROL_PLANE_TENANTS) : PLANS.get(n % PLANS.size());
                                SpecificRecordBase record = TextSlots.plant(base(kind, key, tenant, now), slot,
                                        shaped);
                                plantedAt.put(key, leak.type() + " @ " + slot.name());
                                plantedLeak.put(key, leak);
                                producer.send(new ProducerRecord<>(kind.rawTopic(), key.getBytes(StandardCharsets.UTF_8),
                                        RawEvents.encode(record)));
                            }
                        }
                    }
                }
                for (int i = 0; i < benign.size(); i++) {
                    ProxyLog log = (ProxyLog) base(EventKind.LOGS, "benign-" + i, PLANS.get(i % PLANS.size()), now);
                    log.setMessage("seen " + benign.get(i) + " end");
                    producer.send(new ProducerRecord<>(EventKind.LOGS.rawTopic(),
                            ("benign-" + i).getBytes(StandardCharsets.UTF_8), RawEvents.encode(log)));
                }
                producer.flush();
                awaitEveryGroupCaughtUp(pipeline.bootstrapServers(), producer, now);
            }
            enrichedByKey = readEnriched(pipeline.bootstrapServers());
            outbox = outboxBodies(dataDir.resolve("outbox").resolve("datadog"));
        }
        String controlPlane = controlPlaneStorage(dataDir);

        List<String> leaked = new ArrayList<>();
        enrichedByKey.forEach((key, value) -> {
            Leak leak = plantedLeak.get(key);
            String piece = leak == null ? null : leak.survivingPieceIn(value);
            if (piece != null) {
                leaked.add("enriched topic: " + plantedAt.get(key) + " kept '" + piece + "'");
            }
        });
        for (Leak leak : leaks) {
            String inOutbox = leak.survivingPieceIn(outbox);
            if (inOutbox != null) {
                leaked.add("Datadog outbox: " + leak.type() + " kept '" + inOutbox + "'");
            }
            String inControlPlane = leak.survivingPieceIn(controlPlane);
            if (inControlPlane != null) {
                leaked.add("control-plane storage: " + leak.type() + " kept '" + inControlPlane + "'");
            }
        }
        List<String> lostBenign = new ArrayList<>();
        for (int i = 0; i < benign.size(); i++) {
            String line = "seen " + benign.get(i) + " end";
            String enriched = enrichedByKey.getOrDefault("benign-" + i, "");
            if (!enriched.contains(line) || !outbox.contains(line)) {
                lostBenign.add(benign.get(i));
            }
        }
        int planted = plantedAt.size();
        System.out.printf("privacy corpus: %d classes, %d examples, %d planted records; leaks found: %d; "
                        + "benign kept %d of %d%n", leaks.stream().map(Leak::type).distinct().count(), leaks.size(),
                planted, leaked.size(), benign.size() - lostBenign.size(), benign.size());

        assertThat(planted).as("planted records").isGreaterThan(leaks.size() * 20);
        assertThat(enrichedByKey).as("benign records reached the enriched topic").containsKey("benign-0");
        assertThat(controlPlane).as("the control plane stored endpoint rows").contains("corpus-ep-");
        assertThat(leaked).as("pieces of secrets or personal data that left").isEmpty();
        assertThat(lostBenign).as("benign tokens changed or removed (false positives)").isEmpty();
    }

    /** The text as planted: as is, and for a configuration file as a YAML value, a comment and a block scalar. */
    private static List<String> shapes(TextSlots.Slot slot, String text) {
        if (!slot.configText()) {
            return List.of("seen " + text + " end");
        }
        String quoted;
        try {
            quoted = JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String base = "endpoints:\n  - url: api.example.com/*\n";
        return List.of(base + "note: " + quoted + "\n",
                base + "# " + text.replace("\n", "\n# ") + "\nok: true\n",
                base + "description: |\n  " + text.replace("\n", "\n  ") + "\n");
    }

    /** A raw record of {@code kind} with every optional text field set, so that every position exists. */
    static SpecificRecordBase base(EventKind kind, String key, String tenant, Instant now) {
        EventHeader header = EventHeader.newBuilder().setEventId(key).setTenantId(tenant).setProxyId(key)
                .setProxyVersion("1.4.2").setProducedAt(now).build();
        Map<String, String> tags = new HashMap<>(Map.of("env", "prod"));
        return switch (kind) {
            case LOGS -> ProxyLog.newBuilder().setHeader(header).setTags(tags).setTimestamp(now).setLevel("INFO")
                    .setLogger("http-proxy").setMessage("base message")
                    .setAttributes(new HashMap<>(Map.of("remedy", "retry"))).build();
            case RESOURCES -> ResourceUsage.newBuilder().setHeader(header).setTags(tags).setSampledAt(now)
                    .setIntervalMillis(10_000).setHost(HostStats.newBuilder().setCpuPercent(12.5)
                            .setMemoryUsedBytes(1_000_000).setMemoryTotalBytes(8_000_000).setDiskWriteBytes(4096)
                            .setDiskUsedBytes(10).setDiskTotalBytes(100).build())
                    .setProcesses(new ArrayList<>(List.of(ProcessStats.newBuilder().setName("engine")
                            .setCpuPercent(1.5).setMemoryBytes(1000).setOpenFileDescriptors(12).setUptimeSeconds(60)
                            .setRunning(true).build())))
                    .build();
            case HEARTBEATS -> Heartbeat.newBuilder().setHeader(header).setTags(tags)
                    .setStartedAt(now.minusSeconds(60)).setUptimeSeconds(60).setRestarts(1).setUnexpectedRestarts(1)
                    .setUnexpectedRestartReasons(new ArrayList<>(List.of("oom")))
                    .setEnvironment(new HashMap<>(Map.of("TZ", "UTC"))).build();
            case POLICIES -> PolicySnapshot.newBuilder().setHeader(header).setTags(tags).setLoadedAt(now)
                    .setFiles(new ArrayList<>(List.of(ConfigFile.newBuilder().setFileName("policies.yaml")
                            .setFileType("policies").setContent("endpoints:\n  - url: api.example.com/*\n")
                            .build())))
                    .setEnabledPolicies(new ArrayList<>(List.of("rate-limit")))
                    .setEnabledPlugins(new ArrayList<>(List.of("retry")))
                    .setEndpointsWithPolicies(new ArrayList<>(List.of(EndpointRef.newBuilder().setMethod("GET")
                            .setHost("api.example.com").setPathTemplate("/v1/x").build())))
                    .build();
            case ENDPOINTS -> EndpointStats.newBuilder().setHeader(header).setTags(tags)
                    .setWindowStart(now.minusSeconds(1)).setWindowEnd(now)
                    .setEndpoint(EndpointRef.newBuilder().setMethod("GET").setHost("api.example.com")
                            .setPathTemplate("/v1/x/" + key).build())
                    .setUrl("https://api.example.com/v1/x/1").setCount(3)
                    .setStatusCodes(new HashMap<>(Map.of("200", 3L))).setLatencySumMs(30).setLatencyMinMs(5)
                    .setLatencyMaxMs(15).setTotalDurationSumMs(33)
                    .setLatencyBuckets(new ArrayList<>(List.of(new LatencyBucket(10L, 2L), new LatencyBucket(20L, 1L))))
                    .setConsumerCounts(new HashMap<>(Map.of("checkout", 3L))).setInterceptorType("lunar-interceptor")
                    .setInterceptorVersion("2.1.0").setLastTransactionAt(now).build();
        };
    }

    private static void registerTenants(String bootstrap, Set<String> controlPlaneTenants) {
        try (TenantAdmin admin = TenantAdmin.connect(ProcessorSettings.builder(bootstrap).build())) {
            Map<String, TenantPlan> plans = new TreeMap<>(Map.of("corpus-open", TenantPlan.OPEN_SOURCE,
                    "corpus-sandbox", TenantPlan.SANDBOX));
            controlPlaneTenants.forEach(t -> plans.put(t, TenantPlan.CONTROL_PLANE));
            plans.forEach((id, plan) -> admin.put(TenantMetadata.newBuilder().setId(id).setName("Tenant " + id)
                    .setPlan(plan).setGithubUsername(plan == TenantPlan.SANDBOX ? "octo-corpus" : null)
                    .setTags(Map.of()).setUpdatedAt(Instant.now()).build()));
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Every consumer group has committed past what was planted: the processor on the raw topics, then each forwarder
     * on the enriched topics it reads. A windowing forwarder holds a window's records until the window can no longer
     * be corrected, which takes later traffic: while waiting, a benign endpoint record is produced now and then to
     * move event time on.
     */
    private static void awaitEveryGroupCaughtUp(String bootstrap, KafkaProducer<byte[], byte[]> producer, Instant now)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, Long> raw = endOffsets(admin, EventKind.values(), true);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertCommitted(admin, raw));
            Map<TopicPartition, Long> enriched = endOffsets(admin, EventKind.values(), false);
            int[] ticks = {0};
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                EndpointStats tick = (EndpointStats) base(EventKind.ENDPOINTS, "tick-" + ticks[0]++, "corpus-cp",
                        Instant.now());
                producer.send(new ProducerRecord<>(EventKind.ENDPOINTS.rawTopic(), "tick".getBytes(StandardCharsets.UTF_8),
                        RawEvents.encode(tick)));
                assertCommitted(admin, enriched);
            });
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, EventKind[] kinds, boolean raw) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (EventKind kind : kinds) {
            String topic = raw ? kind.rawTopic() : kind.enrichedTopic();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Each group that reads a topic of {@code targets} has committed at least the target on every partition. */
    private static void assertCommitted(Admin admin, Map<TopicPartition, Long> targets) throws Exception {
        Set<String> readers = new java.util.HashSet<>();
        for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get();
            Set<String> topics = new java.util.HashSet<>();
            committed.keySet().forEach(tp -> topics.add(tp.topic()));
            targets.forEach((tp, target) -> {
                if (topics.contains(tp.topic()) && target > 0) {
                    readers.add(tp.topic());
                    OffsetAndMetadata offset = committed.get(tp);
                    assertThat(offset == null ? 0 : offset.offset()).as(group.groupId() + " on " + tp)
                            .isGreaterThanOrEqualTo(target);
                }
            });
        }
        targets.forEach((tp, target) -> {
            if (target > 0) {
                assertThat(readers).as("a group has committed on " + tp.topic()).contains(tp.topic());
            }
        });
    }

    /** Each enriched record's value (as text) by its key, read_committed, whole topics. */
    private static Map<String, String> readEnriched(String bootstrap) {
        Map<String, String> byKey = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (EventKind kind : EventKind.values()) {
                consumer.partitionsFor(kind.enrichedTopic()).forEach(p ->
                        partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    byKey.merge(new String(r.key(), StandardCharsets.UTF_8),
                            new String(r.value(), StandardCharsets.UTF_8), String::concat);
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return byKey;
    }

    /** The request bodies of the dry-run outbox, decoded from their JSON lines. */
    private static String outboxBodies(Path outbox) throws Exception {
        StringBuilder bodies = new StringBuilder();
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        JsonNode request = JSON.readTree(line);
                        bodies.append(request.get("body").asText()).append('\n');
                        bodies.append(request.get("headers")).append('\n');
                    }
                }
            }
        }
        return bodies.toString();
    }

    /** Every value of every table of the control plane's embedded database, after it was closed. */
    private static String controlPlaneStorage(Path dataDir) throws Exception {
        StringBuilder all = new StringBuilder();
        Path base = dataDir.resolve("control-plane").resolve("aggregates");
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + base.toAbsolutePath(), "sa", "");
                Statement statement = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int c = 1; c <= columns; c++) {
                            all.append(rs.getString(c)).append('\t');
                        }
                        all.append('\n');
                    }
                }
            }
        }
        return all.toString();
    }
}
