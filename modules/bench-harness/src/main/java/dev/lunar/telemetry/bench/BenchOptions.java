package dev.lunar.telemetry.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Options of the end-to-end harness ({@link EndToEndBench}), immutable; defaults in {@link #defaults()} only.
 *
 * @param records        records pre-produced for the throughput stages (all kinds, {@link BenchRecords#MIX})
 * @param partitions     partitions of every topic
 * @param seed           seed of the generated records
 * @param pacedSeconds   length of each paced latency run
 * @param downSeconds    length of the run against an intake answering 503
 * @param stageHeap      {@code -Xmx} of the child JVM running a system under test
 * @param downHeap       {@code -Xmx} of the child JVM of the destination-down run (the bound being checked)
 * @param stages         which parts run: {@code mirror}, {@code processor}, {@code datadog}, {@code down},
 *                       {@code paced}
 * @param workDir        where the broker keeps its data; null for a new temporary directory, deleted afterwards
 * @param profileDir     when set, every child JVM records a JFR profile ({@code settings=profile}) there
 */
public record BenchOptions(int records, int partitions, long seed, int pacedSeconds, int downSeconds,
                           String stageHeap, String downHeap, Set<String> stages, Path workDir, Path profileDir) {

    public static final List<String> ALL_STAGES = List.of("mirror", "processor", "datadog", "down", "paced");

    public BenchOptions {
        if (records < 100) {
            throw new IllegalArgumentException("--records must be at least 100, was " + records);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, was " + partitions);
        }
        if (pacedSeconds < 1 || downSeconds < 1) {
            throw new IllegalArgumentException("--paced-seconds and --down-seconds must be at least 1");
        }
        stages = Set.copyOf(stages);
        for (String stage : stages) {
            if (!ALL_STAGES.contains(stage)) {
                throw new IllegalArgumentException("--stages: unknown stage '" + stage + "'; use " + ALL_STAGES);
            }
        }
    }

    public static BenchOptions defaults() {
        return new BenchOptions(400_000, 6, 42, 15, 30, "1g", "512m", Set.copyOf(ALL_STAGES), null, null);
    }

    public BenchOptions withRecords(int n) {
        return new BenchOptions(n, partitions, seed, pacedSeconds, downSeconds, stageHeap, downHeap, stages, workDir,
                profileDir);
    }

    public BenchOptions withDurations(int paced, int down) {
        return new BenchOptions(records, partitions, seed, paced, down, stageHeap, downHeap, stages, workDir,
                profileDir);
    }

    public BenchOptions withStages(Set<String> only) {
        return new BenchOptions(records, partitions, seed, pacedSeconds, downSeconds, stageHeap, downHeap, only,
                workDir, profileDir);
    }

    public boolean runs(String stage) {
        return stages.contains(stage);
    }

    /** {@code --records=N --partitions=P --seed=S --paced-seconds=T --down-seconds=T --stage-heap=1g
     * --down-heap=512m --stages=mirror,processor,... --work-dir=DIR --profile=DIR}. */
    public static BenchOptions parse(String... args) {
        BenchOptions o = defaults();
        int records = o.records;
        int partitions = o.partitions;
        long seed = o.seed;
        int paced = o.pacedSeconds;
        int down = o.downSeconds;
        String stageHeap = o.stageHeap;
        String downHeap = o.downHeap;
        Set<String> stages = o.stages;
        Path workDir = null;
        Path profileDir = null;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("unknown argument '" + arg
                        + "'; options look like --records=200000");
            }
            String value = arg.substring(eq + 1);
            switch (arg.substring(2, eq).toLowerCase(Locale.ROOT)) {
                case "records" -> records = Integer.parseInt(value.replace("_", "").replace("k", "000"));
                case "partitions" -> partitions = Integer.parseInt(value);
                case "seed" -> seed = Long.parseLong(value);
                case "paced-seconds" -> paced = Integer.parseInt(value);
                case "down-seconds" -> down = Integer.parseInt(value);
                case "stage-heap" -> stageHeap = value;
                case "down-heap" -> downHeap = value;
                case "stages" -> stages = new LinkedHashSet<>(Arrays.asList(value.split(",")));
                case "work-dir" -> workDir = Path.of(value);
                case "profile" -> profileDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new BenchOptions(records, partitions, seed, paced, down, stageHeap, downHeap, stages, workDir,
                profileDir);
    }
}
