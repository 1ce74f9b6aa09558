package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.consumer.audit.RecordingAuditTrail;
import static dev.lunar.telemetry.controlplane.forwarder.Stats.T0;
import static dev.lunar.telemetry.controlplane.forwarder.Stats.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lunar.telemetry.controlplane.ControlPlaneServer;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.TenantPlan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * The wire contract end to end: aggregator → client → the real control plane (embedded H2) → its query API.
 * Every tenant has a token on both sides, so only the aggregator stands between open-source / sandbox traffic and
 * the control plane (P2).
 */
class ForwarderToControlPlaneTest {
    static final Map<String, String> TOKENS = Map.of(
            "acme", "acme-token-0123456789abcdef",
            "osco", "osco-token-0123456789abcdef",
            "sandy", "sandy-token-0123456789abcdef");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dataDir;
    static ControlPlaneServer cp;
    static ControlPlaneForwarderSettings settings;

    @BeforeAll
    static void start() {
        cp = ControlPlaneServer.start(ControlPlaneSettings.builder().dataDir(dataDir).port(0).tenantTokens(TOKENS)
                .build(), new SimpleMeterRegistry());
        settings = ControlPlaneForwarderSettings.builder().controlPlaneUrl(cp.url()).tenantTokens(TOKENS).build();
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    static List<EnrichedEndpointStats> traffic() {
        List<EnrichedEndpointStats> events = new ArrayList<>();
        for (int minute = 0; minute < 3; minute++) {
            for (String tenant : List.of("acme", "osco", "sandy")) {
                TenantPlan plan = switch (tenant) {
                    case "acme" -> TenantPlan.CONTROL_PLANE;
                    case "osco" -> TenantPlan.OPEN_SOURCE;
                    default -> TenantPlan.SANDBOX;
                };
                events.add(event(tenant + "-get-" + minute).tenant(tenant, plan).at(60L * minute)
                        .codes(200, 90, 404, 6, 500, 4).latency(12_000, 900).buckets(50, 60, 100, 30, 250, 8, 500, 2)
                        .build());
                events.add(event(tenant + "-post-" + minute).tenant(tenant, plan).at(60L * minute + 30)
                        .endpoint("POST", "api.github.com", "/repos/{owner}/{repo}/issues").codes(201, 20)
                        .latency(2_000, 300).build());
            }
        }
        return events;
    }

    static List<WindowAggregate> aggregate(List<EnrichedEndpointStats> events) {
        return new WindowedEndpointAggregator(settings, null).aggregate(Flux.fromIterable(events)).collectList()
                .block(Duration.ofSeconds(30));
    }

    static SendOutcome send(List<WindowAggregate> windows) {
        try (ControlPlaneClient client = ControlPlaneClient.create(settings, new RecordingAuditTrail())) {
            return client.send(windows).block(Duration.ofSeconds(60));
        }
    }

    static JsonNode summary(String tenant) throws IOException, InterruptedException {
        URI uri = cp.url().resolve("/api/v1/tenants/" + tenant + "/summary?from=" + T0 + "&to=" + T0.plusSeconds(3600));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer "
                + TOKENS.get(tenant)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return AggregateWire.MAPPER.readTree(r.body());
    }

    @Test
    void controlPlaneTenantsNumbersArriveAndOtherPlansNeverReachTheControlPlane() throws Exception {
        SendOutcome outcome = send(aggregate(traffic()));

        assertThat(outcome).isInstanceOf(SendOutcome.Accepted.class);
        JsonNode acme = summary("acme");
        assertThat(acme.at("/totals/calls").asLong()).isEqualTo(3 * (100 + 20));
        assertThat(acme.at("/totals/errors").asLong()).isEqualTo(3 * 10);
        assertThat(acme.at("/totals/providers").asInt()).isEqualTo(2);
        assertThat(acme.at("/endpoints/0/latencyWorstWindowP95Ms").asDouble()).isEqualTo(193.75);
        assertThat(acme.get("series")).hasSize(3);
        for (String other : List.of("osco", "sandy")) {
            JsonNode s = summary(other);
            assertThat(s.at("/totals/calls").asLong()).as(other).isZero();
            assertThat(s.get("endpoints")).as(other).isEmpty();
        }

        // replaying the topic (a restarted forwarder) and re-sending leaves the totals unchanged
        SendOutcome replay = send(aggregate(traffic()));
        assertThat(replay).isInstanceOf(SendOutcome.Accepted.class);
        assertThat(summary("acme").at("/totals/calls").asLong()).isEqualTo(360);
    }

    @Test
    void aLateCorrectionReplacesTheRowInsteadOfAddingOne() throws Exception {
        String tenant = "acme";
        long later = 3_600; // an hour after the other test's windows, so the two tests do not meet
        EnrichedEndpointStats onTime = event("c-on-time").at(later).codes(200, 10).latency(100, 20).build();
        EnrichedEndpointStats lateOne = event("c-late").at(later + 10).codes(500, 5).latency(50, 20).build();
        List<WindowAggregate> first = aggregate(List.of(onTime));
        List<WindowAggregate> corrected = aggregate(List.of(onTime, lateOne));

        send(first);
        SendOutcome outcome = send(corrected);

        assertThat(outcome).isEqualTo(new SendOutcome.Accepted(1, 1, 0));
        URI uri = cp.url().resolve("/api/v1/tenants/" + tenant + "/aggregates?from=" + T0.plusSeconds(later)
                + "&to=" + T0.plusSeconds(later + 60));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer "
                + TOKENS.get(tenant)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode rows = AggregateWire.MAPPER.readTree(r.body()).get("endpoints");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("calls").asLong()).isEqualTo(15);
        assertThat(rows.get(0).get("errors").asLong()).isEqualTo(5);

        // the first version arriving again afterwards (an old retry) does not undo the correction
        SendOutcome stale = send(first);
        assertThat(stale).isEqualTo(new SendOutcome.Accepted(1, 0, 1));
    }
}
