package dev.lunar.telemetry.benchmarks;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.ProcessorSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The processor's compiled denylist plan alone ({@code plan}: removal, redaction, YAML scrubbing, path reporting on
 * decoded raw records) against {@link HandWrittenScrubber} doing the same job by hand ({@code handWritten}), records/s.
 * Both scrub in place, so every record is first put back as it was ({@link RecordSnapshot}); {@code restoreOnly}
 * measures that alone, so the net cost of each is {@code 1/score - 1/restoreOnly}. The setup checks that both give
 * equal records and paths.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dlog4j2.configurationFile=log4j2-benchmarks.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class DenylistBenchmark {

    static final int SAMPLE = 1000;

    @Param({"ALL"})
    public String kind;

    private DenylistPlanProbe plan;
    private HandWrittenScrubber handWritten;
    private EventKind[] kinds;
    private SpecificRecordBase[] records;
    private RecordSnapshot[] snapshots;

    @Setup
    public void setUp() {
        BenchRecords.DataSet data = BenchRecords.generate(kind.equals("ALL") ? SAMPLE : 60 * SAMPLE, 42);
        plan = DenylistPlanProbe.of(ProcessorSettings.builder("127.0.0.1:9").build());
        handWritten = new HandWrittenScrubber();
        kinds = new EventKind[SAMPLE];
        records = new SpecificRecordBase[SAMPLE];
        snapshots = new RecordSnapshot[SAMPLE];
        List<BenchRecords.Raw> sample = BenchRecords.sample(data, kind, SAMPLE);
        for (int n = 0; n < SAMPLE; n++) {
            BenchRecords.Raw raw = sample.get(n);
            kinds[n] = raw.kind();
            records[n] = BenchRecords.codec(raw.kind().rawType()).decode(raw.value());
            snapshots[n] = RecordSnapshot.of(records[n]);
        }
        int differences = ScrubberComparison.differences(plan, handWritten, kinds, records, snapshots);
        if (differences > 0) {
            throw new IllegalStateException(differences + " of " + SAMPLE + " records scrub differently by plan and"
                    + " by hand; the baseline is not doing the same job");
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void plan(Blackhole bh) {
        for (int i = 0; i < SAMPLE; i++) {
            snapshots[i].restore();
            bh.consume(plan.scrub(kinds[i], records[i]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void handWritten(Blackhole bh) {
        for (int i = 0; i < SAMPLE; i++) {
            snapshots[i].restore();
            bh.consume(handWritten.scrub(kinds[i], records[i]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void restoreOnly(Blackhole bh) {
        for (int i = 0; i < SAMPLE; i++) {
            snapshots[i].restore();
            bh.consume(records[i]);
        }
    }
}
