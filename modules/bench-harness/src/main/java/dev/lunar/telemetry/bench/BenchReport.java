package dev.lunar.telemetry.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What the end-to-end harness measured, and how it prints. Throughput figures are from one run; compare ratios. */
public record BenchReport(BenchOptions options, long inputRecords, long inputBytes, List<Stage> stages,
                          List<Phase> phases, List<Paced> paced, Optional<Down> down, List<String> problems) {

    /**
     * One stage's cold or warm phase ({@link PhaseFigures}): {@code records} input records in {@code seconds};
     * CPU per record is the stage JVM's process CPU alone (not the broker's); JIT and GC times are the JVM's
     * ({@code CompilationMXBean}, GC MXBeans) within the phase; {@code startupMillis} (cold only, else -1): from the
     * JVM's start to the system under test being ready.
     */
    public record Phase(String stage, String phase, long records, double seconds, double recordsPerSecond,
                        double cpuMicrosPerRecord, long jitMillis, long gcMillis, long gcCount, long heapPeakBytes,
                        long startupMillis) {}

    /** {@code stage}'s records/s in {@code phase} over the mirror's (the mean of its runs) in the same phase. */
    public Optional<Double> phaseRatio(String stage, String phase) {
        double[] mirror = phases.stream().filter(p -> p.stage().startsWith("mirror") && p.phase().equals(phase))
                .mapToDouble(Phase::recordsPerSecond).toArray();
        return phases.stream().filter(p -> p.stage().equals(stage) && p.phase().equals(phase)).findFirst()
                .filter(p -> mirror.length > 0)
                .map(p -> p.recordsPerSecond() / java.util.Arrays.stream(mirror).average().orElse(Double.NaN));
    }

    /**
     * One backlog-drain stage: the system under test reads {@code expected} pre-produced records.
     *
     * @param delivered         distinct event ids that reached the destination
     * @param duplicates        arrivals beyond the first per event id
     * @param deadLettered      records written to the dead-letter topic instead
     * @param recordsPerSecond  input records / (last arrival - first arrival)
     * @param firstOutputMillis from the system being ready to its first arrival at the destination
     * @param sutCores          CPU cores the system's JVM used while records flowed
     * @param harnessCores      CPU cores the harness JVM (broker, intake) used meanwhile
     * @param otherCores        CPU cores everything else on the machine used meanwhile (it is shared)
     * @param heapAfterGcMaxBytes the most heap still in use right after a collection
     */
    public record Stage(String name, String label, long expected, long delivered, long duplicates, long deadLettered,
                        boolean completed, double recordsPerSecond, double megabytesPerSecond, long windowMillis,
                        long firstOutputMillis, double sutCores, double harnessCores, double otherCores,
                        long heapPeakUsedBytes,
                        long heapAfterGcMaxBytes, long heapMaxBytes, long gcCount, long gcMillis,
                        Map<String, Long> topThreadsCpuMillis) {}

    /** A run at a fixed rate (half of the stage's measured maximum): produce-to-destination latency. */
    public record Paced(String name, String label, double targetRate, double achievedRate, long sent, long arrived,
                        long p50Millis, long p99Millis, long maxMillis, double warmupSeconds, double sutCores,
                        double otherCores, boolean completed) {}

    /** The Datadog forwarder while the intake answers 503 for the whole run ({@code accepted}: offsets committed). */
    public record Down(long seconds, long requests, long accepted, long heapPeakUsedBytes, long heapAfterGcMaxBytes,
                       long heapMaxBytes, long heapRetainedAtEndBytes, long gcMillis, long maxInFlightRecords,
                       long inFlightBound, String health,
                       boolean completed) {}

    public Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Paced> pacedRun(String name) {
        return paced.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * CPU spent per record, microseconds: the system's JVM and the broker+harness JVM together, while records flowed.
     * Unlike records/s it hardly depends on what else the shared machine is doing.
     */
    static double cpuMicrosPerRecord(Stage s) {
        return (s.sutCores() + s.harnessCores()) / s.recordsPerSecond() * 1e6;
    }

    /** Mirror CPU per record / stage CPU per record (mean over the mirror runs): the contention-proof ratio. */
    public Optional<Double> cpuRatio(String stage) {
        double[] mirror = stages.stream().filter(s -> s.name().startsWith("mirror") && s.completed())
                .mapToDouble(BenchReport::cpuMicrosPerRecord).filter(d -> !Double.isNaN(d)).toArray();
        return stage(stage).filter(Stage::completed).map(BenchReport::cpuMicrosPerRecord)
                .filter(c -> mirror.length > 0 && !Double.isNaN(c))
                .map(c -> java.util.Arrays.stream(mirror).average().orElse(0) / c);
    }

    /** Processor / mirror records/s. */
    public Optional<Double> processorToMirror() {
        return ratio("processor", "mirror");
    }

    /** Datadog forwarder / mirror records/s. */
    public Optional<Double> datadogToMirror() {
        return ratio("datadog", "mirror");
    }

    /** The mirror's records/s: the mean of its runs before and after the stages it is compared with. */
    public Optional<Double> mirrorRate() {
        double[] rates = stages.stream().filter(s -> s.name().startsWith("mirror") && s.completed())
                .mapToDouble(Stage::recordsPerSecond).toArray();
        return rates.length == 0 ? Optional.empty() : Optional.of(java.util.Arrays.stream(rates).average().orElse(0));
    }

    private Optional<Double> ratio(String a, String mirror) {
        return stage(a).filter(Stage::completed).flatMap(x -> mirrorRate().filter(m -> m > 0)
                .map(m -> x.recordsPerSecond() / m));
    }

    /** True when every stage that ran completed with every record delivered. */
    public boolean complete() {
        return problems.isEmpty();
    }

    public void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "End-to-end benchmark: %,d records (input %s, %.1f MB of Avro values, mean %d B), %d"
                        + " partitions, seed %d, one embedded broker; systems under test in child JVMs (-Xmx%s, %s%s).%n",
                inputRecords, options.input(), inputBytes / 1e6, inputRecords == 0 ? 0 : inputBytes / inputRecords,
                options.partitions(), options.seed(), options.stageHeap(),
                options.stageJava() == null ? "java " + System.getProperty("java.version") : options.stageJava(),
                options.stageJvmOptions().isEmpty() ? "" : " " + String.join(" ", options.stageJvmOptions()));
        out.println();
        out.println("Throughput (backlog drain: records / (last arrival - first arrival)):");
        out.printf(Locale.ROOT, "  %-37s %9s %9s %6s %5s %5s %5s %7s %7s %9s %9s %s%n", "stage", "records", "rec/s",
                "MB/s", "SUT", "host", "other", "CPU/rec", "1st out", "heap peak", "after GC", "delivered");
        for (Stage s : stages) {
            out.printf(Locale.ROOT, "  %-37s %,9d %,9.0f %6.1f %5.2f %5.2f %5.2f %5.1f us %5.1f s %5d MiB %5d MiB %s%n",
                    s.label(), s.expected(), s.recordsPerSecond(), s.megabytesPerSecond(), s.sutCores(),
                    s.harnessCores(), s.otherCores(), cpuMicrosPerRecord(s), s.firstOutputMillis() / 1000.0,
                    mib(s.heapPeakUsedBytes()),
                    mib(s.heapAfterGcMaxBytes()),
                    s.completed() ? "all" + (s.duplicates() > 0 ? " (+" + s.duplicates() + " duplicates)" : "")
                            + (s.deadLettered() > 0 ? " (" + s.deadLettered() + " dead-lettered)" : "")
                            : "INCOMPLETE " + s.delivered() + "/" + s.expected());
        }
        out.printf(Locale.ROOT, "  (CPU cores used while records flowed, of %d: SUT = the system's JVM, host = the"
                + " broker+harness JVM, other = everything else on this shared machine; CPU/rec = (SUT + host) /"
                + " rec/s)%n", Runtime.getRuntime().availableProcessors());
        for (Stage s : stages) {
            out.printf(Locale.ROOT, "  %s busiest threads (CPU ms): %s%n", s.name(), s.topThreadsCpuMillis());
        }
        out.println();
        if (!phases.isEmpty()) {
            long warmUp = options.warmUpRecords();
            out.printf(Locale.ROOT, "Cold and warm (input %s; cold = a fresh JVM per stage, from process start, the first"
                    + " %,d records;%s warm = the %,d records after them, the ones before a discarded warm-up; CPU/rec"
                    + " = the stage JVM's process CPU; /mirror = rec/s over the mirror's in the same phase):%n",
                    options.input(), options.coldRecords(), warmUp == 0 ? "" : String.format(Locale.ROOT,
                            " warm-up = the next %,d (reported, not part of warm);", warmUp),
                    inputRecords - options.coldRecords() - warmUp);
            out.printf(Locale.ROOT, "  %-10s %-7s %9s %7s %9s %7s %9s %8s %8s %5s %9s %8s%n", "stage", "phase",
                    "records", "seconds", "rec/s", "/mirror", "CPU/rec", "JIT", "GC", "GCs", "heap peak", "start-up");
            for (Phase p : phases) {
                out.printf(Locale.ROOT, "  %-10s %-7s %,9d %7.1f %,9.0f %7s %6.1f us %5d ms %5d ms %5d %5d MiB %8s%n",
                        p.stage(), p.phase(), p.records(), p.seconds(), p.recordsPerSecond(),
                        phaseRatio(p.stage(), p.phase()).map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("-"),
                        p.cpuMicrosPerRecord(), p.jitMillis(), p.gcMillis(), p.gcCount(), mib(p.heapPeakBytes()),
                        p.startupMillis() < 0 ? "" : String.format(Locale.ROOT, "%.2f s", p.startupMillis() / 1000.0));
            }
            out.println();
        }
        if (!paced.isEmpty()) {
            out.printf(Locale.ROOT, "Latency (paced at half the stage's measured rate for %d s; produce call ->"
                    + " arrival at destination; after a warm-up of at least %d s that lasts until everything sent a"
                    + " second earlier has arrived):%n", options.pacedSeconds(),
                    Math.min(EndToEndBench.WARMUP_SECONDS, options.pacedSeconds()));
            out.printf(Locale.ROOT, "  %-37s %9s %9s %9s %8s %8s %8s %7s %5s %5s%n", "stage", "rate", "achieved",
                    "records", "p50", "p99", "max", "warm-up", "SUT", "other");
            for (Paced p : paced) {
                out.printf(Locale.ROOT, "  %-37s %,9.0f %,9.0f %,9d %5d ms %5d ms %5d ms %5.1f s %5.2f %5.2f%s%n",
                        p.label(), p.targetRate(), p.achievedRate(), p.sent(), p.p50Millis(), p.p99Millis(),
                        p.maxMillis(), p.warmupSeconds(), p.sutCores(), p.otherCores(),
                        p.completed() ? "" : "  INCOMPLETE " + p.arrived() + "/" + p.sent());
            }
            out.println();
        }
        down.ifPresent(d -> out.printf(Locale.ROOT, "Destination down (intake answers 503 for %d s, -Xmx%s): heap"
                        + " peak %d MiB, after GC max %d MiB, retained at the end (after a full GC) %d MiB, GC %d ms;"
                        + " in flight max %,d records (bound %,d); %d requests, offsets committed: %d; health: %s%n%n",
                d.seconds(), options.downHeap(), mib(d.heapPeakUsedBytes()), mib(d.heapAfterGcMaxBytes()),
                mib(d.heapRetainedAtEndBytes()), d.gcMillis(), d.maxInFlightRecords(),
                d.inFlightBound(), d.requests(), d.accepted(), d.health()));
        out.println("Ratios and targets (mirror = mean of its runs before and after):");
        processorToMirror().ifPresent(r -> out.printf(Locale.ROOT, "  processor / mirror, whole run = %.2f; by CPU"
                + " per record %.2f%n", r, cpuRatio("processor").orElse(Double.NaN)));
        phaseRatio("processor", "warm").ifPresent(r -> out.printf(Locale.ROOT, "  processor / mirror, warm      = %.2f"
                + "  (target >= 0.5) %s%n", r, r >= 0.5 ? "met" : "MISSED"));
        phaseRatio("processor", "cold").ifPresent(r -> out.printf(Locale.ROOT, "  processor / mirror, cold      = %.2f"
                + "  (target >= 0.35) %s%n", r, r >= 0.35 ? "met" : "MISSED"));
        datadogToMirror().ifPresent(r -> out.printf(Locale.ROOT, "  datadog / mirror, whole run   = %.2f; by CPU per"
                + " record %.2f%n", r, cpuRatio("datadog").orElse(Double.NaN)));
        phaseRatio("datadog", "warm").ifPresent(r -> out.printf(Locale.ROOT, "  datadog / mirror, warm        = %.2f"
                + "  (target >= 0.4) %s%n", r, r >= 0.4 ? "met" : "MISSED"));
        phases.stream().filter(p -> p.stage().equals("datadog") && p.phase().equals("warm")).findFirst()
                .ifPresent(p -> out.printf(Locale.ROOT, "  datadog CPU per record, warm  = %.1f us  (target <= 20 us)"
                        + " %s%n", p.cpuMicrosPerRecord(), p.cpuMicrosPerRecord() <= 20 ? "met" : "MISSED"));
        for (Paced p : paced) {
            out.printf(Locale.ROOT, "  %-9s p99 at half rate   = %d ms  (target < 1000 ms) %s%n", p.name(),
                    p.p99Millis(), p.completed() && p.p99Millis() < 1000 ? "met" : "MISSED");
        }
        down.ifPresent(d -> out.printf(Locale.ROOT, "  heap, destination down %d s   = %d MiB peak, %d MiB after GC"
                        + " (target < 512 MiB) %s%n", d.seconds(), mib(d.heapPeakUsedBytes()), mib(d.heapAfterGcMaxBytes()),
                d.completed() && d.heapPeakUsedBytes() < 512L * 1024 * 1024 ? "met" : "MISSED"));
        if (!problems.isEmpty()) {
            out.println();
            out.println("PROBLEMS:");
            problems.forEach(p -> out.println("  " + p));
        }
    }

    static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    /** p-th percentile (0..100) of sorted values, nearest rank. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A mutable collector the harness fills in. */
    static final class Builder {
        final List<Stage> stages = new ArrayList<>();
        final List<Phase> phases = new ArrayList<>();
        final List<Paced> paced = new ArrayList<>();
        Down down;
        final List<String> problems = new ArrayList<>();
    }
}
