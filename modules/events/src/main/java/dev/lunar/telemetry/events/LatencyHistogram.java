package dev.lunar.telemetry.events;

import java.util.Collections;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A latency histogram: calls per bucket upper bound (ms, non-cumulative) plus the calls above the last bound.
 * Histograms are merged bucket by bucket (the union of all bounds; counts at the same bound added): the proxies'
 * histograms by the control-plane forwarder, its partials by the control plane. Both use this one class, so the p95
 * the control plane computes from merged partials is the one a single forwarder would have computed from all events.
 *
 * <p>Quantile rule, the forwarder's and Prometheus' {@code histogram_quantile}: with {@code N} all counts, the rank
 * {@code r = q·N} lies in the first bucket whose cumulative count reaches it, interpolated linearly between the
 * previous bound (0 for the first) and the bucket's bound; a rank in the overflow, or above the largest latency seen,
 * answers the largest latency seen. When histograms of different layouts are merged, a bucket's lower edge is the
 * nearest bound below it in the union, which can only narrow the interval.
 *
 * <p>Stored as text, {@code le:count,le:count|overflow} (e.g. {@code 100:4,250:7|0}): bounds ascending, counts
 * positive.
 */
public final class LatencyHistogram {
    public static final LatencyHistogram EMPTY = new LatencyHistogram(new TreeMap<>(), 0);

    private final TreeMap<Long, Long> countsByUpperBound;
    private final long overflow;

    private LatencyHistogram(TreeMap<Long, Long> countsByUpperBound, long overflow) {
        this.countsByUpperBound = countsByUpperBound;
        this.overflow = overflow;
    }

    /** From buckets (bound → count; zero counts are left out) and the overflow count. */
    public static LatencyHistogram of(Map<Long, Long> buckets, long overflow) {
        TreeMap<Long, Long> counts = new TreeMap<>();
        buckets.forEach((bound, count) -> {
            if (count > 0) {
                counts.merge(bound, count, Long::sum);
            }
        });
        return new LatencyHistogram(counts, overflow);
    }

    /** Buckets and overflow of both, added bound by bound. */
    public LatencyHistogram plus(LatencyHistogram other) {
        TreeMap<Long, Long> counts = new TreeMap<>(countsByUpperBound);
        other.countsByUpperBound.forEach((bound, count) -> counts.merge(bound, count, Long::sum));
        return new LatencyHistogram(counts, Math.addExact(overflow, other.overflow));
    }

    /** Calls per bucket upper bound, ascending. */
    public SortedMap<Long, Long> buckets() {
        return Collections.unmodifiableSortedMap(countsByUpperBound);
    }

    public long overflow() {
        return overflow;
    }

    public long total() {
        long n = overflow;
        for (long c : countsByUpperBound.values()) {
            n += c;
        }
        return n;
    }

    /**
     * The {@code q} quantile (0 &lt; q &le; 1), empty when the histogram holds nothing.
     *
     * @param maxObservedMs the largest latency seen: the answer for ranks in the overflow, and the upper clamp
     */
    public OptionalDouble quantile(double q, long maxObservedMs) {
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

    /** The stored text form. */
    public String format() {
        StringBuilder b = new StringBuilder();
        countsByUpperBound.forEach((bound, count) -> {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(bound).append(':').append(count);
        });
        return b.append('|').append(overflow).toString();
    }

    /** Reads {@link #format()}'s text; null (a row written before histograms were stored) is empty. */
    public static LatencyHistogram parse(String text) {
        if (text == null) {
            return EMPTY;
        }
        int bar = text.lastIndexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("not a stored latency histogram: " + text);
        }
        TreeMap<Long, Long> counts = new TreeMap<>();
        if (bar > 0) {
            for (String bucket : text.substring(0, bar).split(",")) {
                int colon = bucket.indexOf(':');
                counts.put(Long.parseLong(bucket.substring(0, colon)), Long.parseLong(bucket.substring(colon + 1)));
            }
        }
        return new LatencyHistogram(counts, Long.parseLong(text.substring(bar + 1)));
    }

    /** Adds buckets as they come (one proxy's histogram after another); not thread-safe. */
    public static final class Counter {
        private final TreeMap<Long, Long> countsByUpperBound = new TreeMap<>();
        private long overflow;

        public void addBucket(long upperBoundMs, long count) {
            if (count > 0) {
                countsByUpperBound.merge(upperBoundMs, count, Long::sum);
            }
        }

        public void addOverflow(long count) {
            overflow = Math.addExact(overflow, count);
        }

        public LatencyHistogram histogram() {
            return new LatencyHistogram(new TreeMap<>(countsByUpperBound), overflow);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram h && h.overflow == overflow && h.countsByUpperBound.equals(countsByUpperBound);
    }

    @Override
    public int hashCode() {
        return countsByUpperBound.hashCode() * 31 + Long.hashCode(overflow);
    }

    @Override
    public String toString() {
        return format();
    }
}
