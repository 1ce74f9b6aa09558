package dev.lunar.telemetry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness end to end on a tiny data set against the real embedded broker and real child JVMs: every stage
 * completes and every produced record reaches each destination. No timing assertions: speed targets live in the
 * benchmark's report, not in tests.
 */
class EndToEndBenchSmokeTest {

    @Test
    @Timeout(180)
    void everyStageCompletesAndEveryRecordReachesEachDestination() throws Exception {
        BenchOptions options = BenchOptions.defaults().withRecords(2000).withDurations(1, 2);

        BenchReport report = EndToEndBench.run(options, System.err);
        report.print(System.out);

        assertThat(report.problems()).isEmpty();
        assertThat(report.stages()).extracting(BenchReport.Stage::name)
                .containsExactly("mirror", "processor", "datadog", "mirror2");
        assertThat(report.stage("mirror2").orElseThrow().delivered()).isEqualTo(2000);
        BenchReport.Stage mirror = report.stage("mirror").orElseThrow();
        BenchReport.Stage processor = report.stage("processor").orElseThrow();
        BenchReport.Stage datadog = report.stage("datadog").orElseThrow();
        assertThat(mirror.completed()).isTrue();
        assertThat(mirror.delivered()).isEqualTo(2000);
        assertThat(processor.completed()).isTrue();
        assertThat(processor.delivered()).isEqualTo(2000);
        assertThat(processor.deadLettered()).isZero();
        assertThat(datadog.completed()).isTrue();
        assertThat(datadog.delivered()).isEqualTo(datadog.expected());
        assertThat(datadog.expected()).isLessThan(2000); // endpoint stats never go to Datadog
        for (BenchReport.Stage s : report.stages()) {
            assertThat(s.recordsPerSecond()).as(s.name()).isPositive();
            assertThat(s.heapPeakUsedBytes()).as(s.name()).isPositive();
        }
        for (String stage : new String[] {"mirror", "processor", "datadog", "mirror2"}) {
            assertThat(report.phases()).as(stage).filteredOn(p -> p.stage().equals(stage))
                    .extracting(BenchReport.Phase::phase).containsExactly("cold", "warm");
        }
        for (BenchReport.Phase p : report.phases()) {
            assertThat(p.cpuMicrosPerRecord()).as(p.stage() + " " + p.phase()).isPositive();
            assertThat(p.recordsPerSecond()).as(p.stage() + " " + p.phase()).isPositive();
        }
        assertThat(report.phases()).filteredOn(p -> p.phase().equals("cold"))
                .allSatisfy(p -> assertThat(p.startupMillis()).isPositive());
        assertThat(report.processorToMirror()).isPresent();
        assertThat(report.datadogToMirror()).isPresent();

        assertThat(report.paced()).extracting(BenchReport.Paced::name)
                .containsExactly("mirror", "processor", "datadog");
        for (BenchReport.Paced p : report.paced()) {
            assertThat(p.completed()).as(p.name()).isTrue();
            assertThat(p.arrived()).as(p.name()).isEqualTo(p.sent());
            assertThat(p.p99Millis()).as(p.name()).isNotNegative();
        }

        BenchReport.Down down = report.down().orElseThrow();
        assertThat(down.completed()).isTrue();
        assertThat(down.requests()).isPositive();
        assertThat(down.accepted()).as("offsets committed while down").isZero();
        assertThat(down.maxInFlightRecords()).isLessThanOrEqualTo(down.inFlightBound());
    }

    @Test
    void optionsParseAndRefuseUnknownStages() {
        BenchOptions o = BenchOptions.parse("--records=5000", "--stages=mirror,processor", "--paced-seconds=3");

        assertThat(o.records()).isEqualTo(5000);
        assertThat(o.stages()).isEqualTo(Set.of("mirror", "processor"));
        assertThat(o.pacedSeconds()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse("--stages=mirror,fast"))
                .hasMessageContaining("unknown stage 'fast'");

        BenchOptions fleet = BenchOptions.parse("--input=fleet", "--records=1300000", "--outage=10m");
        assertThat(fleet.input()).isEqualTo("fleet");
        assertThat(fleet.downSeconds()).isEqualTo(600);
        assertThat(fleet.coldRecords()).isEqualTo(300_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse("--input=prod"))
                .hasMessageContaining("unknown input 'prod'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse("--records=1000", "--cold=1000"))
                .hasMessageContaining("--cold");
        assertThat(fleet.warmUpRecords()).isZero();
        assertThat(BenchOptions.parse("--records=2300000", "--warm-up=1000000").warmUpRecords()).isEqualTo(1_000_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse("--records=1000", "--cold=500",
                "--warm-up=500")).hasMessageContaining("--warm-up");
    }

    @Test
    void stageJvmsRunG1UnlessTheUserPicksAnotherCollector() {
        assertThat(EndToEndBench.stageJvmOptions("1g", List.of("-XX:SharedArchiveFile=cds/{stage}.jsa"), "processor"))
                .containsExactly("-Xmx1g", "-XX:+UseG1GC", "-XX:SharedArchiveFile=cds/processor.jsa");
        assertThat(EndToEndBench.stageJvmOptions("1g", List.of("-XX:+UseParallelGC"), "datadog"))
                .containsExactly("-Xmx1g", "-XX:+UseParallelGC");
    }
}
