package dev.lunar.telemetry.benchmarks;

import dev.lunar.telemetry.bench.BenchRecords;
import dev.lunar.telemetry.bench.FleetRecords;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import dev.lunar.telemetry.processor.ProcessorSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * The processor's per-record transform — {@link EnrichmentPipeline#apply}: decode → tenant → denylist and
 * redaction → encode — against a plain copy of the same records (the raw codec's decode then encode), one thread,
 * records/s. Target: {@code transform} at least 0.5 × {@code copy}. {@code -p input=fleet} measures the fleet
 * simulator's first records instead of the bench records — mostly the proxies' start-up bursts, which plant every
 * secret — and {@code -p input=fleet-steady} its steady mix (records after the first {@value #STEADY_FROM}).
 * {@code kind} is {@code ALL} (the benchmark mix) or one {@link EventKind} name, e.g. {@code -p kind=POLICIES}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dlog4j2.configurationFile=log4j2-benchmarks.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class TransformBenchmark {

    /** Records per invocation; scores are records/s. */
    static final int SAMPLE = 1000;
    /** The fleet's 60 proxies send their start-up bursts (10 records each) first; after this the mix is steady. */
    static final int STEADY_FROM = 10_000;

    @Param({"ALL"})
    public String kind;

    /**
     * {@code bench} (the bench records), {@code fleet} (the fleet simulator's first records) or {@code fleet-steady}
     * (its records from {@link #STEADY_FROM} on): {@code -p input=fleet-steady}.
     */
    @Param({"bench"})
    public String input;

    private EnrichmentPipeline pipeline;
    private EventKind[] kinds;
    private byte[][] values;
    private AvroCodec<SpecificRecordBase>[] codecs;

    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() {
        int count = kind.equals("ALL") ? SAMPLE : 60 * SAMPLE;
        int from = input.equals("fleet-steady") ? STEADY_FROM : 0;
        BenchRecords.DataSet data = switch (input) {
            case "bench" -> BenchRecords.generate(count, 42);
            case "fleet", "fleet-steady" -> FleetRecords.generate(from + count, 42);
            default -> throw new IllegalArgumentException("input: unknown '" + input
                    + "'; use bench, fleet or fleet-steady");
        };
        pipeline = EnrichmentPipeline.withTenants(ProcessorSettings.builder("127.0.0.1:9").build(), data.tenants(),
                new SimpleMeterRegistry());
        kinds = new EventKind[SAMPLE];
        values = new byte[SAMPLE][];
        codecs = new AvroCodec[SAMPLE];
        List<BenchRecords.Raw> sample = BenchRecords.sample(data, kind, from, SAMPLE);
        for (int n = 0; n < SAMPLE; n++) {
            BenchRecords.Raw raw = sample.get(n);
            kinds[n] = raw.kind();
            values[n] = raw.value();
            codecs[n] = BenchRecords.codec(raw.kind().rawType());
        }
        for (int i = 0; i < SAMPLE; i++) {
            EnrichmentResult result = pipeline.apply(kinds[i], values[i]);
            // the fleet's traffic has request lines the processor drops whole (P1): they are processed too
            if (result instanceof EnrichmentResult.Rejected) {
                throw new IllegalStateException("benchmark record " + i + " was rejected: " + result);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void transform(Blackhole bh) {
        for (int i = 0; i < SAMPLE; i++) {
            bh.consume(pipeline.apply(kinds[i], values[i]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void copy(Blackhole bh) {
        for (int i = 0; i < SAMPLE; i++) {
            AvroCodec<SpecificRecordBase> codec = codecs[i];
            bh.consume(codec.encode(codec.decode(values[i])));
        }
    }
}
