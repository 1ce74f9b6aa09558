package dev.lunar.telemetry.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A stage's cold and warm phases, from its JVM's samples ({@link JvmStats.CpuSample}, every 100 ms) and the arrival
 * times of its output at the destination (sorted):
 * <ul>
 *   <li><b>cold</b>: from the JVM's start (process CPU, JIT and GC all zero) to the arrival of the output of the first
 *       {@code coldRecords} input records — what a processor restarted by a deploy or an autoscaler lives through;</li>
 *   <li><b>warm-up</b> (only when {@code warmUpRecords > 0}): the next {@code warmUpRecords} input records — while
 *       the JIT compiler is still busy; reported, but not part of the warm phase;</li>
 *   <li><b>warm</b>: from there to the last arrival — the rest of the input, after the cold (and warm-up) records as
 *       a discarded warm-up.</li>
 * </ul>
 * Outputs need not be one per input record (the processor drops some records whole; the Datadog intake counts log
 * entries): the phase boundary is the output at the same fraction of all outputs as {@code coldRecords} of the input.
 * Values at a boundary are interpolated between the samples around it.
 */
final class PhaseFigures {

    private PhaseFigures() {}

    static List<BenchReport.Phase> of(String stage, long[] sortedArrivals, long inputRecords, long coldRecords,
                                      long warmUpRecords, long jvmStartMillis, long readyAtMillis,
                                      List<JvmStats.CpuSample> samples) {
        List<BenchReport.Phase> phases = new ArrayList<>(3);
        int n = sortedArrivals.length;
        if (n < 2 || samples.size() < 2 || coldRecords + warmUpRecords >= inputRecords) {
            return phases;
        }
        long coldEnd = arrivalAfter(sortedArrivals, coldRecords, inputRecords);
        long warmUpEnd = arrivalAfter(sortedArrivals, coldRecords + warmUpRecords, inputRecords);
        long last = sortedArrivals[n - 1];
        JvmStats.CpuSample start = new JvmStats.CpuSample(jvmStartMillis, 0, 0, 0, 0, 0);
        phases.add(phase(stage, "cold", coldRecords, start, at(samples, coldEnd), peakHeap(samples, jvmStartMillis,
                coldEnd), readyAtMillis - jvmStartMillis));
        if (warmUpRecords > 0) {
            phases.add(phase(stage, "warm-up", warmUpRecords, at(samples, coldEnd), at(samples, warmUpEnd),
                    peakHeap(samples, coldEnd, warmUpEnd), -1));
        }
        phases.add(phase(stage, "warm", inputRecords - coldRecords - warmUpRecords, at(samples, warmUpEnd),
                at(samples, last), peakHeap(samples, warmUpEnd, last), -1));
        return phases;
    }

    /** The arrival of the output of the first {@code records} of {@code inputRecords}, by the same fraction. */
    private static long arrivalAfter(long[] sortedArrivals, long records, long inputRecords) {
        int n = sortedArrivals.length;
        int index = (int) Math.min(n - 1, Math.max(0, Math.ceil((double) records * n / inputRecords) - 1));
        return sortedArrivals[index];
    }

    private static BenchReport.Phase phase(String stage, String name, long records, JvmStats.CpuSample from,
                                           JvmStats.CpuSample to, long heapPeak, long startupMillis) {
        double seconds = Math.max(1, to.wallMillis() - from.wallMillis()) / 1000.0;
        return new BenchReport.Phase(stage, name, records, seconds, records / seconds,
                (to.cpuNanos() - from.cpuNanos()) / 1e3 / records, to.jitMillis() - from.jitMillis(),
                to.gcMillis() - from.gcMillis(), to.gcCount() - from.gcCount(), heapPeak, startupMillis);
    }

    /** The sample at {@code millis}, interpolated between the two around it (the first or last outside them). */
    static JvmStats.CpuSample at(List<JvmStats.CpuSample> samples, long millis) {
        JvmStats.CpuSample before = samples.get(0);
        if (millis <= before.wallMillis()) {
            return before;
        }
        for (JvmStats.CpuSample s : samples) {
            if (s.wallMillis() >= millis) {
                double f = s.wallMillis() == before.wallMillis() ? 1
                        : (double) (millis - before.wallMillis()) / (s.wallMillis() - before.wallMillis());
                return new JvmStats.CpuSample(millis, lerp(before.cpuNanos(), s.cpuNanos(), f),
                        lerp(before.jitMillis(), s.jitMillis(), f), lerp(before.gcMillis(), s.gcMillis(), f),
                        lerp(before.gcCount(), s.gcCount(), f), Math.max(before.heapUsedBytes(), s.heapUsedBytes()));
            }
            before = s;
        }
        return before;
    }

    private static long lerp(long a, long b, double f) {
        return a + Math.round((b - a) * f);
    }

    private static long peakHeap(List<JvmStats.CpuSample> samples, long from, long to) {
        long peak = 0;
        for (JvmStats.CpuSample s : samples) {
            if (s.wallMillis() >= from - 100 && s.wallMillis() <= to + 100) {
                peak = Math.max(peak, s.heapUsedBytes());
            }
        }
        return peak;
    }
}
