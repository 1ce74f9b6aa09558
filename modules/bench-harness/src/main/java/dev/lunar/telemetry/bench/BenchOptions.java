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
 * @param input          {@code bench} (the generated bench records, {@link BenchRecords}) or {@code fleet} (the fleet
 *                       simulator's seeded traffic, {@link FleetRecords})
 * @param coldRecords    the cold phase: the first this many input records, from the child JVM's start
 * @param warmUpRecords  the warm-up phase: this many input records after the cold ones, reported but discarded
 *                       from the warm phase (0: the warm phase follows the cold one); the rest is the warm phase
 * @param stageJava      the {@code java} launcher of the child JVMs; null for this JVM's (e.g. a JDK 25 to measure its
 *                       AOT cache)
 * @param stageJvmOptions more options for the child JVMs, e.g. {@code -XX:SharedArchiveFile=...}
 */
public record BenchOptions(int records, int partitions, long seed, int pacedSeconds, int downSeconds,
                           String stageHeap, String downHeap, Set<String> stages, Path workDir, Path profileDir,
                           String input, int coldRecords, int warmUpRecords, String stageJava,
                           List<String> stageJvmOptions) {

    public static final List<String> ALL_STAGES = List.of("mirror", "processor", "datadog", "down", "paced");
    public static final List<String> INPUTS = List.of("bench", "fleet");

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
        if (!INPUTS.contains(input)) {
            throw new IllegalArgumentException("--input: unknown input '" + input + "'; use " + INPUTS);
        }
        if (coldRecords < 1 || coldRecords >= records) {
            throw new IllegalArgumentException("--cold must be at least 1 and below --records (" + records
                    + "), was " + coldRecords + "; the records after the cold ones are the warm phase");
        }
        if (warmUpRecords < 0 || (long) coldRecords + warmUpRecords >= records) {
            throw new IllegalArgumentException("--warm-up must be at least 0, and --cold plus --warm-up below --records"
                    + " (" + records + "), was " + warmUpRecords + "; the records after both are the warm phase");
        }
        stages = Set.copyOf(stages);
        stageJvmOptions = List.copyOf(stageJvmOptions);
        for (String stage : stages) {
            if (!ALL_STAGES.contains(stage)) {
                throw new IllegalArgumentException("--stages: unknown stage '" + stage + "'; use " + ALL_STAGES);
            }
        }
    }

    public static BenchOptions defaults() {
        return new BenchOptions(400_000, 6, 42, 15, 30, "1g", "512m", Set.copyOf(ALL_STAGES), null, null, "bench",
                100_000, 0, null, List.of());
    }

    public BenchOptions withRecords(int n) {
        return new BenchOptions(n, partitions, seed, pacedSeconds, downSeconds, stageHeap, downHeap, stages, workDir,
                profileDir, input, Math.min(coldRecords, n / 2), 0, stageJava, stageJvmOptions);
    }

    public BenchOptions withDurations(int paced, int down) {
        return new BenchOptions(records, partitions, seed, paced, down, stageHeap, downHeap, stages, workDir,
                profileDir, input, coldRecords, warmUpRecords, stageJava, stageJvmOptions);
    }

    public BenchOptions withStages(Set<String> only) {
        return new BenchOptions(records, partitions, seed, pacedSeconds, downSeconds, stageHeap, downHeap, only,
                workDir, profileDir, input, coldRecords, warmUpRecords, stageJava, stageJvmOptions);
    }

    public BenchOptions withInput(String value) {
        return new BenchOptions(records, partitions, seed, pacedSeconds, downSeconds, stageHeap, downHeap, stages,
                workDir, profileDir, value, coldRecords, warmUpRecords, stageJava, stageJvmOptions);
    }

    /** {@code 30s}, {@code 10m}, {@code 1h} or plain seconds, as seconds. */
    public static int seconds(String duration) {
        String d = duration.trim().toLowerCase(Locale.ROOT);
        int unit = d.endsWith("h") ? 3600 : d.endsWith("m") ? 60 : 1;
        String number = d.endsWith("h") || d.endsWith("m") || d.endsWith("s") ? d.substring(0, d.length() - 1) : d;
        try {
            return Math.multiplyExact(Integer.parseInt(number), unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + duration + "' is not a duration; use e.g. 30s, 10m or 1h");
        }
    }

    public boolean runs(String stage) {
        return stages.contains(stage);
    }

    /** {@code --records=N --partitions=P --seed=S --paced-seconds=T --down-seconds=T --stage-heap=1g
     * --down-heap=512m --stages=mirror,processor,... --work-dir=DIR --profile=DIR --input=bench|fleet --cold=N
     * --warm-up=N --outage=10m --stage-java=PATH --stage-jvm-options="-XX:..."} ({@code --outage} is
     * {@code --down-seconds} as a duration). */
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
        String input = o.input;
        int cold = -1;
        int warmUp = 0;
        String stageJava = null;
        List<String> jvmOptions = List.of();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("unknown argument '" + arg
                        + "'; options look like --records=200000");
            }
            String value = arg.substring(eq + 1);
            switch (arg.substring(2, eq).toLowerCase(Locale.ROOT)) {
                case "records" -> records = count(value);
                case "partitions" -> partitions = Integer.parseInt(value);
                case "seed" -> seed = Long.parseLong(value);
                case "paced-seconds" -> paced = Integer.parseInt(value);
                case "down-seconds" -> down = Integer.parseInt(value);
                case "outage" -> down = seconds(value);
                case "input" -> input = value;
                case "stage-java" -> stageJava = value;
                case "stage-jvm-options" -> jvmOptions = List.of(value.trim().split("\\s+"));
                case "cold" -> cold = count(value);
                case "warm-up" -> warmUp = count(value);
                case "stage-heap" -> stageHeap = value;
                case "down-heap" -> downHeap = value;
                case "stages" -> stages = new LinkedHashSet<>(Arrays.asList(value.split(",")));
                case "work-dir" -> workDir = Path.of(value);
                case "profile" -> profileDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new BenchOptions(records, partitions, seed, paced, down, stageHeap, downHeap, stages, workDir,
                profileDir, input, cold > 0 ? cold : defaultCold(records), warmUp, stageJava, jvmOptions);
    }

    /** A record count as written on the command line: {@code 1_300_000} or {@code 1300k}. */
    private static int count(String value) {
        return Integer.parseInt(value.replace("_", "").replace("k", "000"));
    }

    /** 300,000 records when there are at least 1,300,000 (the cold phase before ≥ 1,000,000 warm ones), else a
     * quarter of them. */
    public static int defaultCold(int records) {
        return records >= 1_300_000 ? 300_000 : Math.max(1, records / 4);
    }
}
