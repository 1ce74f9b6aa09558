package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.bench.BenchOptions;
import dev.lunar.telemetry.bench.BenchReport;
import dev.lunar.telemetry.bench.EndToEndBench;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lunar-telemetry bench}: the end-to-end throughput benchmark of modules/benchmarks ({@link EndToEndBench}) on
 * an embedded broker of its own. Prints records/s, MB/s, latency, heap and the ratios to the plain mirror.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures, on one embedded broker with the same pre-produced records: a plain kafka-clients"
                + " mirror (the ceiling), the processor, the Datadog forwarder into a loopback intake, the forwarder"
                + " against an intake that is down, and paced runs at half rate for latency.",
                "Each system under test runs in a child JVM. Takes a few minutes; needs about 1 GB of heap per"
                + " 400,000 records here and 2 GB of disk."})
final class BenchCommand implements Callable<Integer> {

    private static final BenchOptions DEFAULTS = BenchOptions.defaults();

    @Option(names = "--records", paramLabel = "N", description = "Records to pre-produce (default: 400000).")
    int records = DEFAULTS.records();

    @Option(names = "--partitions", paramLabel = "P", description = "Partitions per topic (default: 6).")
    int partitions = DEFAULTS.partitions();

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the generated records (default: 42).")
    long seed = DEFAULTS.seed();

    @Option(names = "--paced-seconds", paramLabel = "T", description = "Length of each paced latency run after a"
            + " 5 s warm-up (default: 15).")
    int pacedSeconds = DEFAULTS.pacedSeconds();

    @Option(names = "--down-seconds", paramLabel = "T", description = "Length of the destination-down run"
            + " (default: 30).")
    int downSeconds = DEFAULTS.downSeconds();

    @Option(names = "--outage", paramLabel = "DURATION", description = "Length of the destination-down run as a"
            + " duration, e.g. 10m (overrides --down-seconds).")
    String outage;

    @Option(names = "--input", paramLabel = "INPUT", description = "bench (the generated bench records, default) or"
            + " fleet (the fleet simulator's seeded traffic: 60 proxies, 9 tenants, planted secrets and request lines).")
    String input = DEFAULTS.input();

    @Option(names = "--stage-java", paramLabel = "PATH", description = "The java launcher of the systems under test"
            + " (default: this one's), e.g. a JDK 25 to measure its AOT cache.")
    String stageJava;

    @Option(names = "--stage-jvm-option", paramLabel = "OPTION", description = "A JVM option for the systems under"
            + " test (repeatable); {stage} is replaced by the stage's name, e.g."
            + " -XX:SharedArchiveFile=cds/{stage}.jsa (see README, \"Warm-up\").")
    List<String> stageJvmOptions = List.of();

    @Option(names = "--cold", paramLabel = "N", description = "The cold phase: the first N input records from the"
            + " stage JVM's start; the rest is the warm phase (default: 300000 from 1300000 records on, else a"
            + " quarter).")
    Integer cold;

    @Option(names = "--warm-up", paramLabel = "N", description = "Input records after the cold phase reported as a"
            + " warm-up phase of their own and left out of the warm phase, so that warm means the JIT compiler has"
            + " settled (default: 0), e.g. --records 2300000 --warm-up 1000000.")
    int warmUp;

    @Option(names = "--stage-heap", paramLabel = "SIZE", description = "-Xmx of the systems under test"
            + " (default: 1g).")
    String stageHeap = DEFAULTS.stageHeap();

    @Option(names = "--down-heap", paramLabel = "SIZE", description = "-Xmx of the forwarder in the"
            + " destination-down run (default: 512m).")
    String downHeap = DEFAULTS.downHeap();

    @Option(names = "--stages", split = ",", paramLabel = "STAGE",
            description = "Parts to run: mirror, processor, datadog, down, paced (default: all).")
    List<String> stages = BenchOptions.ALL_STAGES;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker data directory (default: a new"
            + " temporary directory, deleted afterwards).")
    Path workDir;

    @Option(names = "--profile", paramLabel = "DIR", description = "Record a JFR profile of every system under test"
            + " into DIR (<stage>.jfr).")
    Path profileDir;

    @Override
    public Integer call() throws Exception {
        BenchOptions options = new BenchOptions(records, partitions, seed, pacedSeconds,
                outage == null ? downSeconds : BenchOptions.seconds(outage), stageHeap, downHeap,
                new LinkedHashSet<>(stages), workDir, profileDir, input,
                cold == null ? BenchOptions.defaultCold(records) : cold, warmUp, stageJava, stageJvmOptions);
        BenchReport report = EndToEndBench.run(options, System.err);
        report.print(new PrintStream(System.out, true, StandardCharsets.UTF_8));
        return report.complete() ? 0 : 1;
    }
}
