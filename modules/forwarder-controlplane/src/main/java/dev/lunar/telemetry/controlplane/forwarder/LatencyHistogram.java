package dev.lunar.telemetry.controlplane.forwarder;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Latency histograms of several proxies merged: each bucket's count is added at its own upper bound (the union of
 * all bounds seen), overflow counts are added together.
 *
 * <p>Quantile rule (the one Prometheus' {@code histogram_quantile} uses): with {@code N} = all bucket counts plus
 * the overflow, the rank is {@code r = q·N}. The quantile lies in the first bucket (ascending bound) whose cumulative
 * count reaches {@code r}, linearly interpolated between that bucket's lower edge {@code L} (the previous bound, 0
 * for the first bucket) and its upper bound {@code U}: {@code L + (U − L)·(r − C_before)/n_bucket}. When
 * {@code r} falls into the overflow the answer is the largest latency seen. The result never exceeds the largest
 * latency seen. When histograms of different layouts are merged a bucket's lower edge is the nearest bound below
 * it in the union, which can only narrow the interval.
 */
final class LatencyHistogram {
    private final TreeMap<Long, Long> countsByUpperBound = new TreeMap<>();
    private long overflow;

    void addBucket(long upperBoundMs, long count) {
        if (count > 0) {
            countsByUpperBound.merge(upperBoundMs, count, Long::sum);
        }
    }

    void addOverflow(long count) {
        overflow += count;
    }

    /** Calls per bucket upper bound, ascending (a copy). */
    java.util.SortedMap<Long, Long> buckets() {
        return new TreeMap<>(countsByUpperBound);
    }

    long overflow() {
        return overflow;
    }

    long total() {
        long n = overflow;
        for (long c : countsByUpperBound.values()) {
            n += c;
        }
        return n;
    }

    /**
     * The {@code q} quantile (0 &lt; q &le; 1), or empty when the histogram is empty.
     *
     * @param maxObservedMs the largest latency seen, the answer for ranks in the overflow and the upper clamp
     */
    OptionalDouble quantile(double q, long maxObservedMs) {
        long n = total();
        if (n == 0) {
            return OptionalDouble.empty();
        }
        double rank = q * n;
        long before = 0;
        long lower = 0;
        for (Map.Entry<Long, Long> bucket : countsByUpperBound.entrySet()) {
            long upper = bucket.getKey();
            long count = bucket.getValue();
            if (before + count >= rank) {
                double value = lower + (upper - lower) * ((rank - before) / count);
                return OptionalDouble.of(Math.min(value, maxObservedMs));
            }
            before += count;
            lower = upper;
        }
        return OptionalDouble.of(maxObservedMs);
    }
}
