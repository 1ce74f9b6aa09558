package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** p95 from non-cumulative buckets, computed by hand: rank r = 0.95·N, linear inside the bucket that holds r. */
class LatencyHistogramTest {

    @Test
    void p95IsInterpolatedInsideTheBucketHoldingTheRank() {
        // ≤50: 60, ≤100: 30, ≤250: 8, ≤500: 2 → N = 100, r = 95; cumulative 60, 90, 98 → bucket (100, 250]
        // p95 = 100 + (250 − 100) · (95 − 90) / 8 = 193.75
        LatencyHistogram.Counter h = new LatencyHistogram.Counter();
        h.addBucket(50, 60);
        h.addBucket(100, 30);
        h.addBucket(250, 8);
        h.addBucket(500, 2);

        assertThat(h.histogram().quantile(0.95, 480).getAsDouble()).isEqualTo(193.75);
    }

    @Test
    void histogramsOfSeveralProxiesAreMergedByUpperBound() {
        // proxy 1: ≤50: 40, ≤100: 20, ≤250: 5; proxy 2: ≤50: 20, ≤100: 10, ≤250: 3, ≤500: 2 → the histogram above
        LatencyHistogram.Counter h = new LatencyHistogram.Counter();
        h.addBucket(50, 40);
        h.addBucket(100, 20);
        h.addBucket(250, 5);
        h.addBucket(50, 20);
        h.addBucket(100, 10);
        h.addBucket(250, 3);
        h.addBucket(500, 2);

        assertThat(h.histogram().total()).isEqualTo(100);
        assertThat(h.histogram().quantile(0.95, 480).getAsDouble()).isEqualTo(193.75);
    }

    @Test
    void theFirstBucketStartsAtZero() {
        // ≤200: 10 → r = 9.5 → 0 + 200 · 9.5 / 10 = 190
        LatencyHistogram.Counter h = new LatencyHistogram.Counter();
        h.addBucket(200, 10);

        assertThat(h.histogram().quantile(0.95, 1_000).getAsDouble()).isEqualTo(190.0);
    }

    @Test
    void aRankInTheOverflowIsTheLargestLatencySeen() {
        // ≤100: 15, overflow 5 → N = 20, r = 19 > 15 → the largest latency seen
        LatencyHistogram.Counter h = new LatencyHistogram.Counter();
        h.addBucket(100, 15);
        h.addOverflow(5);

        assertThat(h.histogram().quantile(0.95, 3_000).getAsDouble()).isEqualTo(3_000.0);
    }

    @Test
    void theEstimateNeverExceedsTheLargestLatencySeen() {
        // ≤1000: 10 → 950 by interpolation, but nothing was slower than 700
        LatencyHistogram.Counter h = new LatencyHistogram.Counter();
        h.addBucket(1_000, 10);

        assertThat(h.histogram().quantile(0.95, 700).getAsDouble()).isEqualTo(700.0);
    }

    @Test
    void anEmptyHistogramHasNoQuantile() {
        assertThat(new LatencyHistogram.Counter().histogram().quantile(0.95, 100)).isEmpty();
    }
}
