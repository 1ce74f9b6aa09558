package dev.lunar.telemetry.controlplane.forwarder;

import static dev.lunar.telemetry.controlplane.forwarder.Stats.T0;
import static dev.lunar.telemetry.controlplane.forwarder.Stats.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.TenantPlan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/**
 * Windowing and maths of the aggregator, in virtual time. Settings: 1-minute windows, 30 s allowed lateness,
 * 2-minute correction horizon, 1 s idle tick. Window W0 = [10:00:00, 10:01:00) closes when the watermark reaches
 * 10:01:30.
 */
class WindowedEndpointAggregatorTest {
    static final ControlPlaneForwarderSettings SETTINGS = ControlPlaneForwarderSettings.builder()
            .window(Duration.ofMinutes(1)).allowedLateness(Duration.ofSeconds(30))
            .correctionHorizon(Duration.ofMinutes(2)).idleTick(Duration.ofSeconds(1)).topEndpoints(2).build();

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final WindowedEndpointAggregator aggregator = new WindowedEndpointAggregator(SETTINGS, registry);

    /** Four CONTROL_PLANE events in W0 and two events of other plans; the numbers below are computed by hand. */
    static List<EnrichedEndpointStats> window0() {
        return List.of(
                event("a").proxy("proxy-1").at(0).endpoint("GET", "api.stripe.com", "/v1/customers/{id}")
                        .codes(200, 55, 301, 2, 404, 5, 503, 3).latency(6_500, 240).buckets(50, 40, 100, 20, 250, 5)
                        .build(),
                event("b").proxy("proxy-2").at(30).endpoint("GET", "api.stripe.com", "/v1/customers/{id}")
                        .codes(200, 30, 500, 2, 429, 1, 101, 2).latency(5_500, 480)
                        .buckets(50, 20, 100, 10, 250, 3, 500, 2).build(),
                event("c").at(10).endpoint("POST", "api.stripe.com", "/v1/charges").codes(201, 38, 502, 2)
                        .latency(12_000, 900).buckets(100, 10, 250, 10, 500, 10, 1_000, 8).overflow(2).build(),
                event("d").at(20).endpoint("get", "API.GitHub.com", "/repos/{owner}/{repo}").codes(200, 20)
                        .latency(1_600, 3_000).buckets(100, 15).overflow(5).build(),
                event("e").tenant("sandy", TenantPlan.SANDBOX).at(5).codes(200, 1_000).latency(1, 1).build(),
                event("f").tenant("osco", TenantPlan.OPEN_SOURCE).at(5).codes(200, 2_000).latency(1, 1).build());
    }

    static EndpointAggregate endpoint(WindowAggregate w, String method, String host, String path) {
        return w.endpoints().stream().filter(e -> e.endpoint().equals(new EndpointKey(host, method, path)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + method + " " + host + path + " in " + w));
    }

    @Test
    void aggregatesAWindowWithHandComputedNumbers() {
        StepVerifier.withVirtualTime(() -> aggregator.aggregate(Flux.fromIterable(window0()).concatWith(Flux.never())))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(60)) // idle: the watermark moves from 10:00:30 to 10:01:30, W0 closes
                .assertNext(w -> {
                    assertThat(w.tenantId()).isEqualTo("acme");
                    assertThat(w.windowStart()).isEqualTo(T0);
                    assertThat(w.windowLength()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(w.revision()).isZero();

                    // a + b: calls 65 + 35 = 100; 2xx 55 + 30; 3xx 2; 4xx 5 + 1; 5xx 3 + 2; 101 is in no class
                    EndpointAggregate customers = endpoint(w, "GET", "api.stripe.com", "/v1/customers/{id}");
                    assertThat(customers.calls()).isEqualTo(100);
                    assertThat(customers.statusClasses()).isEqualTo(new StatusClasses(85, 2, 6, 5));
                    assertThat(customers.errors()).isEqualTo(11);
                    assertThat(customers.errorRate()).isEqualTo(0.11);
                    assertThat(customers.latencyAvgMs()).isEqualTo(120.0); // (6500 + 5500) / 100
                    assertThat(customers.latencyMaxMs()).isEqualTo(480);
                    // merged ≤50: 60, ≤100: 30, ≤250: 8, ≤500: 2; r = 95 → 100 + 150 · 5/8
                    assertThat(customers.latencyP95Ms()).hasValue(193.75);
                    assertThat(customers.sourceEvents()).isEqualTo(2);
                    assertThat(customers.idempotencyKey())
                            .isEqualTo("acme|2026-01-05T10:00:00Z|60000|api.stripe.com|GET /v1/customers/{id}");

                    // c: r = 38 of 40 → bucket (500, 1000] → 500 + 500 · 8/8 = 1000, clamped to the max seen, 900
                    EndpointAggregate charges = endpoint(w, "POST", "api.stripe.com", "/v1/charges");
                    assertThat(charges.calls()).isEqualTo(40);
                    assertThat(charges.errors()).isEqualTo(2);
                    assertThat(charges.errorRate()).isEqualTo(0.05);
                    assertThat(charges.latencyAvgMs()).isEqualTo(300.0);
                    assertThat(charges.latencyP95Ms()).hasValue(900.0);

                    // d: method and host normalised; r = 19 of 20 lies in the overflow → the max seen, 3000
                    EndpointAggregate github = endpoint(w, "GET", "api.github.com", "/repos/{owner}/{repo}");
                    assertThat(github.calls()).isEqualTo(20);
                    assertThat(github.errorRate()).isZero();
                    assertThat(github.latencyAvgMs()).isEqualTo(80.0);
                    assertThat(github.latencyP95Ms()).hasValue(3_000.0);

                    assertThat(w.endpoints()).extracting(EndpointAggregate::endpoint).containsExactly(
                            new EndpointKey("api.github.com", "GET", "/repos/{owner}/{repo}"),
                            new EndpointKey("api.stripe.com", "POST", "/v1/charges"),
                            new EndpointKey("api.stripe.com", "GET", "/v1/customers/{id}"));

                    WindowOverview o = w.overview();
                    assertThat(o.calls()).isEqualTo(160);
                    assertThat(o.errors()).isEqualTo(13);
                    assertThat(o.errorRate()).isEqualTo(13.0 / 160);
                    assertThat(o.providers()).isEqualTo(2);
                    assertThat(o.sourceEvents()).isEqualTo(4);
                    assertThat(o.topEndpoints()).containsExactly(
                            new WindowOverview.TopEndpoint(new EndpointKey("api.stripe.com", "GET", "/v1/customers/{id}"), 100, 11),
                            new WindowOverview.TopEndpoint(new EndpointKey("api.stripe.com", "POST", "/v1/charges"), 40, 2));
                    assertThat(o.idempotencyKey()).isEqualTo("acme|2026-01-05T10:00:00Z|60000");
                })
                .thenCancel()
                .verify(Duration.ofSeconds(30));

        AggregatorCounts counts = aggregator.counts();
        assertThat(counts.accepted()).isEqualTo(4);
        assertThat(counts.droppedSandbox()).isEqualTo(1);
        assertThat(counts.droppedOpenSource()).isEqualTo(1);
        assertThat(registry.get("lunar.forwarder.controlplane.events").tag("outcome", "dropped-plan-sandbox")
                .functionCounter().count()).isEqualTo(1.0);
    }

    @Test
    void aWindowIsEmittedWhenTheWatermarkPassesItsEndPlusTheAllowedLateness() {
        TestPublisher<EnrichedEndpointStats> in = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> aggregator.aggregate(in.flux()))
                .expectSubscription()
                .then(() -> in.next(event("w0").at(0).codes(200, 10).build()))
                .then(() -> in.next(event("w1-early").at(89).codes(200, 1).build())) // watermark 10:01:29
                .expectNoEvent(Duration.ofMillis(10))
                .then(() -> in.next(event("w1-later").at(90).codes(200, 1).build())) // watermark 10:01:30
                .assertNext(w -> {
                    assertThat(w.windowStart()).isEqualTo(T0);
                    assertThat(w.overview().calls()).isEqualTo(10);
                })
                .then(in::complete) // completion emits what is still open: W1
                .assertNext(w -> {
                    assertThat(w.windowStart()).isEqualTo(T0.plusSeconds(60));
                    assertThat(w.overview().calls()).isEqualTo(2);
                })
                .verifyComplete();
    }

    @Test
    void aLateEventProducesACorrectionWithTheSameKeysAndTheInOrderTotals() {
        TestPublisher<EnrichedEndpointStats> in = TestPublisher.create();
        EnrichedEndpointStats early = event("early").at(0).codes(200, 10, 500, 1).latency(1_100, 200).build();
        EnrichedEndpointStats late = event("late").proxy("proxy-2").at(20).codes(200, 6, 404, 1).latency(700, 150).build();
        EnrichedEndpointStats next = event("next").at(95).codes(200, 1).build();

        List<WindowAggregate> out = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> aggregator.aggregate(in.flux()))
                .expectSubscription()
                .then(() -> in.next(early, next)) // W0 closes without the late event
                .consumeNextWith(out::add)
                .then(() -> in.next(late)) // 65 s after W0's end: late, but within the correction horizon
                .expectNoEvent(Duration.ofMillis(10))
                .thenAwait(Duration.ofSeconds(1)) // the next tick sends the correction
                .consumeNextWith(out::add)
                .then(in::complete)
                .consumeNextWith(out::add) // W1
                .verifyComplete();

        WindowAggregate first = out.get(0);
        WindowAggregate correction = out.get(1);
        assertThat(first.overview().calls()).isEqualTo(11);
        assertThat(correction.isCorrection()).isTrue();
        assertThat(correction.revision()).isEqualTo(1);
        assertThat(correction.idempotencyKey()).isEqualTo(first.idempotencyKey());
        assertThat(correction.endpoints().get(0).idempotencyKey()).isEqualTo(first.endpoints().get(0).idempotencyKey());
        assertThat(correction.overview().calls()).isEqualTo(18);
        assertThat(correction.overview().errors()).isEqualTo(2);
        assertThat(correction.endpoints().get(0).latencySumMs()).isEqualTo(1_800);

        // the same events in order give the same final window
        WindowAggregate inOrder = aggregateAll(List.of(early, late, next)).get(0);
        assertThat(withoutRevision(correction)).isEqualTo(withoutRevision(inOrder));
        assertThat(aggregator.counts().corrections()).isEqualTo(1);
    }

    @Test
    void duplicateEventsAreCountedOnce() {
        List<EnrichedEndpointStats> once = window0();
        List<EnrichedEndpointStats> twice = new ArrayList<>(once);
        twice.addAll(once.subList(0, 4)); // the CONTROL_PLANE events delivered again

        List<WindowAggregate> out = aggregator.aggregate(Flux.fromIterable(twice)).collectList()
                .block(Duration.ofSeconds(30));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).overview().calls()).isEqualTo(160);
        assertThat(out.get(0)).isEqualTo(aggregateAll(once).get(0));
        assertThat(aggregator.counts().duplicates()).isEqualTo(4);
    }

    @Test
    void aReplayedWindowLeavesTheTotalsUnchanged() {
        // a redelivery after W0 was emitted: the same events again, within the correction horizon
        TestPublisher<EnrichedEndpointStats> in = TestPublisher.create();
        List<WindowAggregate> out = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> aggregator.aggregate(in.flux()))
                .expectSubscription()
                .then(() -> window0().forEach(in::next))
                .then(() -> in.next(event("closer").at(95).codes(200, 1).build()))
                .consumeNextWith(out::add)
                .then(() -> window0().forEach(in::next)) // replay of W0
                .thenAwait(Duration.ofSeconds(5))
                .then(in::complete)
                .consumeNextWith(out::add) // W1 only: the replay produced no correction
                .verifyComplete();

        assertThat(out.get(0).overview().calls()).isEqualTo(160);
        assertThat(out.get(1).windowStart()).isEqualTo(T0.plusSeconds(60));
        assertThat(aggregator.counts().corrections()).isZero();

        // a restarted forwarder replaying the topic computes exactly the same aggregates (same keys, same values):
        // the control plane's upsert leaves its rows as they were
        WindowedEndpointAggregator restarted = new WindowedEndpointAggregator(SETTINGS, null);
        List<WindowAggregate> replay = restarted.aggregate(Flux.fromIterable(window0())).collectList()
                .block(Duration.ofSeconds(30));
        assertThat(replay).containsExactly(out.get(0));
    }

    @Test
    void eventsAfterTheCorrectionHorizonAreDroppedAsTooLate() {
        TestPublisher<EnrichedEndpointStats> in = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> aggregator.aggregate(in.flux()))
                .expectSubscription()
                .then(() -> in.next(event("w0").at(0).codes(200, 10).build()))
                .then(() -> in.next(event("far").at(60 + 30 + 120).codes(200, 1).build())) // W0 closed and evicted
                .assertNext(w -> assertThat(w.overview().calls()).isEqualTo(10))
                .then(() -> in.next(event("too-late").at(30).codes(200, 99).build()))
                .thenAwait(Duration.ofSeconds(2))
                .then(in::complete)
                .assertNext(w -> assertThat(w.windowStart()).isEqualTo(T0.plusSeconds(180)))
                .verifyComplete();

        assertThat(aggregator.counts().tooLate()).isEqualTo(1);
        assertThat(aggregator.counts().corrections()).isZero();
    }

    @Test
    void openSourceSandboxAndUnknownTenantsNeverProduceAnAggregate() {
        List<EnrichedEndpointStats> others = List.of(
                event("o1").tenant("osco", TenantPlan.OPEN_SOURCE).at(0).codes(200, 100, 500, 5).build(),
                event("o2").tenant("osco", TenantPlan.OPEN_SOURCE).at(200).codes(200, 100).build(),
                event("s1").tenant("sandy", TenantPlan.SANDBOX).at(10).codes(200, 7).build(),
                event("s2").tenant("sandy", TenantPlan.SANDBOX).at(400).codes(404, 7).build(),
                // as the processor writes an unknown tenant: plan OPEN_SOURCE, known=false
                event("u1").tenant("ghost", TenantPlan.OPEN_SOURCE).unknownTenant().at(10).codes(200, 3).build());

        StepVerifier.withVirtualTime(() -> aggregator.aggregate(Flux.fromIterable(others)))
                .thenAwait(Duration.ofMinutes(10))
                .verifyComplete();

        AggregatorCounts counts = aggregator.counts();
        assertThat(counts.droppedOpenSource()).isEqualTo(2);
        assertThat(counts.droppedSandbox()).isEqualTo(2);
        assertThat(counts.droppedUnknownTenant()).isEqualTo(1);
        assertThat(counts.droppedByPlan()).isEqualTo(5);
        assertThat(counts.accepted()).isZero();
        assertThat(counts.windowsEmitted()).isZero();
    }

    @Test
    void eventsThatBreakTheSchemasPromisesAreDroppedAsInvalid() {
        List<EnrichedEndpointStats> bad = List.of(
                event("more-codes-than-calls").codes(200, 10).count(5).build(),
                event("negative").codes(200, 10).latency(-1, 5).build(),
                event("blank-host").endpoint("GET", "", "/x").codes(200, 1).build(),
                event("descending-buckets").codes(200, 2).buckets(100, 1, 50, 1).build());

        StepVerifier.create(aggregator.aggregate(Flux.fromIterable(bad))).verifyComplete();

        assertThat(aggregator.counts().invalid()).isEqualTo(4);
    }

    @Test
    void tenantsAndWindowsAreKeptApart() {
        List<WindowAggregate> out = aggregateAll(List.of(
                event("a1").tenant("acme", TenantPlan.CONTROL_PLANE).at(0).codes(200, 1).build(),
                event("g1").tenant("globex", TenantPlan.CONTROL_PLANE).at(0).codes(200, 2).build(),
                event("a2").tenant("acme", TenantPlan.CONTROL_PLANE).at(61).codes(200, 4).build()));

        Map<String, Long> callsByKey = new LinkedHashMap<>();
        out.forEach(w -> callsByKey.put(w.idempotencyKey(), w.overview().calls()));
        assertThat(callsByKey).containsExactly(
                Map.entry("acme|2026-01-05T10:00:00Z|60000", 1L),
                Map.entry("globex|2026-01-05T10:00:00Z|60000", 2L),
                Map.entry("acme|2026-01-05T10:01:00Z|60000", 4L));
    }

    @Test
    void eventsOfEachSourcePartitionMakeTheirOwnPartialsClosedByTheirOwnEventTime() {
        List<PositionedStats> read = List.of(
                new PositionedStats(event("a").at(0).codes(200, 1).build(), 0, 0), // W0 of p0
                new PositionedStats(event("o").tenant("osco", TenantPlan.OPEN_SOURCE).at(0).codes(200, 1).build(), 1, 1),
                new PositionedStats(event("b").at(65).codes(200, 2).build(), 0, 2), // W1 of p0
                new PositionedStats(event("c").at(20).codes(500, 4).build(), 1, 3), // W0 of p1
                new PositionedStats(event("d").at(95).codes(200, 8).build(), 0, 4)); // p0 at 95: its W0 closes

        List<CommittableWindow> out = new WindowedEndpointAggregator(SETTINGS, null)
                .aggregateCommittable(Flux.fromIterable(read)).collectList().block(Duration.ofSeconds(30));

        // p1's W0 is not closed by p0's event time: it goes out at the end of the input, like p0's W1. Every window
        // may still be corrected, so nothing from the first record on may be committed.
        assertThat(out).extracting(w -> w.aggregate().idempotencyKey(), w -> w.aggregate().overview().calls(),
                        w -> w.aggregate().overview().errors(), CommittableWindow::commitBefore)
                .containsExactly(
                        tuple("acme|2026-01-05T10:00:00Z|60000|p0", 1L, 0L, 0L),
                        tuple("acme|2026-01-05T10:00:00Z|60000|p1", 4L, 4L, 0L),
                        tuple("acme|2026-01-05T10:01:00Z|60000|p0", 10L, 0L, 0L));
        assertThat(out.get(1).aggregate().endpoints()).singleElement().satisfies(e -> {
            assertThat(e.sourcePartition()).isEqualTo(1);
            assertThat(e.idempotencyKey()).isEqualTo("acme|2026-01-05T10:00:00Z|60000|p1|api.stripe.com|GET /v1/customers/{id}");
        });
    }

    @Test
    void aPartitionReadAgainAfterARebalanceStartsItsEventTimeOverSoItsRecordsAreNotTooLate() {
        WindowedEndpointAggregator aggregator = new WindowedEndpointAggregator(SETTINGS, null);
        List<PositionedStats> read = List.of(
                new PositionedStats(event("a").at(0).codes(200, 1).build(), 0, 5, 0), // W0 of p0
                new PositionedStats(event("b").at(300).codes(200, 2).build(), 0, 6, 1), // p0 at 300: W0 expires
                // p0 went to another instance and came back: read again from its committed offset 5
                new PositionedStats(event("a").at(0).codes(200, 1).build(), 0, 5, 2),
                new PositionedStats(event("b").at(300).codes(200, 2).build(), 0, 6, 3));

        List<CommittableWindow> out = aggregator.aggregateCommittable(Flux.fromIterable(read)).collectList()
                .block(Duration.ofSeconds(30));

        assertThat(aggregator.counts().tooLate()).isZero();
        assertThat(out).extracting(w -> w.aggregate().windowStart().getEpochSecond() - T0.getEpochSecond(),
                w -> w.aggregate().overview().calls()).contains(tuple(0L, 1L), tuple(300L, 2L));
    }

    @Test
    void aSentWindowHoldsItsRecordsUntilItsLastCorrectionSoACrashCannotLoseLateEvents() {
        List<PositionedStats> read = List.of(
                new PositionedStats(event("a").at(0).codes(200, 1).build(), 0, 10), // W0
                new PositionedStats(event("b").at(95).codes(200, 1).build(), 0, 11), // W1; W0 sent (revision 0)
                new PositionedStats(event("c").at(20).codes(500, 1).build(), 0, 12), // late for W0: a correction
                new PositionedStats(event("d").at(250).codes(200, 1).build(), 0, 13)); // W0 past its horizon

        List<CommittableWindow> out = new WindowedEndpointAggregator(SETTINGS, null)
                .aggregateCommittable(Flux.fromIterable(read)).collectList().block(Duration.ofSeconds(30));

        assertThat(out).extracting(w -> w.aggregate().windowStart().getEpochSecond() - T0.getEpochSecond(),
                w -> w.aggregate().revision(), w -> w.aggregate().overview().calls(), CommittableWindow::commitBefore)
                .containsExactly(
                        // had "a" (offset 10) been committed with revision 0, a crash before the correction was
                        // accepted would rebuild W0 from "c" alone, and the control plane keeps the bigger row
                        tuple(0L, 0, 1L, 10L),
                        tuple(0L, 1, 2L, 11L), // W0's last emission: its records are done; W1 still holds 11
                        tuple(60L, 0, 1L, 11L),
                        tuple(240L, 0, 1L, 11L)); // end of input: W1 and W4 may still be corrected after a restart
    }

    private List<WindowAggregate> aggregateAll(List<EnrichedEndpointStats> events) {
        return new WindowedEndpointAggregator(SETTINGS, null).aggregate(Flux.fromIterable(events)).collectList()
                .block(Duration.ofSeconds(30));
    }

    private static WindowAggregate withoutRevision(WindowAggregate w) {
        return new WindowAggregate(w.tenantId(), w.windowStart(), w.windowLength(), 0, w.endpoints(), w.overview());
    }
}
