package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.cli.inventory.DataInventory;
import dev.lunar.telemetry.cli.inventory.InventoryCheck;
import dev.lunar.telemetry.cli.inventory.SentKeys;
import dev.lunar.telemetry.datadog.intake.IntakeContract;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.events.inventory.OutgoingField;
import dev.lunar.telemetry.events.inventory.OutgoingField.Destination;
import dev.lunar.telemetry.events.inventory.OutgoingField.Kind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data inventory against real payloads (DESIGN.md P7): the seeded demo fleet (every plan, planted secrets) runs
 * through the embedded broker, the processor, the Datadog forwarder in dry-run (the outbox holds the exact requests)
 * and the control-plane forwarder (to the real control plane, through a loopback server that records each body
 * before passing it on); every key of every payload must be in {@code docs/data-inventory.md} for the plan of the
 * tenant whose data it carries.
 */
class RealPayloadsInventoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private final List<String> controlPlaneBodies = new CopyOnWriteArrayList<>();
    private final AtomicReference<URI> controlPlane = new AtomicReference<>();
    private HttpServer recorder;

    @AfterEach
    void stopRecorder() {
        if (recorder != null) {
            recorder.stop(0);
        }
    }

    @Test
    void everyKeyOfEveryLogEntrySeriesAndAggregateIsInTheInventory() throws Exception {
        startRecorder();
        Map<String, String> tokens = DemoFleet.dashboardTokens();
        ConfigSource config = ConfigSource.of(Map.of("data-dir", dataDir.toString(), "kafka.embedded.port", "0",
                "ops.port", "-1", "datadog.batch.max-wait", "300ms", "control-plane.port", "0",
                "control-plane-forwarder.url", "http://127.0.0.1:" + recorder.getAddress().getPort(),
                "control-plane-forwarder.window", "2s", "control-plane-forwarder.allowed-lateness", "1s"), Map.of());
        StringWriter printed = new StringWriter();
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true),
                true, EnumSet.allOf(Pipeline.Service.class), tokens)) {
            controlPlane.set(pipeline.controlPlane().orElseThrow().url());
            DemoFleet demo = pipeline.attach("demo fleet", DemoFleet.start(pipeline.bootstrapServers(),
                    new PrintWriter(printed, true)));
            Map<String, TenantPlan> plans = plans(demo.tenants());
            assertThat(plans.values()).containsExactlyInAnyOrder(TenantPlan.values());

            Path outbox = dataDir.resolve("outbox").resolve("datadog");
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                List<SentKeys> sent = datadog(outbox);
                assertThat(plansOf(sent, Destination.DATADOG_LOGS)).containsExactlyInAnyOrder(TenantPlan.values());
                assertThat(plansOf(sent, Destination.DATADOG_METRICS)).containsExactlyInAnyOrder(TenantPlan.values());
                assertThat(names(sent, Kind.JSON_KEY)).contains("event_type", "enabled_policies", "attributes",
                        "environment");
                assertThat(controlPlaneBodies.stream().map(RealPayloadsInventoryTest::tenantOf))
                        .containsAll(tokens.keySet());
            });

            List<SentKeys> sent = new ArrayList<>(datadog(outbox));
            controlPlaneBodies.forEach(b -> sent.add(SentKeys.ofAggregatesBody(b, plans::get)));
            InventoryCheck check = InventoryCheck.ofTheCode(tenantTagKeys(demo.tenants()));

            assertThat(check.problems(sent)).as("keys sent that %s does not list", DataInventory.DOCUMENT).isEmpty();
            System.out.printf("data inventory held against %d log entries, %d series, %d control-plane bodies: "
                    + "%d distinct keys%n", count(sent, Destination.DATADOG_LOGS), count(sent,
                    Destination.DATADOG_METRICS), controlPlaneBodies.size(), sent.stream()
                    .flatMap(s -> s.keys().stream()).distinct().count());
            assertThat(sent).extracting(SentKeys::destination).contains(Destination.values());
            // every metric the inventory lists for the Metrics API was really sent
            assertThat(names(sent, Kind.METRIC)).containsAll(listed(Destination.DATADOG_METRICS, Kind.METRIC));
            assertThat(names(sent, Kind.TAG)).contains("tenant", "tenant_id", "plan", "proxy_id", "proxy_version",
                    "process");
            assertThat(controlPlaneBodies).allSatisfy(b -> assertThat(plans.get(tenantOf(b)))
                    .isEqualTo(TenantPlan.CONTROL_PLANE));
            String everything = String.join("\n", outboxBodies(outbox)) + String.join("\n", controlPlaneBodies);
            assertThat(demo.plantedSecrets()).isNotEmpty().allSatisfy(s -> assertThat(everything).doesNotContain(s));
        }
    }

    @Test
    void everyKeyOfEveryDogStatsdLineIsInTheInventory() throws Exception {
        ConfigSource config = ConfigSource.of(Map.of("data-dir", dataDir.toString(), "kafka.embedded.port", "0",
                "ops.port", "-1", "datadog.batch.max-wait", "300ms", "datadog.dogstatsd.enabled", "true"), Map.of());
        StringWriter printed = new StringWriter();
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true),
                true, EnumSet.of(Pipeline.Service.PROCESSOR, Pipeline.Service.DATADOG))) {
            DemoFleet demo = pipeline.attach("demo fleet", DemoFleet.start(pipeline.bootstrapServers(),
                    new PrintWriter(printed, true)));

            Path outbox = dataDir.resolve("outbox").resolve("datadog");
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                List<SentKeys> lines = dogStatsd(outbox);
                assertThat(plansOf(lines, Destination.DATADOG_METRICS)).containsExactlyInAnyOrder(TenantPlan.values());
                assertThat(names(lines, Kind.METRIC)).contains("lunar.proxy.uptime", "lunar.proxy.cpu.percent");
            });

            List<SentKeys> lines = dogStatsd(outbox);
            InventoryCheck check = InventoryCheck.ofTheCode(tenantTagKeys(demo.tenants()));

            assertThat(check.problems(lines)).as("keys sent that %s does not list", DataInventory.DOCUMENT).isEmpty();
            assertThat(names(lines, Kind.METRIC)).containsAll(listed(Destination.DATADOG_METRICS, Kind.METRIC));
            assertThat(names(lines, Kind.TAG)).contains("host", "process");
            assertThat(outboxRequests(outbox)).anySatisfy(r -> assertThat(r.path("method").asText()).isEqualTo("UDP"))
                    .noneSatisfy(r -> assertThat(r.path("url").asText()).endsWith("/api/v2/series"));
        }
    }

    // ---------------------------------------------------------------- the control plane, recorded

    /** A loopback server that records each aggregates body and passes the request on to the real control plane. */
    private void startRecorder() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        recorder.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                URI target = controlPlane.get();
                if (target == null) {
                    respond(exchange, 503, "control plane not started yet");
                    return;
                }
                if (exchange.getRequestMethod().equals("PUT")
                        && exchange.getRequestURI().getPath().equals("/api/v1/aggregates")) {
                    controlPlaneBodies.add(new String(body, StandardCharsets.UTF_8));
                }
                HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Authorization", "Content-Type", "Accept")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        forward.header(header, value);
                    }
                }
                HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders()
                        .set("Content-Type", v));
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1
                        : answer.body().length);
                exchange.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        recorder.start();
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // ---------------------------------------------------------------- the Datadog outbox

    private static List<SentKeys> datadog(Path outbox) throws IOException {
        List<SentKeys> sent = new ArrayList<>();
        for (JsonNode r : outboxRequests(outbox)) {
            String url = r.path("url").asText();
            String body = r.path("body").asText();
            if (url.endsWith(IntakeContract.LOGS_PATH)) {
                // an inventory of bodies Datadog would refuse would prove nothing
                assertThat(IntakeContract.validateLogs(body.getBytes(StandardCharsets.UTF_8))).as(url).isEmpty();
                sent.addAll(SentKeys.ofLogsBody(body));
            } else if (url.endsWith(IntakeContract.SERIES_PATH)) {
                assertThat(IntakeContract.validateSeries(body.getBytes(StandardCharsets.UTF_8))).as(url).isEmpty();
                sent.addAll(SentKeys.ofSeriesBody(body));
            } else if (r.path("method").asText().equals("UDP")) {
                sent.addAll(SentKeys.ofDogStatsdLines(body));
            } else {
                throw new AssertionError("a request to an unexpected Datadog API: " + url);
            }
        }
        return sent;
    }

    private static List<SentKeys> dogStatsd(Path outbox) throws IOException {
        return datadog(outbox).stream().filter(s -> s.what().startsWith("DogStatsD")).toList();
    }

    private static List<JsonNode> outboxRequests(Path outbox) throws IOException {
        List<JsonNode> requests = new ArrayList<>();
        if (!Files.isDirectory(outbox)) {
            return requests;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    // a line being appended is complete only with its newline: readAllLines may see half of it
                    if (!line.isBlank() && line.endsWith("}")) {
                        requests.add(JSON.readTree(line));
                    }
                }
            }
        }
        return requests;
    }

    private static List<String> outboxBodies(Path outbox) throws IOException {
        return outboxRequests(outbox).stream().map(r -> r.path("body").asText()).toList();
    }

    // ---------------------------------------------------------------- helpers

    private static String tenantOf(String aggregatesBody) {
        try {
            return JSON.readTree(aggregatesBody).path("tenant").asText();
        } catch (IOException e) {
            throw new AssertionError("the control plane was sent a body that is not JSON: " + aggregatesBody, e);
        }
    }

    private static Map<String, TenantPlan> plans(List<TenantMetadata> tenants) {
        Map<String, TenantPlan> plans = new HashMap<>();
        tenants.forEach(t -> plans.put(t.getId(), t.getPlan()));
        return plans;
    }

    /** The tenants' own tag keys, as Datadog tags: what a {@code {tenant tag}} may be. */
    private static Map<String, Predicate<String>> tenantTagKeys(List<TenantMetadata> tenants) {
        Set<String> keys = tenants.stream().flatMap(t -> t.getTags().keySet().stream())
                .map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return Map.of("tenant tag", keys::contains);
    }

    private static long count(List<SentKeys> sent, Destination destination) {
        return sent.stream().filter(s -> s.destination() == destination).count();
    }

    private static Set<TenantPlan> plansOf(List<SentKeys> sent, Destination destination) {
        return sent.stream().filter(s -> s.destination() == destination).flatMap(s -> s.plan().stream())
                .collect(Collectors.toSet());
    }

    private static Set<String> names(List<SentKeys> sent, Kind kind) {
        return sent.stream().flatMap(s -> s.keys().stream()).filter(k -> k.kind() == kind)
                .map(SentKeys.Key::toString).collect(Collectors.toSet());
    }

    private static List<String> listed(Destination destination, Kind kind) {
        return DataInventory.fields(destination).stream().filter(f -> f.kind() == kind).map(OutgoingField::key)
                .toList();
    }
}
