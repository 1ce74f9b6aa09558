package dev.lunar.telemetry.controlplane;

import static dev.lunar.telemetry.controlplane.Batches.batch;
import static dev.lunar.telemetry.controlplane.Batches.ep;
import static dev.lunar.telemetry.controlplane.Batches.window;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API's answers: authentication, tenant isolation, strict validation, health and the dashboard files. */
class ControlPlaneApiTest {
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    static final String ACME_TOKEN = "acme-secret-token-0123456789";
    static final String GLOBEX_TOKEN = "globex-secret-token-0123456789";

    @TempDir
    static Path dataDir;
    static ControlPlaneServer cp;
    static URI url;

    @BeforeAll
    static void start() {
        cp = ControlPlaneServer.start(ControlPlaneSettings.builder().dataDir(dataDir).port(0)
                .tenantToken("acme", ACME_TOKEN)
                .tenantToken("globex", "sha256:" + TenantTokens.sha256(GLOBEX_TOKEN))
                .maxBodyBytes(64 * 1024)
                .build(), new SimpleMeterRegistry());
        url = cp.url();
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    static ObjectNode oneWindow(String tenant, Instant start) {
        return batch(tenant, window(tenant, start, List.of(
                ep("api.stripe.com", "GET", "/v1/customers/{id}", 90, 5, 3, 2, 12_000, 900, 193.75))));
    }

    @Test
    void listensOnLoopbackAndIsHealthy() {
        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(cp.isHealthy()).isTrue();
        assertThat(cp.healthDetail()).startsWith("control plane on " + url).endsWith("answers");
        TestHttp.Answer health = TestHttp.get(url, "/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void aBatchWithoutATokenIsRefusedWith401AndNothingIsStored() {
        Instant start = T0.plusSeconds(600);
        TestHttp.Answer put = TestHttp.put(url, null, oneWindow("acme", start));

        assertThat(put.status()).isEqualTo(401);
        assertThat(put.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"lunar-control-plane\"");
        assertThat(put.json().get("message").asText()).contains("Authorization: Bearer");
        assertThat(storedRows("acme", start)).isZero();
    }

    @Test
    void aBatchWithAWrongTokenIsRefusedWith401AndNothingIsStored() {
        Instant start = T0.plusSeconds(660);
        TestHttp.Answer put = TestHttp.put(url, ACME_TOKEN + "x", oneWindow("acme", start));
        TestHttp.Answer hashAsToken = TestHttp.put(url, "sha256:" + TenantTokens.sha256(GLOBEX_TOKEN),
                oneWindow("globex", start));

        assertThat(put.status()).isEqualTo(401);
        assertThat(hashAsToken.status()).isEqualTo(401);
        assertThat(storedRows("acme", start)).isZero();
        assertThat(storedRows("globex", start)).isZero();
    }

    @Test
    void aRefusalAnsweredBeforeTheBodyIsReadClosesTheConnection() {
        Instant start = T0.plusSeconds(1140);
        TestHttp.Answer wrongToken = TestHttp.put(url, ACME_TOKEN + "x", oneWindow("acme", start));
        TestHttp.Answer wrongType = TestHttp.send(HttpRequest.newBuilder(
                        url.resolve(HttpApi.API + "/aggregates")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ACME_TOKEN).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(oneWindow("acme", start).toString())).build());
        TestHttp.Answer stored = TestHttp.put(url, ACME_TOKEN, oneWindow("acme", start));

        assertThat(wrongToken.status()).isEqualTo(401);
        assertThat(wrongToken.headers().firstValue("connection")).hasValue("close");
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.headers().firstValue("connection")).hasValue("close");
        assertThat(stored.status()).as("a body that is read keeps its connection").isEqualTo(200);
        assertThat(stored.headers().allValues("connection")).doesNotContain("close");
    }

    @Test
    void aBatchForAnotherTenantIsRefusedWith403AndNothingIsStored() {
        Instant start = T0.plusSeconds(720);
        TestHttp.Answer put = TestHttp.put(url, ACME_TOKEN, oneWindow("globex", start));

        assertThat(put.status()).isEqualTo(403);
        assertThat(put.json().get("message").asText()).contains("belongs to tenant acme, not to globex");
        assertThat(storedRows("globex", start)).isZero();
    }

    @Test
    void aTenantCannotReadAnotherTenantsAggregates() {
        TestHttp.Answer get = TestHttp.get(url, HttpApi.API + "/tenants/globex/summary", ACME_TOKEN);
        TestHttp.Answer noToken = TestHttp.get(url, HttpApi.API + "/tenants/acme/summary", null);

        assertThat(get.status()).isEqualTo(403);
        assertThat(noToken.status()).isEqualTo(401);
    }

    @Test
    void aTokenConfiguredAsItsHashAuthenticates() {
        Instant start = T0.plusSeconds(780);
        TestHttp.Answer put = TestHttp.put(url, GLOBEX_TOKEN, oneWindow("globex", start));

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(storedRows("globex", start)).isEqualTo(1);
    }

    @Test
    void aTokenRegisteredAtRunTimeAuthenticates() {
        cp.registerTenantToken("initech", "initech-secret-token-0123456789");
        Instant start = T0.plusSeconds(840);

        TestHttp.Answer put = TestHttp.put(url, "initech-secret-token-0123456789", oneWindow("initech", start));

        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    @Test
    void anInvalidBodyIsRefusedWith400NamingTheFieldAndNothingIsStored() {
        Instant start = T0.plusSeconds(900);
        ObjectNode body = oneWindow("acme", start);
        ((ObjectNode) body.at("/windows/0/endpoints/0")).put("errors", 6); // 4xx + 5xx = 5

        TestHttp.Answer put = TestHttp.put(url, ACME_TOKEN, body);

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.json().get("field").asText()).isEqualTo("windows[0].endpoints[0].errors");
        assertThat(put.json().get("message").asText())
                .isEqualTo("windows[0].endpoints[0].errors: must equal statusClasses.4xx + statusClasses.5xx (5), was 6");
        assertThat(storedRows("acme", start)).isZero();
    }

    @Test
    void aBatchIsStoredWholeOrNotAtAll() {
        Instant start = T0.plusSeconds(960);
        ObjectNode good = window("acme", start, List.of(ep("api.stripe.com", "GET", "/a", 1, 0, 0, 0, 10, 10, null)));
        ObjectNode bad = window("acme", start.plusSeconds(60), List.of(ep("api.stripe.com", "GET", "/a", 1, 0, 0, 0, 10, 10, null)));
        bad.put("idempotencyKey", "acme|something-else");

        TestHttp.Answer put = TestHttp.put(url, ACME_TOKEN, batch("acme", good, bad));

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.json().get("field").asText()).isEqualTo("windows[1].idempotencyKey");
        assertThat(storedRows("acme", start)).isZero();
    }

    @Test
    void malformedJsonWrongContentTypeAndOversizedBodiesAreRefused() {
        TestHttp.Answer notJson = TestHttp.put(url, ACME_TOKEN, "{\"tenant\": \"acme\", ");
        TestHttp.Answer text = TestHttp.send(HttpRequest.newBuilder(url.resolve(HttpApi.API + "/aggregates"))
                .header("Authorization", "Bearer " + ACME_TOKEN).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(30)).build());
        TestHttp.Answer huge = TestHttp.put(url, ACME_TOKEN, "{\"tenant\":\"acme\",\"windows\":[" + "1,".repeat(40_000) + "1]}");

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("message").asText()).startsWith("not valid JSON");
        assertThat(text.status()).isEqualTo(415);
        assertThat(huge.status()).isEqualTo(413);
    }

    @Test
    void postIsAcceptedLikePut() {
        Instant start = T0.plusSeconds(1080);
        TestHttp.Answer post = TestHttp.send(HttpRequest.newBuilder(url.resolve(HttpApi.API + "/aggregates"))
                .header("Authorization", "Bearer " + ACME_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(oneWindow("acme", start).toString()))
                .timeout(Duration.ofSeconds(30)).build());

        assertThat(post.status()).as(post.body()).isEqualTo(200);
        assertThat(storedRows("acme", start)).isEqualTo(1);
    }

    @Test
    void queryRangesAreValidated() {
        TestHttp.Answer backwards = TestHttp.get(url, HttpApi.API + "/tenants/acme/aggregates?from=" + T0
                + "&to=" + T0.minusSeconds(1), ACME_TOKEN);
        TestHttp.Answer tooLong = TestHttp.get(url, HttpApi.API + "/tenants/acme/aggregates?from=" + T0
                + "&to=" + T0.plus(Duration.ofDays(40)), ACME_TOKEN);
        TestHttp.Answer garbage = TestHttp.get(url, HttpApi.API + "/tenants/acme/aggregates?from=yesterday", ACME_TOKEN);

        assertThat(backwards.status()).isEqualTo(400);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("message").asText()).contains("control-plane.query.max-range");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("field").asText()).isEqualTo("from");
    }

    @Test
    void theDashboardAndItsChartLibraryAreServedFromTheJar() {
        TestHttp.Answer page = TestHttp.get(url, "/dashboard/acme", null);
        TestHttp.Answer uplot = TestHttp.get(url, "/dashboard/assets/uPlot.iife.min.js", null);
        TestHttp.Answer script = TestHttp.get(url, "/dashboard/assets/dashboard.js", null);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'");
        assertThat(page.body()).contains("/dashboard/assets/uPlot.iife.min.js").doesNotContain("https://");
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(script.status()).isEqualTo(200);
        assertThat(TestHttp.get(url, "/dashboard/assets/nope.js", null).status()).isEqualTo(404);
        assertThat(TestHttp.get(url, "/nothing/here", null).status()).isEqualTo(404);
    }

    private static long storedRows(String tenant, Instant windowStart) {
        String token = tenant.equals("acme") ? ACME_TOKEN : GLOBEX_TOKEN;
        TestHttp.Answer a = TestHttp.get(url, HttpApi.API + "/tenants/" + tenant + "/aggregates?from=" + windowStart
                + "&to=" + windowStart.plusSeconds(60), token);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode rows = a.json().get("endpoints");
        return rows.size(); // rows of exactly that window
    }
}
