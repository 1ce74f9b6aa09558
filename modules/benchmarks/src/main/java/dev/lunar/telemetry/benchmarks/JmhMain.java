package dev.lunar.telemetry.benchmarks;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code java -jar modules/benchmarks/target/benchmarks.jar [JMH options]}: runs the JMH benchmarks (by default
 * {@link TransformBenchmark} and {@link DenylistBenchmark}, one fork, 3 × 1 s warm-up, 5 × 2 s measurement) and
 * prints the ratios measured in the same run. Takes every JMH command-line option ({@code -p kind=LOGS,POLICIES},
 * {@code -prof gc}, {@code -f 2}, a benchmark regex...); {@code -h} lists them.
 */
public final class JmhMain {

    private JmhMain() {}

    public static void main(String[] args) throws Exception {
        List<String> list = List.of(args);
        if (list.contains("-h") || list.contains("-l") || list.contains("-lp") || list.contains("-lprof")
                || list.contains("-lrf")) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        CommandLineOptions command = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(command);
        if (command.getIncludes().isEmpty()) {
            builder.include(TransformBenchmark.class.getSimpleName()).include(DenylistBenchmark.class.getSimpleName());
        }
        Options options = builder.build();
        Collection<RunResult> results = new Runner(options).run();
        printRatios(results);
    }

    /** transform/copy and plan/hand-written per {@code kind}, from scores in records/s. */
    static void printRatios(Collection<RunResult> results) {
        Map<String, Map<String, Double>> byKind = new TreeMap<>();
        Map<String, Map<String, Double>> redactor = new TreeMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            if (benchmark.contains("RedactorBenchmark")) {
                String text = result.getParams().getParam("shape") + " " + result.getParams().getParam("size");
                redactor.computeIfAbsent(text, k -> new TreeMap<>()).put(benchmark.substring(
                        benchmark.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
                continue;
            }
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String kind = result.getParams().getParam("kind");
            String input = result.getParams().getParam("input");
            if (kind != null && input != null && !input.equals("bench")) {
                kind = kind + "/" + input; // one ratio per input
            }
            byKind.computeIfAbsent(kind == null ? "-" : kind, k -> new TreeMap<>())
                    .put(benchmark.contains("Transform") ? "transform." + method : "denylist." + method,
                            result.getPrimaryResult().getScore());
        }
        System.out.println();
        System.out.println("Ratios (same run; records/s):");
        byKind.forEach((kind, scores) -> {
            Double transform = scores.get("transform.transform");
            Double copy = scores.get("transform.copy");
            if (transform != null && copy != null) {
                System.out.printf(Locale.ROOT, "  kind=%-10s transform/copy = %.2f   (transform %,.0f rec/s, copy %,.0f"
                        + " rec/s; target >= 0.5)%n", kind, transform / copy, transform, copy);
            }
            Double plan = scores.get("denylist.plan");
            Double hand = scores.get("denylist.handWritten");
            Double restore = scores.get("denylist.restoreOnly");
            if (plan != null && hand != null) {
                String net = "";
                if (restore != null && 1 / plan > 1 / restore && 1 / hand > 1 / restore) {
                    double planNet = 1 / plan - 1 / restore;
                    double handNet = 1 / hand - 1 / restore;
                    net = String.format(Locale.ROOT, "; net of restore %.2f (plan %.2f us/rec, by hand %.2f us/rec)",
                            handNet / planNet, planNet * 1e6, handNet * 1e6);
                }
                System.out.printf(Locale.ROOT, "  kind=%-10s plan/hand-written = %.2f   (plan %,.0f rec/s, by hand"
                        + " %,.0f rec/s%s)%n", kind, plan / hand, plan, hand, net);
            }
        });
        redactor.forEach((text, scores) -> {
            Double redact = scores.get("redact");
            Double scan = scores.get("scan");
            if (redact != null && scan != null) {
                System.out.printf(Locale.ROOT, "  redactor %-24s redact/indexOf-scan = %,.1f   (redact %,.1f us, scan"
                        + " %,.2f us per text)%n", text, redact / scan, redact, scan);
            }
        });
    }
}
