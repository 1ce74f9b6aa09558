package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's own monitoring as shipped under {@code deploy/}: the Grafana dashboard and the Prometheus alerting
 * rules are well-formed (every rule with alert, expr, for, a severity and a summary; every PromQL expression, the
 * dashboard's included, accepted by {@code promtool check rules}), and every metric they reference is on the real
 * pipeline's {@code /metrics} after some traffic. {@code promtool} comes from the Debian package {@code prometheus}
 * ({@code .ci/services}); without it the test fails, saying so.
 */
class MonitoringTest {
    static final Path DASHBOARD = repositoryFile("deploy/grafana/lunar-telemetry.json");
    static final Path ALERTS = repositoryFile("deploy/prometheus/alerts.yaml");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    /** Series Prometheus makes itself for every scrape target; never on a target's /metrics. */
    static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");

    /** PromQL words that look like metric names. */
    static final Set<String> PROMQL_WORDS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk",
            "bottomk", "quantile", "count_values", "group", "by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "rate", "irate", "increase", "delta", "idelta",
            "deriv", "abs", "histogram_quantile", "clamp_min", "clamp_max", "vector", "scalar", "time", "absent",
            "changes", "resets", "label_replace", "max_over_time", "min_over_time", "avg_over_time", "inf", "nan");

    @TempDir
    Path dir;

    static Path repositoryFile(String relative) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + here);
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    static List<JsonNode> rules() throws IOException {
        JsonNode root = new YAMLMapper().readTree(ALERTS.toFile());
        List<JsonNode> rules = new ArrayList<>();
        root.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    /** Panel title → its PromQL expressions. */
    static Map<String, List<String>> dashboardExpressions() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            List<String> exprs = new ArrayList<>();
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
            out.put(panel.path("title").asText(), exprs);
        }
        return out;
    }

    /** Metric names in a PromQL expression: identifiers outside label matchers, grouping lists and strings. */
    static Set<String> metricNames(String promql) {
        String s = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                .replaceAll("\\$__\\w+", "");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()").matcher(s);
        while (m.find()) {
            String word = m.group(1);
            if (!PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    @Test
    void theDashboardIsAGrafanaDashboardWithAQueryInEveryPanel() throws IOException {
        JsonNode d = dashboard();
        assertThat(d.path("uid").asText()).isEqualTo("lunar-telemetry");
        assertThat(d.path("title").asText()).isNotBlank();
        assertThat(d.path("__inputs").findValuesAsText("pluginId")).containsExactly("prometheus");
        Set<Integer> ids = new HashSet<>();
        d.path("panels").forEach(p -> assertThat(ids.add(p.path("id").asInt())).as("unique panel id").isTrue());
        Map<String, List<String>> exprs = dashboardExpressions();
        assertThat(exprs.keySet()).contains("Processor in / out (records/s)", "Forwarders: records done (records/s)",
                "Consumer lag per group (records)", "Dead letters by reason (records/min)",
                "Dropped by reason (records/min)", "Redactions by pattern (per min)",
                "Datadog answers (requests/s)", "Control plane: windows sent / accepted / refused");
        exprs.forEach((title, list) -> assertThat(list).as(title).isNotEmpty().allSatisfy(e -> assertThat(e)
                .isNotBlank()));
    }

    @Test
    void everyAlertRuleHasWhatOnCallNeedsAndEveryExpressionParses() throws Exception {
        List<JsonNode> rules = rules();
        assertThat(rules).extracting(r -> r.path("alert").asText()).contains("LunarForwarderLagGrowing",
                "LunarDeadLetters", "LunarDatadogKeyRejected", "LunarControlPlaneRefusing",
                "LunarControlPlaneFailing", "LunarProcessorRestartLoop", "LunarComponentDown");
        assertThat(rules).allSatisfy(r -> {
            String name = r.path("alert").asText();
            assertThat(name).as("alert name").matches("[A-Z][A-Za-z0-9]+");
            assertThat(r.path("expr").asText()).as(name + " expr").isNotBlank();
            assertThat(r.path("for").asText()).as(name + " for").matches("\\d+[smh]");
            assertThat(r.path("labels").path("severity").asText()).as(name + " severity")
                    .isIn("critical", "warning");
            assertThat(r.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(r.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
        });

        assertThat(promtool("check", "rules", ALERTS.toString())).contains("SUCCESS: " + rules.size() + " rules found");

        // The dashboard's queries, as recording rules, so promtool parses them too ($__rate_interval is Grafana's).
        StringBuilder recording = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (List<String> exprs : dashboardExpressions().values()) {
            for (String expr : exprs) {
                recording.append("      - record: dashboard:query_").append(n++).append("\n        expr: '")
                        .append(expr.replace("$__rate_interval", "5m").replace("'", "''")).append("'\n");
            }
        }
        Path file = dir.resolve("dashboard-rules.yaml");
        Files.writeString(file, recording);
        assertThat(promtool("check", "rules", file.toString())).contains("SUCCESS: " + n + " rules found");
    }

    static String promtool(String... args) throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            fail(PROMTOOL + " is missing: run .ci/services (as root) to install the Debian package prometheus");
        }
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    @Test
    void metricNamesAreFoundInPromQl() {
        assertThat(metricNames("sum by (kind, reason) (increase(lunar_processor_dead_letters_total{kind=~\"a|b\"}[10m])) > 0"))
                .containsExactly("lunar_processor_dead_letters_total");
        assertThat(metricNames("max by (consumer) (lunar_consumer_lag) > 10000 and max by (consumer)"
                + " (deriv(lunar_consumer_lag[10m])) > 0")).containsExactly("lunar_consumer_lag");
        assertThat(metricNames("up{job=\"lunar-telemetry\"} == 0")).containsExactly("up");
        assertThat(metricNames("sum(rate(a_seconds_sum[$__rate_interval])) / sum(rate(a_seconds_count[5m]))"))
                .containsExactly("a_seconds_count", "a_seconds_sum");
    }

    /**
     * Every name the dashboard and the alerts use is on the real pipeline's /metrics after a few events: a
     * renamed meter, or one registered only on its first event, fails here instead of in an incident.
     */
    @Test
    void everyReferencedMetricIsOnTheRealPipelinesMetricsEndpoint() throws Exception {
        Set<String> referenced = new TreeSet<>();
        dashboardExpressions().values().forEach(list -> list.forEach(e -> referenced.addAll(metricNames(e))));
        for (JsonNode rule : rules()) {
            referenced.addAll(metricNames(rule.path("expr").asText()));
        }
        assertThat(referenced).contains("lunar_processor_records_in_total", "lunar_consumer_lag",
                "datadog_forwarder_requests_total", "lunar_forwarder_controlplane_sends_total");

        ConfigSource config = ConfigSource.of(Map.of("data-dir", dir.resolve("data").toString(),
                "kafka.embedded.port", "0", "ops.port", "0", "control-plane.port", "0",
                "datadog.batch.max-wait", "200ms"), Map.of());
        StringWriter printed = new StringWriter();
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), new PrintWriter(printed, true))) {
            String opsUrl = printed.toString().lines().filter(l -> l.startsWith("Metrics: ")).findFirst()
                    .orElseThrow().replaceAll("Metrics: (\\S+)/metrics.*", "$1");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    pipeline.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                RawEvents.oneOfEach("acme", Instant.now()).forEach((kind, event) -> producer.send(
                        new ProducerRecord<>(kind.rawTopic(), "proxy-monitoring".getBytes(), RawEvents.encode(event))));
            }
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                String scrape = http.send(HttpRequest.newBuilder(URI.create(opsUrl + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                // after traffic: the processor delivered and the Datadog forwarder sent (to its dry-run outbox)
                assertThat(scrape).containsPattern("lunar_processor_records_out_total\\{[^}]*} [1-9]")
                        .containsPattern("datadog_forwarder_requests_total\\{[^}]*outcome=\"accepted\"[^}]*} [1-9]");
            });
            String scrape = http.send(HttpRequest.newBuilder(URI.create(opsUrl + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> exposed = new TreeSet<>();
            scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> exposed.add(l.split("[{ ]", 2)[0]));

            Set<String> missing = new TreeSet<>(referenced);
            missing.removeAll(exposed);
            missing.removeAll(MADE_BY_PROMETHEUS);
            assertThat(missing).as("metrics the dashboard or the alerts use but /metrics lacks").isEmpty();
            assertThat(scrape).as("components report their health as a metric")
                    .contains("lunar_health_up{component=\"processor\"} 1.0");
        }
    }
}
