package dev.lunar.telemetry.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Turns a JFR recording (the bench's {@code --profile=DIR}) into Markdown tables of the top frames, without JMC: CPU
 * samples ({@code jdk.ExecutionSample}) by the method on top of the stack (self time) and by the project method
 * nearest the top (where the project's code spends, library calls included), and allocation
 * ({@code jdk.ObjectAllocationSample}, weighted by its bytes) by the allocating project method.
 *
 * <pre>java -cp benchmarks.jar dev.lunar.telemetry.benchmarks.JfrTopFrames processor.jfr [N [LAST_SECONDS]]</pre>
 *
 * With {@code LAST_SECONDS}, only the events of the recording's last that many seconds of CPU samples count — e.g.
 * a stage's warm phase, which ends with its last record (the bench prints each phase's length).
 */
public final class JfrTopFrames {

    private static final String PROJECT = "dev.lunar.telemetry.";

    private JfrTopFrames() {}

    /** Counts for one recording. */
    record Profile(long cpuSamples, Map<String, Long> selfFrames, Map<String, Long> projectFrames, long allocBytes,
                   Map<String, Long> allocByProjectFrame, Map<String, Long> allocByType, Map<String, Long> threads) {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Path file = Path.of(args[0]);
        Instant from = Instant.MIN;
        String title = file.getFileName().toString();
        if (args.length > 2) {
            Duration last = Duration.ofMillis(Math.round(Double.parseDouble(args[2]) * 1000));
            from = lastSample(file).minus(last);
            title += ", last " + args[2] + " s";
        }
        print(title, read(file, from), n, System.out);
    }

    /** When the recording's last CPU sample was taken. */
    static Instant lastSample(Path file) throws IOException {
        Instant last = Instant.MIN;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStartTime().isAfter(last)) {
                    last = e.getStartTime();
                }
            }
        }
        return last;
    }

    /** The counts of the events from {@code from} on. */
    static Profile read(Path file, Instant from) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> project = new HashMap<>();
        Map<String, Long> alloc = new HashMap<>();
        Map<String, Long> allocTypes = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        long allocBytes = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (e.getStartTime().isBefore(from)) {
                    continue;
                }
                String type = e.getEventType().getName();
                if (type.equals("jdk.ExecutionSample")) {
                    RecordedStackTrace stack = e.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                    // Kafka, Reactor and the project number their threads (and name chains by a UUID): group them
                    threads.merge(thread == null ? "?" : thread.replaceAll("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<id>")
                            .replaceAll("-\\d+$", "-N"), 1L, Long::sum);
                    self.merge(name(stack.getFrames().get(0)), 1L, Long::sum);
                    project.merge(nearestProjectFrame(stack.getFrames()), 1L, Long::sum);
                } else if (type.equals("jdk.ObjectAllocationSample")) {
                    long weight = e.getLong("weight");
                    allocBytes += weight;
                    RecordedStackTrace stack = e.getStackTrace();
                    String where = stack == null ? "(no stack)" : nearestProjectFrame(stack.getFrames());
                    alloc.merge(where, weight, Long::sum);
                    allocTypes.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                }
            }
        }
        return new Profile(samples, self, project, allocBytes, alloc, allocTypes, threads);
    }

    private static String nearestProjectFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            RecordedMethod m = f.getMethod();
            if (m != null && m.getType().getName().startsWith(PROJECT)
                    && !m.getType().getName().startsWith(PROJECT + "benchmarks.")) {
                return name(f);
            }
        }
        return frames.isEmpty() ? "(no stack)" : "(no project frame: " + name(frames.get(0)) + ")";
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "(unknown)";
        }
        String type = m.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName();
    }

    static void print(String title, Profile p, int n, PrintStream out) {
        out.printf(Locale.ROOT, "### %s: %,d CPU samples, %,.0f MB allocated (sampled)%n%n", title, p.cpuSamples(),
                p.allocBytes() / 1e6);
        table(out, "thread", p.threads(), p.cpuSamples(), 8, false);
        table(out, "self (top of stack)", p.selfFrames(), p.cpuSamples(), n, false);
        table(out, "nearest project frame", p.projectFrames(), p.cpuSamples(), n, false);
        table(out, "allocation by nearest project frame", p.allocByProjectFrame(), p.allocBytes(), n, true);
        table(out, "allocation by type", p.allocByType(), p.allocBytes(), n, true);
    }

    private static void table(PrintStream out, String heading, Map<String, Long> counts, long total, int n,
                              boolean bytes) {
        out.printf("| %s | %s | %% |%n|---|---|---|%n", heading, bytes ? "MB" : "samples");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(n)
                .forEach(e -> out.printf(Locale.ROOT, "| `%s` | %s | %.1f |%n", e.getKey().replace("|", "\\|"),
                        bytes ? String.format(Locale.ROOT, "%,.0f", e.getValue() / 1e6)
                                : String.format(Locale.ROOT, "%,d", e.getValue()),
                        total == 0 ? 0 : 100.0 * e.getValue() / total));
        out.println();
    }
}
