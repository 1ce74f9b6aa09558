package dev.lunar.telemetry.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Produce-to-Datadog latency (handed to the producer → first accepted by the loopback Datadog) of the events produced
 * during each fault, and of those produced while no fault was under way. Reported, never asserted: speed lives in
 * benchmarks.
 */
final class LatencyByPhase {

    static final String NO_FAULT = "no fault under way";

    /** A fault's time span, {@link System#nanoTime()} at its start and end. */
    record Phase(String name, long startNanos, long endNanos) {}

    /** One phase's figures, in milliseconds. */
    record Figures(int events, long p50, long p99, long max) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d events, p50 %,d ms, p99 %,d ms, max %,d ms", events, p50, p99, max);
        }
    }

    private LatencyByPhase() {
    }

    /**
     * @param phases        the faults, in order, not overlapping
     * @param sentNanos     event id to when it was produced
     * @param acceptedNanos event id to when Datadog first accepted it (ids never accepted are left out)
     * @return figures by phase name, {@link #NO_FAULT} first; a phase without events is absent
     */
    static Map<String, Figures> measure(List<Phase> phases, Map<String, Long> sentNanos, Map<String, Long> acceptedNanos) {
        Map<String, List<Long>> byPhase = new LinkedHashMap<>();
        byPhase.put(NO_FAULT, new ArrayList<>());
        phases.forEach(p -> byPhase.put(p.name(), new ArrayList<>()));
        acceptedNanos.forEach((id, accepted) -> {
            Long sent = sentNanos.get(id);
            if (sent == null) {
                return;
            }
            String phase = NO_FAULT;
            for (Phase p : phases) {
                if (sent >= p.startNanos() && sent < p.endNanos()) {
                    phase = p.name();
                    break;
                }
            }
            byPhase.get(phase).add(Math.max(0, accepted - sent) / 1_000_000);
        });
        Map<String, Figures> figures = new LinkedHashMap<>();
        byPhase.forEach((name, millis) -> {
            if (!millis.isEmpty()) {
                figures.put(name, figures(millis));
            }
        });
        return figures;
    }

    /** Nearest-rank percentiles. */
    static Figures figures(List<Long> millis) {
        long[] sorted = millis.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Figures(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
