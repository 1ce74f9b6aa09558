package dev.lunar.telemetry.controlplane.forwarder;

import static dev.lunar.telemetry.controlplane.forwarder.Stats.T0;
import static dev.lunar.telemetry.controlplane.forwarder.Stats.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lunar.telemetry.controlplane.ControlPlaneServer;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import reactor.core.publisher.Flux;

/**
 * Several forwarder instances in one consumer group on a real broker, against the real control plane (H2): two
 * instances, a third added, one closed, one crashed and replaced, late events (corrections of sent windows), and a
 * replay of the whole topic by another group of two. The control plane's totals — per endpoint, per window, and
 * each endpoint's worst-window p95 — must equal exactly what one forwarder computes from the produced events.
 *
 * <p>Event time is the wall clock (each phase's events are stamped as they are produced), so that the windows of
 * later phases are not "too late" however long a rebalance takes; a late event is stamped 4 s back, well inside the
 * correction horizon (10 s).
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScaledOutForwardersTest {
    private static final AvroCodec<EnrichedEndpointStats> CODEC = AvroCodec.of(EnrichedEndpointStats.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int PARTITIONS = 6;
    private static final int PROXIES = 10;

    @TempDir
    static Path dataDir;
    static ControlPlaneServer cp;

    private final List<ControlPlaneForwarder> running = new ArrayList<>();
    private final List<ControlPlaneForwarder> all = new ArrayList<>();

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
    void closeAll() {
        running.forEach(ControlPlaneForwarder::close);
    }

    @Test
    void totalsStayExactAcrossInstancesRebalancesACrashLateEventsAndAReplay(KafkaBroker kafka) {
        String topic = kafka.uniqueTopic("telemetry.endpoints");
        String group = kafka.uniqueTopic("control-plane-forwarder");
        String dlq = kafka.uniqueTopic("dlq");
        kafka.createTopics(TopicSpec.topic(topic, PARTITIONS), TopicSpec.topic(dlq, 1));
        String tenant = "acme-scale";
        String token = tenant + "-token-0123456789abcdef";
        cp.registerTenantToken(tenant, token);
        cp.registerTenantToken("osco-scale", "osco-scale-token-0123456789abcdef");
        Map<String, String> tokens = Map.of(tenant, token, "osco-scale", "osco-scale-token-0123456789abcdef");
        Instant from = Instant.now().minus(Duration.ofMinutes(10));
        List<EnrichedEndpointStats> produced = new ArrayList<>();

        // two instances
        ControlPlaneForwarder a = start(kafka, settings(topic, group, dlq, tokens));
        ControlPlaneForwarder b = start(kafka, settings(topic, group, dlq, tokens));
        produced.addAll(produce(kafka, topic, phase(tenant, "p1", 0)));
        await().atMost(WAIT).until(() -> calls(tenant, token, from) > 0);

        // a third joins
        start(kafka, settings(topic, group, dlq, tokens));
        produced.addAll(produce(kafka, topic, phase(tenant, "p2", 0)));

        // the first leaves; late events (4 s old) correct windows already sent
        stop(a);
        produced.addAll(produce(kafka, topic, phase(tenant, "p3", 4)));

        // the second crashes and a fourth takes its place
        b.crash();
        running.remove(b);
        produced.addAll(produce(kafka, topic, phase(tenant, "p4", 0)));
        start(kafka, settings(topic, group, dlq, tokens));
        produced.addAll(produce(kafka, topic, phase(tenant, "p5", 4)));

        Expected expected = expected(produced, settings(topic, group, dlq, tokens));
        await().atMost(WAIT).until(() -> calls(tenant, token, from) == expected.calls
                && sum(committed(kafka, group)) == produced.size());
        assertExact(tenant, token, from, expected);
        assertThat(all.stream().mapToLong(f -> f.counts().tooLate()).sum())
                .as("no event may be too late, or the expectation is wrong").isZero();
        assertThat(query("osco-scale", tokens.get("osco-scale"), "summary", from).at("/totals/calls").asLong())
                .isZero();

        // a replay of the whole topic by another group of two: every partial again, totals unchanged
        String replay = group + "-replay";
        start(kafka, settings(topic, replay, dlq, tokens));
        start(kafka, settings(topic, replay, dlq, tokens));
        await().atMost(WAIT).until(() -> sum(committed(kafka, replay)) == produced.size());
        assertExact(tenant, token, from, expected);
    }

    // ---- traffic --------------------------------------------------------------------------------------------------

    /**
     * One phase of traffic, stamped now (minus {@code lateSeconds} for every third proxy, whose events are then late
     * corrections of windows already sent): per proxy a GET (with a histogram) and a POST, the GET also delivered
     * twice (a producer retry), plus an open-source tenant's traffic that must never arrive.
     */
    private static List<EnrichedEndpointStats> phase(String tenant, String phase, long lateSeconds) {
        List<EnrichedEndpointStats> events = new ArrayList<>();
        long now = Duration.between(T0, Instant.now()).toSeconds();
        for (int proxy = 1; proxy <= PROXIES; proxy++) {
            long at = proxy % 3 == 0 ? now - lateSeconds : now;
            String id = tenant + "-" + phase + "-" + proxy;
            EnrichedEndpointStats get = event(id + "-get").tenant(tenant, TenantPlan.CONTROL_PLANE)
                    .proxy("proxy-" + proxy).at(at).codes(200, 5 + proxy, 302, 1, 404, proxy % 2, 503, proxy % 3)
                    .latency(40L * proxy, 20L + 7 * proxy).buckets(25, 2, 50, proxy, 100, 3, 250, proxy % 4)
                    .overflow(proxy % 2).build();
            events.add(get);
            events.add(get);
            events.add(event(id + "-post").tenant(tenant, TenantPlan.CONTROL_PLANE).proxy("proxy-" + proxy).at(at)
                    .endpoint("POST", "api.github.com", "/repos/{owner}/{repo}/issues").codes(201, proxy, 422, 1)
                    .latency(30L * proxy, 10L + proxy).buckets(10, proxy, 100, 1).build());
            events.add(event(id + "-osco").tenant("osco-scale", TenantPlan.OPEN_SOURCE).proxy("proxy-" + proxy)
                    .at(at).codes(200, 100).latency(1, 1).build());
        }
        return events;
    }

    private static List<EnrichedEndpointStats> produce(KafkaBroker kafka, String topic,
                                                       List<EnrichedEndpointStats> events) {
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
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("produce failed", e);
        }
        return events;
    }

    // ---- forwarders -----------------------------------------------------------------------------------------------

    private static ControlPlaneForwarderSettings settings(String topic, String group, String dlq,
                                                          Map<String, String> tokens) {
        return ControlPlaneForwarderSettings.builder()
                .controlPlaneUrl(cp.url())
                .tenantTokens(tokens)
                .window(Duration.ofSeconds(2))
                .allowedLateness(Duration.ofSeconds(1))
                .correctionHorizon(Duration.ofSeconds(10))
                .idleTick(Duration.ofMillis(200))
                .topic(topic)
                .groupId(group)
                .deadLetterTopic(dlq)
                .batching(50, Duration.ofMillis(200))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(20))
                .build();
    }

    private ControlPlaneForwarder start(KafkaBroker kafka, ControlPlaneForwarderSettings settings) {
        ControlPlaneForwarder f = ControlPlaneForwarder.start(settings, KafkaClientSettings.of(kafka.bootstrapServers()),
                new SimpleMeterRegistry());
        running.add(f);
        all.add(f);
        return f;
    }

    private void stop(ControlPlaneForwarder f) {
        f.close();
        running.remove(f);
    }

    // ---- what one forwarder computes from the produced events -------------------------------------------------------

    private record Expected(long calls, long errors, Map<String, long[]> byEndpoint, Map<String, Double> worstP95,
                            Map<Instant, long[]> byWindow) {}

    /** Whole windows of one forwarder reading everything once: the figures the control plane must show. */
    private static Expected expected(List<EnrichedEndpointStats> produced, ControlPlaneForwarderSettings settings) {
        List<WindowAggregate> windows = new WindowedEndpointAggregator(settings, null)
                .aggregate(Flux.fromIterable(produced)).collectList().block(Duration.ofSeconds(60));
        Map<Instant, WindowAggregate> latest = new HashMap<>();
        for (WindowAggregate w : windows) {
            latest.merge(w.windowStart(), w, (x, y) -> y.revision() > x.revision() ? y : x);
        }
        long calls = 0;
        long errors = 0;
        Map<String, long[]> byEndpoint = new TreeMap<>();
        Map<String, Double> worst = new TreeMap<>();
        Map<Instant, long[]> byWindow = new TreeMap<>();
        for (WindowAggregate w : latest.values()) {
            byWindow.put(w.windowStart(), new long[] {w.overview().calls(), w.overview().errors(), w.sourceEvents()});
            for (EndpointAggregate e : w.endpoints()) {
                calls += e.calls();
                errors += e.errors();
                long[] sums = byEndpoint.computeIfAbsent(e.endpoint().method() + " " + e.endpoint().provider()
                        + e.endpoint().pathTemplate(), k -> new long[7]);
                sums[0] += e.calls();
                sums[1] += e.errors();
                sums[2] += e.statusClasses().s2xx();
                sums[3] += e.statusClasses().s3xx();
                sums[4] += e.statusClasses().s4xx();
                sums[5] += e.statusClasses().s5xx();
                sums[6] += e.latencySumMs();
                if (e.latencyP95Ms().isPresent()) {
                    worst.merge(e.endpoint().method() + " " + e.endpoint().provider() + e.endpoint().pathTemplate(),
                            e.latencyP95Ms().getAsDouble(), Math::max);
                }
            }
        }
        return new Expected(calls, errors, byEndpoint, worst, byWindow);
    }

    private static void assertExact(String tenant, String token, Instant from, Expected expected) {
        JsonNode summary = query(tenant, token, "summary", from);
        assertThat(summary.at("/totals/calls").asLong()).isEqualTo(expected.calls);
        assertThat(summary.at("/totals/errors").asLong()).isEqualTo(expected.errors);
        assertThat(summary.at("/totals/windows").asLong()).isEqualTo(expected.byWindow.size());
        Map<String, long[]> byEndpoint = new TreeMap<>();
        Map<String, Double> worst = new TreeMap<>();
        for (JsonNode e : summary.get("endpoints")) {
            String key = e.get("method").asText() + " " + e.get("provider").asText() + e.get("pathTemplate").asText();
            byEndpoint.put(key, new long[] {e.get("calls").asLong(), e.get("errors").asLong(),
                    e.at("/statusClasses/2xx").asLong(), e.at("/statusClasses/3xx").asLong(),
                    e.at("/statusClasses/4xx").asLong(), e.at("/statusClasses/5xx").asLong(),
                    Math.round(e.get("latencyAvgMs").asDouble() * e.get("calls").asLong())});
            worst.put(key, e.get("latencyWorstWindowP95Ms").asDouble());
        }
        assertThat(byEndpoint.keySet()).isEqualTo(expected.byEndpoint.keySet());
        expected.byEndpoint.forEach((key, sums) -> assertThat(byEndpoint.get(key)).as(key).containsExactly(sums));
        expected.worstP95.forEach((key, p95) -> assertThat(worst.get(key)).as("worst p95 of " + key)
                .isCloseTo(p95, org.assertj.core.data.Offset.offset(1e-9)));

        Map<Instant, long[]> byWindow = new LinkedHashMap<>();
        Set<String> keys = new HashSet<>();
        for (JsonNode w : query(tenant, token, "windows", from).get("windows")) {
            byWindow.put(Instant.parse(w.get("windowStart").asText()), new long[] {w.get("calls").asLong(),
                    w.get("errors").asLong(), w.get("sourceEvents").asLong()});
            keys.add(w.get("idempotencyKey").asText());
        }
        assertThat(byWindow.keySet()).containsExactlyElementsOf(expected.byWindow.keySet());
        expected.byWindow.forEach((start, figures) -> assertThat(byWindow.get(start)).as("window " + start)
                .containsExactly(figures));
        assertThat(keys).allSatisfy(k -> assertThat(k).doesNotContain("|p"));
    }

    // ---- queries --------------------------------------------------------------------------------------------------

    private static long calls(String tenant, String token, Instant from) {
        return query(tenant, token, "summary", from).at("/totals/calls").asLong();
    }

    private static JsonNode query(String tenant, String token, String what, Instant from) {
        try {
            URI uri = cp.url().resolve("/api/v1/tenants/" + tenant + "/" + what + "?from=" + from + "&to="
                    + from.plus(Duration.ofHours(1)));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return AggregateWire.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<Integer, Long> committed(KafkaBroker kafka, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
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
}
