package dev.lunar.telemetry.controlplane.forwarder;

import static dev.lunar.telemetry.controlplane.forwarder.Stats.T0;
import static dev.lunar.telemetry.controlplane.forwarder.Stats.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.controlplane.ControlPlaneServer;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The forwarder end to end: endpoint stats in a real Kafka topic, the forwarder (kit + aggregator + client), and the
 * real control plane (H2 under a temp dir) queried through its JSON API. Windows of 2 s with 1 s of lateness.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ControlPlaneForwarderTest {

    private static final AvroCodec<EnrichedEndpointStats> CODEC = AvroCodec.of(EnrichedEndpointStats.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;
    static ControlPlaneServer cp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startControlPlane() {
        cp = ControlPlaneServer.start(ControlPlaneSettings.builder().dataDir(dataDir).port(0).build(),
                new SimpleMeterRegistry());
    }

    @AfterAll
    static void stopControlPlane() {
        cp.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** Tenants of one test, each with its token registered in the control plane. */
    private static Map<String, String> tenants(String... ids) {
        Map<String, String> tokens = new HashMap<>();
        for (String id : ids) {
            String token = id + "-token-0123456789abcdef";
            cp.registerTenantToken(id, token);
            tokens.put(id, token);
        }
        return tokens;
    }

    private record Topic(String name, String group, String dlq) {}

    private static Topic topic(KafkaBroker kafka) {
        Topic t = new Topic(kafka.uniqueTopic("telemetry.endpoints"), kafka.uniqueTopic("control-plane-forwarder"),
                kafka.uniqueTopic("dlq"));
        kafka.createTopics(TopicSpec.topic(t.name(), 3), TopicSpec.topic(t.dlq(), 1));
        return t;
    }

    private static ControlPlaneForwarderSettings.Builder settings(Topic topic, Map<String, String> tokens) {
        return ControlPlaneForwarderSettings.builder()
                .controlPlaneUrl(cp.url())
                .tenantTokens(tokens)
                .window(Duration.ofSeconds(2))
                .allowedLateness(Duration.ofSeconds(1))
                .correctionHorizon(Duration.ofSeconds(2))
                .idleTick(Duration.ofMillis(200))
                .topic(topic.name())
                .groupId(topic.group())
                .deadLetterTopic(topic.dlq())
                .batching(100, Duration.ofMillis(200))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(20));
    }

    private ControlPlaneForwarder start(KafkaBroker kafka, ControlPlaneForwarderSettings settings) {
        ControlPlaneForwarder forwarder = ControlPlaneForwarder.start(settings,
                KafkaClientSettings.of(kafka.bootstrapServers()), new SimpleMeterRegistry());
        toClose.add(forwarder);
        return forwarder;
    }

    /**
     * Endpoint stats of {@code tenant}: for each proxy of 4 (spread over the partitions by key), one GET and one POST
     * endpoint, in the 2-second window starting {@code second} seconds after T0: GET 200×9 + 500×1, POST 201×4 + 404×1.
     */
    private static List<EnrichedEndpointStats> window(String tenant, TenantPlan plan, long second) {
        List<EnrichedEndpointStats> events = new ArrayList<>();
        for (int proxy = 1; proxy <= 4; proxy++) {
            String id = tenant + "-" + second + "-p" + proxy;
            events.add(event(id + "-get").tenant(tenant, plan).proxy("proxy-" + tenant + "-" + proxy).at(second)
                    .codes(200, 9, 500, 1).latency(500, 90).buckets(50, 6, 100, 4).build());
            events.add(event(id + "-post").tenant(tenant, plan).proxy("proxy-" + tenant + "-" + proxy).at(second)
                    .endpoint("POST", "api.github.com", "/repos/{owner}/{repo}/issues").codes(201, 4, 404, 1)
                    .latency(250, 80).build());
        }
        return events;
    }

    private static final long CALLS_PER_WINDOW = 4 * (10 + 5);
    private static final long ERRORS_PER_WINDOW = 4 * (1 + 1);

    private static void produce(KafkaBroker kafka, String topic, List<EnrichedEndpointStats> events) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<?>> sent = new ArrayList<>();
            for (EnrichedEndpointStats e : events) {
                byte[] key = e.getHeader().getProxyId().getBytes(StandardCharsets.UTF_8);
                sent.add(producer.send(new ProducerRecord<>(topic, key, CODEC.encode(e))));
            }
            for (var f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("produce failed", e);
        }
    }

    private static Map<Integer, Long> endOffsets(KafkaBroker kafka, String topic) {
        try (Admin admin = admin(kafka)) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(specs).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The group's committed offsets by partition (absent: nothing committed). */
    private static Map<Integer, Long> committed(KafkaBroker kafka, String group) {
        try (Admin admin = admin(kafka)) {
            Map<Integer, Long> out = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            offsets.forEach((tp, om) -> {
                if (om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Admin admin(KafkaBroker kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** GET /api/v1/tenants/{tenant}/{what} over T0 .. T0 + 3 h. */
    private static JsonNode query(String tenant, String token, String what) {
        try {
            URI uri = cp.url().resolve("/api/v1/tenants/" + tenant + "/" + what + "?from=" + T0 + "&to="
                    + T0.plus(Duration.ofHours(3)));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return AggregateWire.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long calls(String tenant, Map<String, String> tokens) {
        return query(tenant, tokens.get(tenant), "summary").at("/totals/calls").asLong();
    }

    @Test
    void controlPlaneTenantsTotalsArriveOnceAndOtherPlansNeverReachTheControlPlane(KafkaBroker kafka) {
        Topic topic = topic(kafka);
        Map<String, String> tokens = tenants("acme-1", "osco-1", "sandy-1");
        List<EnrichedEndpointStats> events = new ArrayList<>();
        for (long second : List.of(0L, 2L, 4L)) {
            for (EnrichedEndpointStats e : window("acme-1", TenantPlan.CONTROL_PLANE, second)) {
                events.add(e);
                events.add(e); // a duplicate right behind it (a producer retry): counted once
            }
            events.addAll(window("osco-1", TenantPlan.OPEN_SOURCE, second));
            events.addAll(window("sandy-1", TenantPlan.SANDBOX, second));
        }
        produce(kafka, topic.name(), events);

        ControlPlaneForwarder forwarder = start(kafka, settings(topic, tokens).build());

        await().atMost(WAIT).until(() -> calls("acme-1", tokens) == 3 * CALLS_PER_WINDOW
                && sum(committed(kafka, topic.group())) == events.size());
        JsonNode acme = query("acme-1", tokens.get("acme-1"), "summary");
        assertThat(acme.at("/totals/errors").asLong()).isEqualTo(3 * ERRORS_PER_WINDOW);
        assertThat(acme.at("/totals/windows").asLong()).isEqualTo(3);
        assertThat(query("acme-1", tokens.get("acme-1"), "windows").get("windows"))
                .allSatisfy(w -> assertThat(w.get("sourceEvents").asLong()).isEqualTo(8));
        for (String other : List.of("osco-1", "sandy-1")) {
            JsonNode s = query(other, tokens.get(other), "summary");
            assertThat(s.at("/totals/calls").asLong()).as(other).isZero();
            assertThat(s.get("endpoints")).as(other).isEmpty();
        }
        AggregatorCounts counts = forwarder.counts();
        assertThat(counts.duplicates()).isEqualTo(24);
        assertThat(counts.droppedOpenSource()).isEqualTo(24);
        assertThat(counts.droppedSandbox()).isEqualTo(24);
        assertThat(forwarder.isHealthy()).as(forwarder.healthDetail()).isTrue();
        assertThat(forwarder.healthDetail()).startsWith("UP: consumer UP").contains("pending 0;");

        // a replay of the whole topic by another group sends every window again: totals unchanged
        String replayGroup = topic.group() + "-replay";
        start(kafka, settings(topic, tokens).groupId(replayGroup).build());
        await().atMost(WAIT).until(() -> sum(committed(kafka, replayGroup)) == events.size());
        assertThat(calls("acme-1", tokens)).isEqualTo(3 * CALLS_PER_WINDOW);
        assertThat(query("acme-1", tokens.get("acme-1"), "summary").at("/totals/errors").asLong())
                .isEqualTo(3 * ERRORS_PER_WINDOW);
    }

    @Test
    void stoppedBeforeItsWindowIsSentTheForwarderLosesNothingAndCountsNothingTwiceAfterARestart(KafkaBroker kafka) {
        Topic topic = topic(kafka);
        Map<String, String> tokens = tenants("acme-2");
        long later = Duration.ofHours(2).toSeconds();
        produce(kafka, topic.name(), window("acme-2", TenantPlan.CONTROL_PLANE, 0));
        Map<Integer, Long> firstOfLaterWindow = endOffsets(kafka, topic.name());
        produce(kafka, topic.name(), window("acme-2", TenantPlan.CONTROL_PLANE, later));
        // An hour of lateness: the later window's own events close the first one, and nothing closes the later one.
        // (The correction horizon keeps first-window events read after later ones from being dropped as too late.)
        ControlPlaneForwarder first = start(kafka, settings(topic, tokens).allowedLateness(Duration.ofHours(1))
                .correctionHorizon(Duration.ofHours(3)).build());

        await().atMost(WAIT).until(() -> first.counts().accepted() == 16 && calls("acme-2", tokens) == CALLS_PER_WINDOW);
        first.close();

        assertThat(calls("acme-2", tokens)).as("the later window was never sent").isEqualTo(CALLS_PER_WINDOW);
        Map<Integer, Long> committed = committed(kafka, topic.group());
        committed.forEach((partition, offset) -> assertThat(offset).as("partition %d", partition)
                .isLessThanOrEqualTo(firstOfLaterWindow.get(partition)));

        start(kafka, settings(topic, tokens).build());

        await().atMost(WAIT).until(() -> calls("acme-2", tokens) == 2 * CALLS_PER_WINDOW
                && sum(committed(kafka, topic.group())) == 16);
        JsonNode windows = query("acme-2", tokens.get("acme-2"), "windows").get("windows");
        assertThat(windows).hasSize(2).allSatisfy(w -> assertThat(w.get("sourceEvents").asLong()).isEqualTo(8));
        assertThat(query("acme-2", tokens.get("acme-2"), "summary").at("/totals/errors").asLong())
                .isEqualTo(2 * ERRORS_PER_WINDOW);
    }

    @Test
    void aRejectedTokenTurnsHealthDownNamingTheTenantAndTheFixAndCommitsNothingOfItsWindow(KafkaBroker kafka) {
        Topic topic = topic(kafka);
        Map<String, String> tokens = tenants("acme-3", "beta-3");
        Map<String, String> betaWrong = Map.of("acme-3", tokens.get("acme-3"), "beta-3", "not-the-token-0123456789");
        ControlPlaneForwarder wrong = start(kafka, settings(topic, betaWrong).authRetryInterval(Duration.ofMillis(500))
                .build());
        produce(kafka, topic.name(), window("acme-3", TenantPlan.CONTROL_PLANE, 0));
        await().atMost(WAIT).until(() -> calls("acme-3", tokens) == CALLS_PER_WINDOW
                && sum(committed(kafka, topic.group())) == 8);

        // a later window: acme's has passed its correction horizon by now, so anything for it would be too late
        produce(kafka, topic.name(), window("beta-3", TenantPlan.CONTROL_PLANE, 60));

        await().atMost(WAIT).until(() -> !wrong.isHealthy());
        assertThat(wrong.healthDetail()).contains("tenant beta-3", "401",
                ControlPlaneForwarderSettings.TENANT_TOKENS + ".beta-3");
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> sum(committed(kafka, topic.group())) == 8
                && calls("beta-3", tokens) == 0);
        wrong.close();

        ControlPlaneForwarder fixed = start(kafka, settings(topic, tokens).build());

        await().atMost(WAIT).until(() -> calls("beta-3", tokens) == CALLS_PER_WINDOW
                && sum(committed(kafka, topic.group())) == 16);
        assertThat(calls("acme-3", tokens)).isEqualTo(CALLS_PER_WINDOW);
        assertThat(fixed.isHealthy()).as(fixed.healthDetail()).isTrue();
    }

    @Test
    void retriableAnswersAreRetriedNotBeforeRetryAfterAndARefusedWindowIsCountedNamedAndDone(KafkaBroker kafka) {
        Topic topic = topic(kafka);
        List<Long> requestTimes = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        // first answer 503 with Retry-After: 1, then 400 for ever
        DisposableServer stub = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.put("/api/v1/aggregates", (req, res) -> req.receive().aggregate().asString()
                        .flatMap(body -> {
                            requestTimes.add(System.nanoTime());
                            boolean first = requests.getAndIncrement() == 0;
                            return res.status(first ? 503 : 400).header("Retry-After", first ? "1" : "0")
                                    .sendString(Mono.just(first ? "busy" : "{\"error\":\"bad aggregate\"}")).then();
                        })))
                .bindNow(Duration.ofSeconds(30));
        toClose.add(() -> stub.disposeNow(Duration.ofSeconds(10)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ControlPlaneForwarder forwarder = ControlPlaneForwarder.start(settings(topic, Map.of("acme-5",
                "acme-5-token-0123456789abcdef")).controlPlaneUrl(URI.create("http://127.0.0.1:" + stub.port()))
                .build(), KafkaClientSettings.of(kafka.bootstrapServers()), registry);
        toClose.add(forwarder);

        // one proxy's events: one partition, so one partial window, sent once (503) and again (400)
        produce(kafka, topic.name(), window("acme-5", TenantPlan.CONTROL_PLANE, 0).stream()
                .filter(e -> e.getHeader().getProxyId().endsWith("-1")).toList());

        await().atMost(WAIT).until(() -> sum(committed(kafka, topic.group())) == 2);
        assertThat(requestTimes).hasSize(2);
        assertThat(Duration.ofNanos(requestTimes.get(1) - requestTimes.get(0))).isGreaterThanOrEqualTo(
                Duration.ofSeconds(1));
        assertThat(registry.get("lunar.forwarder.controlplane.sends").tag("outcome", "retry").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("lunar.forwarder.controlplane.sends").tag("outcome", "rejected").counter().count())
                .isEqualTo(1);
        assertThat(forwarder.isHealthy()).isTrue();
        assertThat(forwarder.healthDetail()).contains("1 windows refused by the control plane", "tenant acme-5",
                "HTTP 400", "bad aggregate");
    }
}
