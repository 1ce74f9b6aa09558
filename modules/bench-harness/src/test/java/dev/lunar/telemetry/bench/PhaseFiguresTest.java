package dev.lunar.telemetry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Phase boundaries and the figures between them, on synthetic samples: no JVM or broker involved. */
class PhaseFiguresTest {

    /** One output per input record, one per millisecond from t=1000; CPU grows 2 µs per ms, JIT 1 ms per 10 ms. */
    private static final int RECORDS = 1000;

    @Test
    void withoutAWarmUpTheWarmPhaseStartsWhereTheColdOneEnds() {
        List<BenchReport.Phase> phases = PhaseFigures.of("processor", arrivals(), RECORDS, 200, 0, 0, 500,
                samples());

        assertThat(phases).extracting(BenchReport.Phase::phase).containsExactly("cold", "warm");
        assertThat(phases.get(1).records()).isEqualTo(800);
        assertThat(phases.get(1).seconds()).isCloseTo(0.8, within(0.002));
    }

    @Test
    void aWarmUpIsReportedOnItsOwnAndLeftOutOfTheWarmPhase() {
        List<BenchReport.Phase> phases = PhaseFigures.of("processor", arrivals(), RECORDS, 200, 300, 0, 500,
                samples());

        assertThat(phases).extracting(BenchReport.Phase::phase).containsExactly("cold", "warm-up", "warm");
        assertThat(phases).extracting(BenchReport.Phase::records).containsExactly(200L, 300L, 500L);
        BenchReport.Phase warmUp = phases.get(1);
        BenchReport.Phase warm = phases.get(2);
        // the warm-up runs from the 200th arrival (t=1199) to the 500th (t=1499), the warm phase on to t=1999
        assertThat(warmUp.seconds()).isCloseTo(0.3, within(0.002));
        assertThat(warm.seconds()).isCloseTo(0.5, within(0.002));
        assertThat(warm.cpuMicrosPerRecord()).isCloseTo(2.0, within(0.01));
        assertThat(warm.jitMillis()).isEqualTo(50);
        assertThat(phases.get(0).startupMillis()).isEqualTo(500);
        assertThat(warmUp.startupMillis()).isEqualTo(-1);
    }

    @Test
    void noPhasesWhenColdAndWarmUpLeaveNothingWarm() {
        assertThat(PhaseFigures.of("processor", arrivals(), RECORDS, 500, 500, 0, 500, samples())).isEmpty();
    }

    private static long[] arrivals() {
        long[] arrivals = new long[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            arrivals[i] = 1000 + i;
        }
        return arrivals;
    }

    private static List<JvmStats.CpuSample> samples() {
        List<JvmStats.CpuSample> samples = new ArrayList<>();
        for (long t = 1000; t <= 2100; t += 100) {
            long ms = t - 1000;
            samples.add(new JvmStats.CpuSample(t, ms * 2_000, ms / 10, 0, 0, 1 << 20));
        }
        return samples;
    }
}
