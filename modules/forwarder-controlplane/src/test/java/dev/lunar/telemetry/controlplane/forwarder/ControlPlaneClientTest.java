package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.consumer.audit.RecordingAuditTrail;
import static dev.lunar.telemetry.controlplane.forwarder.Stats.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lunar.telemetry.events.avro.TenantPlan;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** How the client classifies the control plane's answers, against a scripted server on 127.0.0.1. */
class ControlPlaneClientTest {
    record Received(String authorization, String contentType, JsonNode body) {}

    static final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    static final AtomicReference<ScriptedAnswer> answer = new AtomicReference<>();
    static DisposableServer server;

    record ScriptedAnswer(int status, String retryAfter, String body, boolean never) {}

    @BeforeAll
    static void startScriptedServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.put("/api/v1/aggregates", (req, res) -> req.receive().aggregate().asString()
                        .flatMap(text -> {
                            try {
                                received.add(new Received(req.requestHeaders().get("Authorization"),
                                        req.requestHeaders().get("Content-Type"), AggregateWire.MAPPER.readTree(text)));
                            } catch (java.io.IOException e) {
                                return Mono.error(e);
                            }
                            ScriptedAnswer a = answer.get();
                            if (a.never()) {
                                return Mono.never();
                            }
                            if (a.retryAfter() != null) {
                                res.header("Retry-After", a.retryAfter());
                            }
                            return res.status(HttpResponseStatus.valueOf(a.status()))
                                    .header("Content-Type", "application/json").sendString(Mono.just(a.body())).then();
                        })))
                .bindNow(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    @BeforeEach
    void reset() {
        received.clear();
        answer.set(new ScriptedAnswer(200, null, "{\"endpoints\":{\"stored\":1,\"ignoredStale\":0}}", false));
    }

    static ControlPlaneForwarderSettings settings(ControlPlaneForwarderSettings.Builder b) {
        return b.controlPlaneUrl(URI.create("http://127.0.0.1:" + server.port()))
                .tenantToken("acme", "acme-token-0123456789abcdef")
                .tenantToken("globex", "globex-token-0123456789abcdef").build();
    }

    static List<WindowAggregate> windows(String tenant, int count) {
        List<dev.lunar.telemetry.events.avro.EnrichedEndpointStats> events = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event(tenant + "-" + i).tenant(tenant, TenantPlan.CONTROL_PLANE).at(60L * i)
                    .codes(200, 10 + i).latency(100, 20).buckets(50, 10 + i).build());
        }
        return new WindowedEndpointAggregator(ControlPlaneForwarderSettings.defaults(), null)
                .aggregate(Flux.fromIterable(events)).collectList().block(Duration.ofSeconds(30));
    }

    static SendOutcome send(ControlPlaneForwarderSettings settings, List<WindowAggregate> windows) {
        try (ControlPlaneClient client = ControlPlaneClient.create(settings, new RecordingAuditTrail())) {
            return client.send(windows).block(Duration.ofSeconds(60));
        }
    }

    @Test
    void everyAcceptedRequestIsAuditedAsSentAndAFailedAuditWriteIsRetriable() throws Exception {
        List<WindowAggregate> batch = new java.util.ArrayList<>(windows("acme", 2));
        batch.addAll(windows("globex", 1));
        RecordingAuditTrail audit = new RecordingAuditTrail();
        ControlPlaneForwarderSettings settings = settings(ControlPlaneForwarderSettings.builder());
        try (ControlPlaneClient client = ControlPlaneClient.create(settings, audit)) {
            assertThat(client.send(batch).block(Duration.ofSeconds(60))).isEqualTo(new SendOutcome.Accepted(2, 2, 0));
            assertThat(audit.written).hasSize(2);
            assertThat(audit.written).extracting(r -> r.getDestination()).containsOnly("control-plane");
            assertThat(audit.written.get(0).getEntryTenants()).containsExactly("acme", "acme");
            assertThat(audit.written.get(1).getTenantIds()).containsExactly("globex");
            assertThat(audit.written.get(0).getDestinationHost()).isEqualTo("127.0.0.1:" + server.port());
            List<Received> requests = List.copyOf(received);
            for (int i = 0; i < 2; i++) {
                assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                        dev.lunar.telemetry.consumer.audit.AuditChain.body(audit.written.get(i))))
                        .isEqualTo(requests.get(i).body());
            }

            audit.failNext(1);
            SendOutcome outcome = client.send(windows("acme", 1)).block(Duration.ofSeconds(60));
            assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
            assertThat(((SendOutcome.Retry) outcome).reason()).contains("audit trail did not acknowledge");
            assertThat(audit.written).hasSize(2);
        }
    }

    @Test
    void sendsEachTenantsWindowsWithItsOwnTokenAndIdempotencyKeys() {
        List<WindowAggregate> batch = new java.util.ArrayList<>(windows("acme", 2));
        batch.addAll(windows("globex", 1));

        SendOutcome outcome = send(settings(ControlPlaneForwarderSettings.builder()), batch);

        assertThat(outcome).isEqualTo(new SendOutcome.Accepted(2, 2, 0));
        assertThat(received).extracting(Received::authorization)
                .containsExactly("Bearer acme-token-0123456789abcdef", "Bearer globex-token-0123456789abcdef");
        Received acme = received.peek();
        assertThat(acme.contentType()).isEqualTo("application/json");
        assertThat(acme.body().get("tenant").asText()).isEqualTo("acme");
        assertThat(acme.body().at("/windows/1/idempotencyKey").asText()).isEqualTo("acme|2026-01-05T10:01:00Z|60000");
        assertThat(acme.body().at("/windows/1/endpoints/0/idempotencyKey").asText())
                .isEqualTo("acme|2026-01-05T10:01:00Z|60000|api.stripe.com|GET /v1/customers/{id}");
        assertThat(acme.body().at("/windows/1/endpoints/0/calls").asLong()).isEqualTo(11);
    }

    @Test
    void largeBatchesAreSplitIntoRequestsOfWholeWindows() {
        SendOutcome outcome = send(settings(ControlPlaneForwarderSettings.builder().maxEndpointsPerRequest(2)),
                windows("acme", 5));

        assertThat(outcome).isInstanceOf(SendOutcome.Accepted.class);
        assertThat(((SendOutcome.Accepted) outcome).requests()).isEqualTo(3);
        assertThat(received).extracting(r -> r.body().get("windows").size()).containsExactly(2, 2, 1);
    }

    @Test
    void unauthorizedAndForbiddenAreAuthFailures() {
        answer.set(new ScriptedAnswer(401, null, "{\"error\":\"unauthorized\"}", false));
        SendOutcome unauthorized = send(settings(ControlPlaneForwarderSettings.builder()), windows("acme", 1));
        answer.set(new ScriptedAnswer(403, null, "{\"error\":\"forbidden\"}", false));
        SendOutcome forbidden = send(settings(ControlPlaneForwarderSettings.builder()), windows("acme", 1));

        assertThat(unauthorized).isInstanceOf(SendOutcome.AuthFailed.class);
        assertThat(((SendOutcome.AuthFailed) unauthorized).message())
                .contains("HTTP 401").contains("control-plane-forwarder.tenant-tokens.acme");
        assertThat(forbidden).isInstanceOfSatisfying(SendOutcome.AuthFailed.class, f -> assertThat(f.status()).isEqualTo(403));
    }

    @Test
    void aTenantWithoutATokenFailsAuthWithoutARequest() {
        SendOutcome outcome = send(settings(ControlPlaneForwarderSettings.builder()), windows("initech", 1));

        assertThat(outcome).isEqualTo(new SendOutcome.AuthFailed(0, "initech", "no control-plane token configured"
                + " for tenant initech: set control-plane-forwarder.tenant-tokens.initech"));
        assertThat(received).isEmpty();
    }

    @Test
    void badRequestIsARejection() {
        answer.set(new ScriptedAnswer(400, null, "{\"error\":\"invalid\",\"field\":\"windows[0].endpoints[0].errors\"}", false));

        SendOutcome outcome = send(settings(ControlPlaneForwarderSettings.builder()), windows("acme", 1));

        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("HTTP 400").contains("windows[0].endpoints[0].errors"));
    }

    @Test
    void tooManyRequestsAndServerErrorsAreRetriedHonouringRetryAfter() {
        answer.set(new ScriptedAnswer(429, "7", "{}", false));
        SendOutcome throttled = send(settings(ControlPlaneForwarderSettings.builder()), windows("acme", 1));
        answer.set(new ScriptedAnswer(503, null, "{}", false));
        SendOutcome unavailable = send(settings(ControlPlaneForwarderSettings.builder()), windows("acme", 1));
        answer.set(new ScriptedAnswer(408, null, "{}", false));
        SendOutcome timeout = send(settings(ControlPlaneForwarderSettings.builder()), windows("acme", 1));

        assertThat(throttled).isEqualTo(new SendOutcome.Retry(
                "HTTP 429 from the control plane at http://127.0.0.1:" + server.port()
                        + "/api/v1/aggregates for tenant acme: {}", Optional.of(Duration.ofSeconds(7))));
        assertThat(unavailable).isInstanceOfSatisfying(SendOutcome.Retry.class,
                r -> assertThat(r.retryAfter()).isEmpty());
        assertThat(timeout).isInstanceOf(SendOutcome.Retry.class);
    }

    @Test
    void theFirstFailureStopsTheBatch() {
        answer.set(new ScriptedAnswer(503, null, "{}", false));

        SendOutcome outcome = send(settings(ControlPlaneForwarderSettings.builder().maxEndpointsPerRequest(1)),
                windows("acme", 3));

        assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
        assertThat(received).hasSize(1);
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsRetriable() {
        answer.set(new ScriptedAnswer(0, null, null, true));

        SendOutcome outcome = send(settings(ControlPlaneForwarderSettings.builder()
                .requestTimeout(Duration.ofSeconds(1))), windows("acme", 1));

        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Retry.class,
                r -> assertThat(r.reason()).startsWith("no answer from the control plane"));
    }

    @Test
    void aClosedPortIsRetriable() {
        ControlPlaneForwarderSettings s = ControlPlaneForwarderSettings.builder()
                .controlPlaneUrl(URI.create("http://127.0.0.1:1")).tenantToken("acme", "acme-token-0123456789abcdef")
                .build();

        assertThat(send(s, windows("acme", 1))).isInstanceOf(SendOutcome.Retry.class);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(ControlPlaneClient.parseRetryAfter("12")).hasValue(Duration.ofSeconds(12));
        assertThat(ControlPlaneClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).hasValue(Duration.ZERO);
        assertThat(ControlPlaneClient.parseRetryAfter("soon")).isEmpty();
        assertThat(ControlPlaneClient.parseRetryAfter(null)).isEmpty();
    }
}
