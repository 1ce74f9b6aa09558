package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.privacy.IndividualRequestRule;
import dev.lunar.telemetry.processor.tenants.TenantAdmin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code lunar-telemetry run} promises with no configuration: raw events in, enriched events out, and the
 * Datadog dry-run outbox holding the exact Logs v2 and Metrics v2 requests — without a secret or an endpoint stat.
 */
class RunPipelineEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void rawEventsReachTheDryRunOutboxEnrichedAndScrubbed() throws Exception {
        ConfigSource config = ConfigSource.of(Map.of("data-dir", dataDir.toString(), "kafka.embedded.port", "0",
                "ops.port", "-1", "datadog.batch.max-wait", "200ms", "control-plane.port", "0"), Map.of());
        StringWriter printed = new StringWriter();
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true))) {
            assertThat(printed.toString()).contains("Processor: at-least-once")
                    .contains("Datadog: DRY RUN (no DD_API_KEY)");
            try (TenantAdmin admin = TenantAdmin.connect(ProcessorSettings.builder(pipeline.bootstrapServers())
                    .build())) {
                admin.put(TenantMetadata.newBuilder().setId("acme").setName("Acme Corp").setPlan(TenantPlan.CONTROL_PLANE)
                        .setTags(Map.of("team", "payments")).setUpdatedAt(Instant.now()).build());
                admin.put(TenantMetadata.newBuilder().setId("oss").setName("OSS User").setPlan(TenantPlan.OPEN_SOURCE)
                        .setUpdatedAt(Instant.now()).build());
                admin.put(TenantMetadata.newBuilder().setId("sandy").setName("Sandbox User")
                        .setPlan(TenantPlan.SANDBOX).setGithubUsername("sandy-gh").setUpdatedAt(Instant.now()).build());
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    pipeline.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                // P1/P4: request lines of every plan and a DEBUG line each, before the events that must arrive (same
                // key, so the processor has passed them once those are in the outbox)
                for (String tenant : List.of("acme", "oss", "sandy", "stranger")) {
                    RawEvents.droppedLines(tenant, Instant.now()).forEach(line -> producer.send(new ProducerRecord<>(
                            EventKind.LOGS.rawTopic(), "proxy-e2e".getBytes(), RawEvents.encode(line))));
                }
                RawEvents.oneOfEach("acme", Instant.now()).forEach((kind, event) -> producer.send(
                        new ProducerRecord<>(kind.rawTopic(), "proxy-e2e".getBytes(), RawEvents.encode(event))));
            }

            Path outbox = dataDir.resolve("outbox").resolve("datadog");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<JsonNode> requests = requests(outbox);
                assertThat(requests).anySatisfy(r -> assertThat(r.get("url").asText()).endsWith("/api/v2/logs"));
                assertThat(requests).anySatisfy(r -> assertThat(r.get("url").asText()).endsWith("/api/v2/series"));
                String bodies = requests.stream().map(r -> r.get("body").asText()).reduce("", String::concat);
                assertThat(bodies).contains("e2e-log", "e2e-hb", "e2e-pol");
            });

            List<JsonNode> requests = requests(outbox);
            String everything = Files.readString(Files.list(outbox).findFirst().orElseThrow());
            RawEvents.CANARIES.forEach(canary -> assertThat(everything).doesNotContain(canary));
            assertThat(everything).doesNotContain("e2e-ep").doesNotContain("/v1/x");
            assertThat(requests).allSatisfy(r -> assertThat(r.get("headers").toString()).doesNotContainIgnoringCase(
                    "dd-api-key"));
            JsonNode logs = JSON.readTree(requests.stream()
                    .filter(r -> r.get("url").asText().endsWith("/api/v2/logs")).findFirst().orElseThrow()
                    .get("body").asText());
            assertThat(logs.isArray()).isTrue();
            assertThat(logs.toString()).contains("Acme Corp").contains("proxy-e2e");

            // Nothing of a line that describes one request, nor a DEBUG line, reaches Datadog, for any plan.
            assertThat(everything).doesNotContain(RawEvents.DROPPED_MARK).doesNotContain("partner-data")
                    .doesNotContain("access-log");
            List<JsonNode> entries = new ArrayList<>();
            for (JsonNode request : requests) {
                if (request.get("url").asText().endsWith("/api/v2/logs")) {
                    JSON.readTree(request.get("body").asText()).forEach(entries::add);
                }
            }
            assertThat(entries).isNotEmpty().allSatisfy(entry -> {
                assertThat(IndividualRequestRule.isRequestLine(entry.path("message").asText())).as(entry.toString())
                        .isFalse();
                assertThat(IndividualRequestRule.isAccessLogger(entry.path("logger").asText())).isFalse();
            });
            assertThat(pipeline.registry().get("lunar.processor.dropped").tag("reason", "individual-request")
                    .counters()).singleElement().satisfies(c -> assertThat(c.count()).isEqualTo(12));
            assertThat(pipeline.registry().get("lunar.processor.dropped").tag("reason", "log-level")
                    .counters()).singleElement().satisfies(c -> assertThat(c.count()).isEqualTo(4));
        }
    }

    private static List<JsonNode> requests(Path outbox) throws Exception {
        List<JsonNode> requests = new ArrayList<>();
        if (!Files.isDirectory(outbox)) {
            return requests;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        requests.add(JSON.readTree(line));
                    }
                }
            }
        }
        return requests;
    }
}
