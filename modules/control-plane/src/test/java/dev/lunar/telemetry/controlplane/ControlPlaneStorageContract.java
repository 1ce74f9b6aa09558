package dev.lunar.telemetry.controlplane;

import static dev.lunar.telemetry.controlplane.Batches.batch;
import static dev.lunar.telemetry.controlplane.Batches.ep;
import static dev.lunar.telemetry.controlplane.Batches.window;
import static dev.lunar.telemetry.controlplane.Batches.withSourceEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every storage back end must do, through the public HTTP API: store, upsert by idempotency key (redelivery
 * and replay never double-count; a correction replaces; a stale recomputation is ignored), store nothing for a
 * refused request, and keep everything across a restart. Run against embedded H2 and a real PostgreSQL.
 */
abstract class ControlPlaneStorageContract {
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final AtomicInteger TENANTS = new AtomicInteger();

    /** Settings of the back end under test; tenants and port are added by the contract. */
    abstract ControlPlaneSettings.Builder storage();

    /** A tenant id not used by any other test of this run. */
    static String freshTenant() {
        return "acme-" + TENANTS.incrementAndGet();
    }

    static String tokenOf(String tenant) {
        return "token-of-" + tenant + "-0123456789";
    }

    ControlPlaneServer start(String... tenants) {
        ControlPlaneSettings.Builder b = storage().port(0);
        for (String t : tenants) {
            b.tenantToken(t, tokenOf(t));
        }
        return ControlPlaneServer.start(b.build(), new SimpleMeterRegistry());
    }

    static JsonNode summary(ControlPlaneServer cp, String tenant) {
        TestHttp.Answer a = TestHttp.get(cp.url(), HttpApi.API + "/tenants/" + tenant + "/summary?from=" + T0
                + "&to=" + T0.plusSeconds(3600), tokenOf(tenant));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json();
    }

    static JsonNode endpointRows(ControlPlaneServer cp, String tenant) {
        TestHttp.Answer a = TestHttp.get(cp.url(), HttpApi.API + "/tenants/" + tenant + "/aggregates?from=" + T0
                + "&to=" + T0.plusSeconds(3600), tokenOf(tenant));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().get("endpoints");
    }

    static ObjectNode twoEndpointWindow(String tenant, Instant start) {
        return window(tenant, start, List.of(
                ep("api.stripe.com", "GET", "/v1/customers/{id}", 90, 5, 3, 2, 12_000, 900, 193.75),
                ep("api.github.com", "GET", "/repos/{owner}/{repo}", 20, 0, 0, 0, 1_000, 80, null)));
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension.class)
    void eachTenantSeesWhatWasSentAboutItAndOnlyItsOwnEntries(dev.lunar.telemetry.kafka.embedded.KafkaBroker kafka) {
        String acme = freshTenant();
        String globex = freshTenant();
        String topic = kafka.uniqueTopic("audit");
        var settings = dev.lunar.telemetry.consumer.audit.AuditSettings.defaults().withTopic(topic);
        var client = dev.lunar.telemetry.kafka.runtime.KafkaClientSettings.of(kafka.bootstrapServers());
        byte[] shared = ("[{\"message\":\"acme-first\",\"tenant\":{\"id\":\"" + acme + "\"}},"
                + "{\"message\":\"globex-only\",\"tenant\":{\"id\":\"" + globex + "\"}},"
                + "{\"message\":\"acme-second\",\"tenant\":{\"id\":\"" + acme + "\"}}]")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] windows = ("{\"tenant\":\"" + globex + "\",\"windows\":[{\"calls\":7}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Instant before = Instant.now().minusSeconds(60);
        dev.lunar.telemetry.events.avro.AuditRecord logs;
        try (var trail = dev.lunar.telemetry.consumer.audit.AuditTrail.kafka(client, settings, "contract")) {
            logs = trail.record(new dev.lunar.telemetry.consumer.audit.AuditEntry("datadog-logs",
                    "http-intake.logs.datadoghq.eu", List.of(acme, globex, acme), shared))
                    .block(java.time.Duration.ofSeconds(60));
            trail.record(new dev.lunar.telemetry.consumer.audit.AuditEntry("control-plane", "127.0.0.1:8480",
                    List.of(globex), windows)).block(java.time.Duration.ofSeconds(60));
        }
        try (ControlPlaneServer cp = start(acme, globex)) {
            cp.followAuditTrail(client, topic);
            String range = "?from=" + before + "&to=" + Instant.now().plusSeconds(60);
            String acmePath = HttpApi.API + "/tenants/" + acme + "/sent" + range;
            JsonNode acmeView = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                    .until(() -> TestHttp.get(cp.url(), acmePath, tokenOf(acme)),
                            a -> a.status() == 200 && a.json().get("requests").size() == 1).json();
            JsonNode request = acmeView.get("requests").get(0);
            assertThat(request.get("destination").asText()).isEqualTo("datadog-logs");
            assertThat(request.get("destinationHost").asText()).isEqualTo("http-intake.logs.datadoghq.eu");
            assertThat(request.get("bodySha256").asText()).isEqualTo(logs.getBodySha256());
            assertThat(request.get("entryCount").asInt()).isEqualTo(2);
            assertThat(request.get("bodyEntries").asInt()).isEqualTo(3);
            assertThat(request.get("entries").findValuesAsText("message")).containsExactly("acme-first", "acme-second");
            assertThat(acmeView.toString()).doesNotContain("globex-only").doesNotContain(globex);

            String globexPath = HttpApi.API + "/tenants/" + globex + "/sent" + range;
            JsonNode globexView = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                    .until(() -> TestHttp.get(cp.url(), globexPath, tokenOf(globex)),
                            a -> a.status() == 200 && a.json().get("requests").size() == 2).json();
            assertThat(globexView.get("requests").findValuesAsText("destination"))
                    .containsExactlyInAnyOrder("datadog-logs", "control-plane");
            assertThat(globexView.toString()).contains("globex-only").doesNotContain("acme-first")
                    .doesNotContain("acme-second");

            assertThat(TestHttp.get(cp.url(), acmePath, tokenOf(globex)).status()).isEqualTo(403);
            assertThat(TestHttp.get(cp.url(), acmePath, null).status()).isEqualTo(401);
        }
    }

    @Test
    void aStoredBatchIsAnsweredByTheQueryApi() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            TestHttp.Answer put = TestHttp.put(cp.url(), tokenOf(tenant), batch(tenant, twoEndpointWindow(tenant, T0)));

            assertThat(put.status()).as(put.body()).isEqualTo(200);
            assertThat(put.json().at("/endpoints/stored").asInt()).isEqualTo(2);
            JsonNode rows = endpointRows(cp, tenant);
            assertThat(rows).hasSize(2);
            JsonNode stripe = rows.get(1); // ordered by provider: api.github.com first
            assertThat(stripe.get("idempotencyKey").asText())
                    .isEqualTo(tenant + "|2026-01-05T10:00:00Z|60000|api.stripe.com|GET /v1/customers/{id}");
            assertThat(stripe.get("calls").asLong()).isEqualTo(100);
            assertThat(stripe.get("errors").asLong()).isEqualTo(5);
            assertThat(stripe.get("errorRate").asDouble()).isEqualTo(0.05);
            assertThat(stripe.at("/statusClasses/3xx").asLong()).isEqualTo(5);
            assertThat(stripe.at("/latency/avgMs").asDouble()).isEqualTo(120.0);
            assertThat(stripe.at("/latency/p95Ms").asDouble()).isEqualTo(193.75);
            assertThat(rows.get(0).at("/latency/p95Ms").isNull()).isTrue();

            JsonNode s = summary(cp, tenant);
            assertThat(s.at("/totals/calls").asLong()).isEqualTo(120);
            assertThat(s.at("/totals/errors").asLong()).isEqualTo(5);
            assertThat(s.at("/totals/providers").asInt()).isEqualTo(2);
            assertThat(s.at("/series/0/calls").asLong()).isEqualTo(120);

            TestHttp.Answer windows = TestHttp.get(cp.url(), HttpApi.API + "/tenants/" + tenant + "/windows?from="
                    + T0 + "&to=" + T0.plusSeconds(60), tokenOf(tenant));
            assertThat(windows.status()).isEqualTo(200);
            assertThat(windows.json().at("/windows/0/calls").asLong()).isEqualTo(120);
            assertThat(windows.json().at("/windows/0/providers").asInt()).isEqualTo(2);
            assertThat(windows.json().at("/windows/0/topEndpoints/0/pathTemplate").asText())
                    .isEqualTo("/v1/customers/{id}");
        }
    }

    @Test
    void redeliveringTheSameBatchDoesNotDoubleCount() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            ObjectNode body = batch(tenant, twoEndpointWindow(tenant, T0), twoEndpointWindow(tenant, T0.plusSeconds(60)));

            for (int i = 0; i < 3; i++) {
                assertThat(TestHttp.put(cp.url(), tokenOf(tenant), body).status()).isEqualTo(200);
            }

            assertThat(endpointRows(cp, tenant)).hasSize(4);
            assertThat(summary(cp, tenant).at("/totals/calls").asLong()).isEqualTo(240);
        }
    }

    @Test
    void concurrentDeliveriesOfTheSameBatchStoreOneRowPerKey() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            List<TestHttp.Answer> answers = TestHttp.putConcurrently(cp.url(), tokenOf(tenant),
                    batch(tenant, twoEndpointWindow(tenant, T0)), 8);

            assertThat(answers).extracting(TestHttp.Answer::status).containsOnly(200);
            assertThat(endpointRows(cp, tenant)).hasSize(2);
            assertThat(summary(cp, tenant).at("/totals/calls").asLong()).isEqualTo(120);
        }
    }

    @Test
    void aCorrectionWithMoreSourceEventsReplacesTheRow() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            TestHttp.put(cp.url(), tokenOf(tenant), batch(tenant, twoEndpointWindow(tenant, T0)));
            ObjectNode corrected = batch(tenant, window(tenant, T0, List.of(
                    withSourceEvents(ep("api.stripe.com", "GET", "/v1/customers/{id}", 95, 5, 3, 7, 13_000, 950, 400.0), 2),
                    ep("api.github.com", "GET", "/repos/{owner}/{repo}", 20, 0, 0, 0, 1_000, 80, null))));

            TestHttp.Answer put = TestHttp.put(cp.url(), tokenOf(tenant), corrected);

            assertThat(put.status()).as(put.body()).isEqualTo(200);
            JsonNode rows = endpointRows(cp, tenant);
            assertThat(rows).hasSize(2);
            assertThat(rows.get(1).get("calls").asLong()).isEqualTo(110);
            assertThat(rows.get(1).get("errors").asLong()).isEqualTo(10);
            assertThat(rows.get(1).get("sourceEvents").asLong()).isEqualTo(2);
            assertThat(summary(cp, tenant).at("/totals/calls").asLong()).isEqualTo(130);
        }
    }

    @Test
    void aStaleRecomputationFromFewerEventsIsIgnored() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            ObjectNode complete = batch(tenant, window(tenant, T0, List.of(
                    withSourceEvents(ep("api.stripe.com", "GET", "/v1/customers/{id}", 90, 5, 3, 2, 12_000, 900, 193.75), 3))));
            ObjectNode partial = batch(tenant, window(tenant, T0, List.of(
                    withSourceEvents(ep("api.stripe.com", "GET", "/v1/customers/{id}", 30, 0, 1, 0, 4_000, 300, 150.0), 1))));
            TestHttp.put(cp.url(), tokenOf(tenant), complete);

            TestHttp.Answer put = TestHttp.put(cp.url(), tokenOf(tenant), partial);

            assertThat(put.status()).isEqualTo(200);
            assertThat(put.json().at("/endpoints/ignoredStale").asInt()).isEqualTo(1);
            assertThat(put.json().at("/overviews/ignoredStale").asInt()).isEqualTo(1);
            assertThat(endpointRows(cp, tenant).get(0).get("calls").asLong()).isEqualTo(100);
        }
    }

    @Test
    void aRequestWithAWrongTokenStoresNothing() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            TestHttp.Answer put = TestHttp.put(cp.url(), "not-the-token-of-anyone-at-all",
                    batch(tenant, twoEndpointWindow(tenant, T0)));

            assertThat(put.status()).isEqualTo(401);
            assertThat(endpointRows(cp, tenant)).isEmpty();
        }
    }

    @Test
    void dataSurvivesARestartOnTheSameStorage() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            assertThat(TestHttp.put(cp.url(), tokenOf(tenant), batch(tenant, twoEndpointWindow(tenant, T0))).status())
                    .isEqualTo(200);
        }

        try (ControlPlaneServer restarted = start(tenant)) {
            assertThat(restarted.isHealthy()).isTrue();
            assertThat(summary(restarted, tenant).at("/totals/calls").asLong()).isEqualTo(120);
            // and it still upserts onto the rows written before the restart
            TestHttp.put(restarted.url(), tokenOf(tenant), batch(tenant, twoEndpointWindow(tenant, T0)));
            assertThat(endpointRows(restarted, tenant)).hasSize(2);
        }
    }
}
