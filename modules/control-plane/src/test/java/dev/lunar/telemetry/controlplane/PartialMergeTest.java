package dev.lunar.telemetry.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.controlplane.StoredRows.EndpointRow;
import dev.lunar.telemetry.controlplane.StoredRows.OverviewPartial;
import dev.lunar.telemetry.controlplane.StoredRows.OverviewRow;
import dev.lunar.telemetry.controlplane.StoredRows.PartialRow;
import dev.lunar.telemetry.controlplane.StoredRows.Summary;
import dev.lunar.telemetry.events.LatencyHistogram;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The query-time merge of partial aggregates, as plain functions: no database, no HTTP. */
class PartialMergeTest {
    static final Instant W0 = Instant.parse("2026-01-05T10:00:00Z");
    static final Instant UPDATED = Instant.parse("2026-01-05T10:05:00Z");

    /** A stored row of GET api.stripe.com/v1/charges in W0: 2xx, 4xx and 5xx given, calls = their sum. */
    static PartialRow row(int partition, long events, long s2, long s4, long s5, long latencySum, long latencyMax,
                          Double p95, String histogram) {
        return new PartialRow(W0, 60_000, partition, "api.stripe.com", "GET", "/v1/charges", events, s2 + s4 + s5,
                s4 + s5, s2, 0, s4, s5, latencySum, latencyMax, p95, histogram, UPDATED.plusSeconds(partition));
    }

    @Test
    void partialsAreSummedTheirMaximumKeptAndTheirHistogramsMergedBucketByBucket() {
        PartialRow p0 = row(0, 3, 90, 6, 4, 12_000, 900, 100.0, "50:60,100:30,250:8|2");
        PartialRow p1 = row(1, 2, 20, 0, 1, 2_000, 300, 240.0, "100:1,250:20|0");

        EndpointRow merged = PartialMerge.mergeEndpoint("acme", List.of(p0, p1));

        assertThat(merged.sourceEvents()).isEqualTo(5);
        assertThat(merged.calls()).isEqualTo(121);
        assertThat(merged.errors()).isEqualTo(11);
        assertThat(List.of(merged.status2xx(), merged.status3xx(), merged.status4xx(), merged.status5xx()))
                .containsExactly(110L, 0L, 6L, 5L);
        assertThat(merged.latencySumMs()).isEqualTo(14_000);
        assertThat(merged.latencyMaxMs()).isEqualTo(900);
        // merged buckets 50:60, 100:31, 250:28, overflow 2 (N = 121): rank 114.95 lies in (100, 250] after 91,
        // 100 + 150 · (114.95 − 91) / 28 — what one forwarder computes from all the events
        assertThat(merged.latencyP95Ms()).isCloseTo(100 + 150 * (114.95 - 91) / 28, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(merged.idempotencyKey()).isEqualTo("acme|2026-01-05T10:00:00Z|60000|api.stripe.com|GET /v1/charges");
        assertThat(merged.updatedAt()).isEqualTo(UPDATED.plusSeconds(1));
    }

    @Test
    void aSinglePartialOrWholeRowIsAnsweredAsStored() {
        PartialRow only = row(4, 3, 90, 6, 4, 12_000, 900, 193.75, "50:60,100:30,250:8|2");
        PartialRow whole = row(-1, 3, 90, 6, 4, 12_000, 900, 193.75, null);

        assertThat(PartialMerge.mergeEndpoint("acme", List.of(only)).latencyP95Ms()).isEqualTo(193.75);
        assertThat(PartialMerge.mergeEndpoint("acme", List.of(whole)))
                .extracting(EndpointRow::calls, EndpointRow::latencyP95Ms).containsExactly(100L, 193.75);
    }

    @Test
    void aWholeRowAndPartialsOfTheSameEndpointAreVersionsAndTheOneFromMoreEventsWins() {
        PartialRow whole = row(-1, 4, 80, 0, 0, 800, 20, 15.0, null);
        PartialRow p0 = row(0, 2, 30, 0, 0, 300, 20, 12.0, "25:30|0");
        PartialRow p1 = row(1, 3, 50, 0, 0, 500, 20, 14.0, "25:50|0");

        // 5 events in the partials against 4 in the whole row (a window re-read after the upgrade): partials win
        assertThat(PartialMerge.mergeEndpoint("acme", List.of(whole, p0, p1)).calls()).isEqualTo(80);
        assertThat(PartialMerge.mergeEndpoint("acme", List.of(whole, p0, p1)).sourceEvents()).isEqualTo(5);
        // a replay that started mid-window, from 2 events, never replaces the whole row's 4
        assertThat(PartialMerge.mergeEndpoint("acme", List.of(whole, p0)))
                .extracting(EndpointRow::sourceEvents, EndpointRow::calls).containsExactly(4L, 80L);
    }

    @Test
    void rowsOfDifferentEndpointsAreNeverMerged() {
        PartialRow other = new PartialRow(W0, 60_000, 1, "api.stripe.com", "POST", "/v1/charges", 1, 1, 0, 1, 0, 0,
                0, 1, 1, null, "|0", UPDATED);
        assertThatThrownBy(() -> PartialMerge.mergeEndpoint("acme", List.of(row(0, 1, 1, 0, 0, 1, 1, null, "|0"),
                other))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWindowOfPartialsIsComputedFromItsMergedEndpointsUpToTheForwardersLimit() {
        List<EndpointRow> endpoints = List.of(
                endpoint("api.stripe.com", "GET", "/v1/charges", 4, 100, 5),
                endpoint("api.github.com", "GET", "/repos", 2, 100, 9),
                endpoint("api.stripe.com", "POST", "/v1/refunds", 1, 7, 0));
        List<OverviewPartial> partials = List.of(
                new OverviewPartial(W0, 60_000, 0, "k|p0", 3, 0, 0, 0, "[]", 2, UPDATED),
                new OverviewPartial(W0, 60_000, 3, "k|p3", 4, 0, 0, 0, "[]", 2, UPDATED.plusSeconds(9)));

        OverviewRow w = PartialMerge.mergeWindow("acme", partials, endpoints);

        assertThat(w.idempotencyKey()).isEqualTo("acme|2026-01-05T10:00:00Z|60000");
        assertThat(List.of(w.sourceEvents(), w.calls(), w.errors(), (long) w.providers())).containsExactly(7L, 207L,
                14L, 2L);
        // ties on calls: more errors first
        assertThat(w.topEndpointsJson()).isEqualTo("[{\"provider\":\"api.github.com\",\"method\":\"GET\","
                + "\"pathTemplate\":\"/repos\",\"calls\":100,\"errors\":9},{\"provider\":\"api.stripe.com\","
                + "\"method\":\"GET\",\"pathTemplate\":\"/v1/charges\",\"calls\":100,\"errors\":5}]");
        assertThat(w.updatedAt()).isEqualTo(UPDATED.plusSeconds(9));
    }

    @Test
    void aWholeWindowWithoutPartialsIsAnsweredAsStored() {
        OverviewPartial whole = new OverviewPartial(W0, 60_000, -1, "acme|2026-01-05T10:00:00Z|60000", 3, 10, 1, 1,
                "[{\"stored\":true}]", null, UPDATED);

        OverviewRow w = PartialMerge.mergeWindow("acme", List.of(whole), List.of());

        assertThat(w).isEqualTo(new OverviewRow(W0, 60_000, "acme|2026-01-05T10:00:00Z|60000", 3, 10, 1, 1,
                "[{\"stored\":true}]", UPDATED));
    }

    @Test
    void theSummaryAddsUpMergedRowsPerProviderEndpointAndWindow() {
        PartialMerge.SummaryBuilder b = new PartialMerge.SummaryBuilder(500);
        b.add(endpoint("api.stripe.com", "GET", "/v1/charges", 4, 100, 5));
        b.add(endpoint("api.github.com", "GET", "/repos", 2, 40, 0));
        b.add(new EndpointRow(W0.plusSeconds(60), 60_000, "k", "api.stripe.com", "GET", "/v1/charges", 1, 10, 1, 9,
                0, 1, 0, 50, 700, 650.0, UPDATED));

        Summary s = b.build();

        assertThat(List.of(s.windows(), s.calls(), s.errors(), s.latencyMaxMs())).containsExactly(2L, 150L, 6L,
                700L);
        assertThat(s.providers()).extracting(p -> p.provider() + "=" + p.calls())
                .containsExactly("api.stripe.com=110", "api.github.com=40");
        assertThat(s.endpoints().get(0).worstWindowP95Ms()).isEqualTo(650.0);
        assertThat(s.series()).extracting(p -> p.calls()).containsExactly(140L, 10L);
    }

    @Test
    void aHistogramSurvivesItsStoredTextAndMergesByBound() {
        LatencyHistogram a = LatencyHistogram.of(new TreeMap<>(Map.of(50L, 3L, 100L, 0L, 250L, 1L)), 2);
        LatencyHistogram b = LatencyHistogram.parse("100:4,250:1|0");

        assertThat(a.format()).isEqualTo("50:3,250:1|2");
        assertThat(LatencyHistogram.parse(a.format())).isEqualTo(a);
        assertThat(a.plus(b).format()).isEqualTo("50:3,100:4,250:2|2");
        assertThat(LatencyHistogram.parse(null).quantile(0.95, 10)).isEmpty();
    }

    private static EndpointRow endpoint(String provider, String method, String path, long events, long calls,
                                        long errors) {
        return new EndpointRow(W0, 60_000, "k", provider, method, path, events, calls, errors, calls - errors, 0,
                errors, 0, calls, 10, null, UPDATED);
    }
}
