package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.consumer.ConsumerHealth;
import dev.lunar.telemetry.datadog.intake.IntakeContract;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.DeadLetterHeaders;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The forwarder end to end: a real broker, the kit, and a loopback server that enforces Datadog's contract. */
@ExtendWith(KafkaBrokerExtension.class)
class DatadogForwarderTest {

    private static final String KEY = "dd-primary-key-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AvroCodec<EnrichedLog> LOGS = AvroCodec.of(EnrichedLog.class);
    private static final AvroCodec<EnrichedResourceUsage> RESOURCES = AvroCodec.of(EnrichedResourceUsage.class);
    private static final AvroCodec<EnrichedHeartbeat> HEARTBEATS = AvroCodec.of(EnrichedHeartbeat.class);
    private static final AvroCodec<EnrichedPolicySnapshot> POLICIES = AvroCodec.of(EnrichedPolicySnapshot.class);
    private static final AvroCodec<EnrichedEndpointStats> ENDPOINTS = AvroCodec.of(EnrichedEndpointStats.class);
    private static final AvroCodec<TenantMetadata> TENANTS = AvroCodec.of(TenantMetadata.class);

    @TempDir
    Path dataDir;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private record Topics(String logs, String resources, String heartbeats, String policies, String endpoints,
                          String tenants, String dlq, String group) {}

    private static Topics topics(KafkaBroker kafka) {
        Topics t = new Topics(kafka.uniqueTopic("telemetry.logs"), kafka.uniqueTopic("telemetry.resources"),
                kafka.uniqueTopic("telemetry.heartbeats"), kafka.uniqueTopic("telemetry.policies"),
                kafka.uniqueTopic("telemetry.endpoints"), kafka.uniqueTopic("tenants"), kafka.uniqueTopic("dlq"),
                kafka.uniqueTopic("datadog-forwarder"));
        kafka.createTopics(TopicSpec.topic(t.logs(), 3), TopicSpec.topic(t.resources(), 2),
                TopicSpec.topic(t.heartbeats(), 1), TopicSpec.topic(t.policies(), 1), TopicSpec.topic(t.endpoints(), 1),
                TopicSpec.compactedTopic(t.tenants(), 1), TopicSpec.topic(t.dlq(), 1));
        return t;
    }

    private DatadogSettings.Builder settings(Topics t, FakeDatadogIntake intake, String key) {
        return DatadogSettings.builder()
                .baseUrl(intake == null ? null : intake.baseUrl())
                .apiKey(key)
                .dataDir(dataDir)
                .groupId(t.group())
                .topic(EventKind.LOGS, t.logs()).topic(EventKind.RESOURCES, t.resources())
                .topic(EventKind.HEARTBEATS, t.heartbeats()).topic(EventKind.POLICIES, t.policies())
                .tenantsTopic(t.tenants())
                .deadLetterTopic(t.dlq())
                .batch(1000, Duration.ofMillis(200))
                .requestTimeout(Duration.ofSeconds(1))
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .authRetryInterval(Duration.ofMillis(300))
                .shutdownTimeout(Duration.ofSeconds(10));
    }

    private DatadogForwarder start(KafkaBroker kafka, DatadogSettings settings, Map<String, String> environment) {
        DatadogForwarder forwarder = DatadogForwarder.start(settings, KafkaClientSettings.of(kafka.bootstrapServers()),
                new SimpleMeterRegistry(), environment::get);
        toClose.add(forwarder);
        return forwarder;
    }

    private FakeDatadogIntake intake(String... keys) {
        FakeDatadogIntake intake = new FakeDatadogIntake(keys);
        toClose.add(intake);
        return intake;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static List<ProducerRecord<byte[], byte[]>> logs(String topic, int n, String tenant) {
        return IntStream.range(0, n).mapToObj(i -> record(topic, "proxy-" + tenant,
                LOGS.encode(Samples.log(tenant + "-log-" + i, tenant, "request to provider failed #" + i)))).toList();
    }

    private static Set<String> eventIds(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("event_id").asText()).collect(Collectors.toSet());
    }

    @Test
    void everyRecordArrivesInRequestsWithinTheLimitsWithTheRightFieldsAndTypes(KafkaBroker kafka) {
        Topics t = topics(kafka);
        FakeDatadogIntake intake = intake(KEY);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(logs(t.logs(), 1500, "acme"));
        IntStream.range(0, 20).forEach(i -> records.add(record(t.resources(), "proxy-acme",
                RESOURCES.encode(Samples.resources("res-" + i, "acme", Instant.now())))));
        records.add(record(t.resources(), "proxy-acme",
                RESOURCES.encode(Samples.resources("res-stale", "acme", Instant.now().minus(Duration.ofHours(2))))));
        IntStream.range(0, 10).forEach(i -> records.add(record(t.heartbeats(), "proxy-acme",
                HEARTBEATS.encode(Samples.heartbeat("hb-" + i, "acme")))));
        IntStream.range(0, 5).forEach(i -> records.add(record(t.policies(), "proxy-acme",
                POLICIES.encode(Samples.policies("pol-" + i, "acme")))));
        IntStream.range(0, 50).forEach(i -> records.add(record(t.endpoints(), "proxy-acme",
                ENDPOINTS.encode(Samples.endpointStats("ep-" + i, "acme")))));
        TopicClients.produce(kafka.bootstrapServers(), records);
        Set<String> expectedEntries = Stream.of(
                IntStream.range(0, 1500).mapToObj(i -> "acme-log-" + i),
                IntStream.range(0, 10).mapToObj(i -> "hb-" + i),
                IntStream.range(0, 5).mapToObj(i -> "pol-" + i)).flatMap(s -> s).collect(Collectors.toSet());

        DatadogForwarder forwarder = start(kafka, settings(t, intake, KEY).build(), Map.of());

        await().atMost(Duration.ofSeconds(60)).until(() -> eventIds(intake.acceptedLogEntries()).containsAll(expectedEntries)
                && intake.acceptedSeries().size() >= 20 * 6 + 10 * 3);
        assertThat(intake.violations()).isEmpty();
        assertThat(intake.acceptedLogEntries()).hasSize(expectedEntries.size());
        assertThat(intake.requests().stream().filter(r -> r.path().equals(FakeDatadogIntake.LOGS_PATH)).count())
                .isGreaterThanOrEqualTo(2);
        assertThat(intake.requests()).allSatisfy(r -> {
            assertThat(r.apiKey()).isEqualTo(KEY);
            assertThat(r.body()).doesNotContain(KEY, Samples.TENANT_LUNAR_KEY, Samples.ENDPOINT_STATS_ONLY_PATH,
                    "latency", "statusCodes", "global:");
        });
        JsonNode log = intake.acceptedLogEntries().stream().filter(e -> e.get("event_id").asText().equals("acme-log-7"))
                .findFirst().orElseThrow();
        assertThat(log.get("message").asText()).isEqualTo("request to provider failed #7");
        assertThat(log.get("status").asText()).isEqualTo("warn");
        assertThat(log.get("hostname").asText()).isEqualTo("proxy-acme");
        assertThat(log.get("ddtags").asText()).contains("tenant:acme_corp", "plan:control_plane", "proxy_version:1.4.2",
                "team:payments");
        List<JsonNode> series = intake.acceptedSeries();
        assertThat(series).hasSize(20 * 6 + 10 * 3);
        assertThat(series).filteredOn(s -> s.get("metric").asText().equals("lunar.proxy.cpu.percent"))
                .hasSize(20).allSatisfy(s -> {
                    assertThat(s.get("type").asInt()).isEqualTo(3);
                    assertThat(s.get("unit").asText()).isEqualTo("percent");
                    assertThat(s.get("resources").get(0).get("name").asText()).isEqualTo("proxy-acme");
                    assertThat(Instant.now().getEpochSecond() - s.get("points").get(0).get("timestamp").asLong())
                            .isBetween(0L, 3600L);
                });
        assertThat(series).filteredOn(s -> s.get("metric").asText().equals("lunar.proxy.disk.writes"))
                .allSatisfy(s -> {
                    assertThat(s.get("type").asInt()).isEqualTo(1);
                    assertThat(s.get("interval").asLong()).isEqualTo(10);
                });
        assertThat(series).filteredOn(s -> s.get("metric").asText().equals("lunar.proxy.restarts.unexpected"))
                .hasSize(10);
        assertThat(forwarder.isHealthy()).isTrue();
        assertThat(forwarder.healthDetail()).contains("6 log entries/points not sent");
    }

    @Test
    void aLongOutageLosesNothingHoldsABoundedNumberOfRecordsAndHonoursRateLimits(KafkaBroker kafka) {
        Topics t = topics(kafka);
        FakeDatadogIntake intake = intake(KEY);
        int backlog = 5000;
        TopicClients.produce(kafka.bootstrapServers(), logs(t.logs(), backlog, "acme"));
        intake.answerAlways(LoopbackDatadogIntake.Reply.status(503));

        DatadogForwarder forwarder = start(kafka, settings(t, intake, KEY).batch(100, Duration.ofMillis(100)).build(),
                Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> intake.requests().size() >= 15);
        assertThat(forwarder.maxInFlightRecords()).isPositive().isLessThanOrEqualTo(forwarder.inFlightBound());
        assertThat(forwarder.inFlightBound()).isLessThan(backlog / 4);
        assertThat(forwarder.health().status()).isEqualTo(ConsumerHealth.Status.RETRYING);
        assertThat(forwarder.isHealthy()).isTrue();
        assertThat(TopicClients.committed(kafka.bootstrapServers(), t.group())).isEmpty();

        intake.thenScript(LoopbackDatadogIntake.Reply.status(429, Map.of("X-RateLimit-Limit", "100", "X-RateLimit-Period",
                        "60", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1")),
                LoopbackDatadogIntake.Reply.hang(),
                LoopbackDatadogIntake.Reply.status(500));

        await().atMost(Duration.ofSeconds(60)).until(() -> eventIds(intake.acceptedLogEntries()).size() == backlog);
        List<FakeDatadogIntake.Received> requests = intake.requests();
        int rateLimited = IntStream.range(0, requests.size()).filter(i -> requests.get(i).status() == 429)
                .findFirst().orElseThrow();
        // a lower bound, and semantics rather than speed: the next request waited for X-RateLimit-Reset (1 s)
        assertThat(Duration.between(requests.get(rateLimited).at(), requests.get(rateLimited + 1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(requests.get(rateLimited + 1).status()).isZero(); // the hung request: no answer, retried later
        assertThat(requests.get(rateLimited + 2).status()).isEqualTo(500);
        assertThat(forwarder.maxInFlightRecords()).isLessThanOrEqualTo(forwarder.inFlightBound());
        assertThat(intake.violations()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> TopicClients.committed(kafka.bootstrapServers(), t.group())
                .equals(TopicClients.nonEmpty(TopicClients.endOffsets(kafka.bootstrapServers(), t.logs()))));
        assertThat(forwarder.health().status()).isEqualTo(ConsumerHealth.Status.UP);
    }

    @Test
    void aRejectedKeyStopsLoudlyCommitsNothingAndAfterTheKeyIsFixedEverythingArrives(KafkaBroker kafka) {
        Topics t = topics(kafka);
        FakeDatadogIntake intake = intake(KEY);
        TopicClients.produce(kafka.bootstrapServers(), logs(t.logs(), 200, "acme"));
        TopicClients.produce(kafka.bootstrapServers(), List.of(record(t.resources(), "proxy-acme",
                RESOURCES.encode(Samples.resources("res-1", "acme", Instant.now())))));

        DatadogForwarder revoked = start(kafka, settings(t, intake, "revoked-key").build(), Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> intake.requests().stream().filter(r -> r.status() == 403).count() >= 4);
        assertThat(revoked.isHealthy()).isFalse();
        assertThat(revoked.health().status()).isEqualTo(ConsumerHealth.Status.DOWN);
        assertThat(revoked.healthDetail()).contains("DD_API_KEY was rejected by", "(403", "check the key and datadog.site",
                "nothing is committed");
        assertThat(intake.acceptedLogEntries()).isEmpty();
        assertThat(TopicClients.committed(kafka.bootstrapServers(), t.group())).isEmpty();
        revoked.close();
        assertThat(TopicClients.committed(kafka.bootstrapServers(), t.group())).isEmpty();

        DatadogForwarder fixed = start(kafka, settings(t, intake, KEY).build(), Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> eventIds(intake.acceptedLogEntries()).size() == 200
                && intake.acceptedSeries().size() == 6);
        assertThat(fixed.isHealthy()).isTrue();
        assertThat(intake.requests()).allSatisfy(r -> assertThat(r.body()).doesNotContain(KEY, "revoked-key"));
        assertThat(intake.violations()).isEmpty();
    }

    @Test
    void aRecordDatadogRefusesEndsInTheDeadLetterTopicWithItsReasonAndTheRestOfItsBatchArrives(KafkaBroker kafka) {
        Topics t = topics(kafka);
        FakeDatadogIntake intake = intake(KEY);
        intake.refuseLogsRequestsWithEntry(e -> e.path("message").asText().contains("POISON"));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        byte[] poison = LOGS.encode(Samples.log("acme-log-17", "acme", "POISON pill"));
        for (int i = 0; i < 30; i++) {
            records.add(record(t.logs(), "proxy-acme", i == 17 ? poison
                    : LOGS.encode(Samples.log("acme-log-" + i, "acme", "line " + i))));
        }
        TopicClients.produce(kafka.bootstrapServers(), records);

        start(kafka, settings(t, intake, KEY).build(), Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> eventIds(intake.acceptedLogEntries()).size() == 29);
        List<ConsumerRecord<byte[], byte[]>> letters = TopicClients.readAll(kafka.bootstrapServers(), t.dlq(), 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(poison);
            assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(t.logs());
            assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("deliver:datadog");
            assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("REJECTED_BY_DESTINATION");
            assertThat(header(letter, DeadLetterHeaders.DETAIL)).startsWith("HTTP 400 from logs intake");
        });
        assertThat(eventIds(intake.acceptedLogEntries())).doesNotContain("acme-log-17").hasSize(29);
        assertThat(intake.violations()).isEmpty();
    }

    @Test
    void withoutAnApiKeyTheDryRunOutboxHoldsTheExactValidRequestsAndNothingIsSent(KafkaBroker kafka) throws IOException {
        Topics t = topics(kafka);
        TopicClients.produce(kafka.bootstrapServers(), List.of(
                record(t.logs(), "proxy-acme", LOGS.encode(Samples.log("l-1", "acme", "hello"))),
                record(t.resources(), "proxy-acme", RESOURCES.encode(Samples.resources("r-1", "acme", Instant.now()))),
                record(t.heartbeats(), "proxy-acme", HEARTBEATS.encode(Samples.heartbeat("h-1", "acme"))),
                record(t.policies(), "proxy-acme", POLICIES.encode(Samples.policies("p-1", "acme")))));

        DatadogForwarder forwarder = start(kafka, settings(t, null, null).site("datadoghq.eu").build(), Map.of());

        assertThat(forwarder.isDryRun()).isTrue();
        Path outbox = dataDir.resolve("outbox").resolve("datadog");
        assertThat(forwarder.outboxDirectory()).contains(outbox);
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxLines(outbox).stream()
                .filter(l -> l.get("url").asText().endsWith("/api/v2/logs"))
                .mapToInt(l -> readTree(l.get("body").asText()).size()).sum() == 3
                && outboxLines(outbox).stream().anyMatch(l -> l.get("url").asText().endsWith("/api/v2/series")));
        List<JsonNode> lines = outboxLines(outbox);
        assertThat(lines).allSatisfy(line -> {
            byte[] body = line.get("body").asText().getBytes(StandardCharsets.UTF_8);
            assertThat(line.get("method").asText()).isEqualTo("POST");
            assertThat(line.get("headers").get("Content-Type").asText()).isEqualTo("application/json");
            assertThat(line.get("headers").get("Content-Encoding").asText()).isEqualTo("gzip");
            assertThat(line.get("headers").has("DD-API-KEY")).isFalse();
            assertThat(line.get("bodyBytes").asInt()).isEqualTo(body.length);
            String url = line.get("url").asText();
            assertThat(url).isIn("https://http-intake.logs.datadoghq.eu/api/v2/logs",
                    "https://api.datadoghq.eu/api/v2/series");
            assertThat(url.endsWith("/logs") ? IntakeContract.validateLogs(body)
                    : IntakeContract.validateSeries(body)).isEmpty();
        });
        assertThat(lines.toString()).doesNotContain(Samples.TENANT_LUNAR_KEY);
    }

    @Test
    void aTenantsOwnDatadogAccountAlsoGetsThatTenantsDataAndOnlyIt(KafkaBroker kafka) {
        Topics t = topics(kafka);
        FakeDatadogIntake intake = intake(KEY, "acme-own-dd-key");
        TopicClients.produce(kafka.bootstrapServers(), List.of(
                record(t.tenants(), "acme", TENANTS.encode(Samples.tenantWithOwnDatadog("acme", "datadoghq.eu",
                        "ACME_DD_API_KEY"))),
                record(t.tenants(), "globex", TENANTS.encode(Samples.tenantWithOwnDatadog("globex", "us5.datadoghq.com",
                        "GLOBEX_DD_API_KEY")))));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(logs(t.logs(), 10, "acme"));
        records.addAll(logs(t.logs(), 10, "globex"));
        records.add(record(t.resources(), "proxy-acme", RESOURCES.encode(Samples.resources("r-acme", "acme", Instant.now()))));
        TopicClients.produce(kafka.bootstrapServers(), records);

        DatadogForwarder forwarder = start(kafka, settings(t, intake, KEY).build(),
                Map.of("ACME_DD_API_KEY", "acme-own-dd-key"));

        await().atMost(Duration.ofSeconds(30)).until(() -> eventIds(entriesWithKey(intake, KEY)).size() == 20
                && eventIds(entriesWithKey(intake, "acme-own-dd-key")).size() == 10
                && seriesWithKey(intake, "acme-own-dd-key").size() == 6);
        assertThat(entriesWithKey(intake, "acme-own-dd-key"))
                .allSatisfy(e -> assertThat(e.get("tenant").get("id").asText()).isEqualTo("acme"));
        assertThat(forwarder.isHealthy()).isTrue();
        assertThat(forwarder.healthDetail()).contains("globex", "GLOBEX_DD_API_KEY");
        assertThat(intake.violations()).isEmpty();
    }

    @Test
    void withDogStatsdMetricsGoToTheLocalAgentOverUdp(KafkaBroker kafka) throws IOException {
        Topics t = topics(kafka);
        FakeDatadogIntake intake = intake(KEY);
        try (DatagramSocket agent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            agent.setSoTimeout(500);
            TopicClients.produce(kafka.bootstrapServers(), List.of(record(t.resources(), "proxy-acme",
                    RESOURCES.encode(Samples.resources("r-1", "acme", Instant.now())))));

            start(kafka, settings(t, intake, KEY).dogStatsd(true, "127.0.0.1", agent.getLocalPort()).build(), Map.of());

            List<String> lines = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            byte[] buffer = new byte[65536];
            while (lines.size() < 6 && System.nanoTime() < deadline) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    agent.receive(packet);
                    lines.addAll(List.of(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8)
                            .split("\n")));
                } catch (SocketTimeoutException e) {
                    // nothing yet
                }
            }
            assertThat(lines).hasSize(6);
            assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                    "lunar\\.proxy\\.cpu\\.percent:37\\.5\\|g\\|#tenant:acme_corp,.*,host:proxy-acme\\|T\\d{10}"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("lunar.proxy.disk.writes:4096|c|#"));
            assertThat(intake.requests()).noneMatch(r -> r.path().equals(FakeDatadogIntake.SERIES_PATH));
        }
    }

    private static List<JsonNode> entriesWithKey(FakeDatadogIntake intake, String key) {
        List<JsonNode> out = new ArrayList<>();
        intake.requests().stream().filter(r -> r.accepted() && key.equals(r.apiKey())
                && r.path().equals(FakeDatadogIntake.LOGS_PATH)).forEach(r -> r.json().forEach(out::add));
        return out;
    }

    private static List<JsonNode> seriesWithKey(FakeDatadogIntake intake, String key) {
        List<JsonNode> out = new ArrayList<>();
        intake.requests().stream().filter(r -> r.accepted() && key.equals(r.apiKey())
                && r.path().equals(FakeDatadogIntake.SERIES_PATH)).forEach(r -> r.json().get("series").forEach(out::add));
        return out;
    }

    private static List<JsonNode> outboxLines(Path outbox) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(outbox)) {
            return out;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path f : files.sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    out.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
