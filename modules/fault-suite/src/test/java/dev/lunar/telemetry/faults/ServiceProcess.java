package dev.lunar.telemetry.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One pipeline service ({@code lunar-telemetry processor}, {@code forward-datadog}, {@code forward-controlplane}) in a
 * JVM of its own, started with this test JVM's class path and configured by environment variables (and, for secrets
 * such as tenant tokens, a {@code --config} file) — the way it runs in production. Each start writes its stdout and
 * stderr to {@code <dir>/<name>-<n>.log}. {@link #kill()} is {@code kill -9} ({@link Process#destroyForcibly()});
 * {@link #stop()} is SIGTERM (the graceful path).
 */
final class ServiceProcess implements AutoCloseable {

    static final String MAIN_CLASS = "dev.lunar.telemetry.cli.LunarTelemetry";
    /** What {@code lunar-telemetry <service>} prints once it is running. */
    static final String RUNNING = "is running. Press Ctrl-C to stop.";

    private final String name;
    private final String command;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final Path directory;
    private Process process;
    private Path log;
    private final List<Path> logs = new ArrayList<>();
    private int starts;
    private int kills;

    ServiceProcess(String name, String command, Map<String, String> environment, Path directory) {
        this(name, command, List.of(), environment, directory);
    }

    /** @param arguments after the command, e.g. {@code --config FILE} */
    ServiceProcess(String name, String command, List<String> arguments, Map<String, String> environment,
                   Path directory) {
        this.name = name;
        this.command = command;
        this.arguments = List.copyOf(arguments);
        this.environment = new LinkedHashMap<>(environment);
        this.directory = directory;
    }

    String name() {
        return name;
    }

    /** Launches a new JVM running the service. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        starts++;
        log = directory.resolve(name + "-" + starts + ".log");
        logs.add(log);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small, quick-starting JVMs: two cores are shared by the broker, the test and both services.
        cmd.addAll(List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djava.net.preferIPv4Stack=true"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS, command));
        cmd.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // Only what we set: no stray LUNAR_* or DD_* of the machine running the build.
        env.keySet().removeIf(k -> k.startsWith("LUNAR_") || k.startsWith("DD_"));
        env.putAll(environment);
        try {
            Files.createDirectories(directory);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", cmd), e);
        }
    }

    /** Waits until the service says it is running; fails with its output if it exits or does not get there. */
    void awaitRunning(Duration atMost) {
        try {
            await("start of " + name + " #" + starts).atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (output().contains(RUNNING)) {
                            return true;
                        }
                        if (!process.isAlive()) {
                            throw new AssertionError(name + " exited with " + process.exitValue()
                                    + " before it was running:\n" + tail(40));
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + " was not running within " + atMost + ":\n" + tail(40), e);
        }
    }

    /** {@code kill -9}: no shutdown hook, no drain, no commit. Returns once the process is gone. */
    synchronized void kill() {
        kills++;
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(60));
    }

    /** SIGTERM, the graceful stop; kill -9 if it does not exit within {@code atMost}. */
    synchronized void stop(Duration atMost) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(atMost)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    private boolean waitFor(Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    int kills() {
        return kills;
    }

    /** The current run's output so far. */
    String output() {
        try {
            return log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /**
     * The distinct ERROR events its runs logged so far (the message, without time stamp and thread), e.g. a Kafka
     * consumer that crashed and was restarted. Reported in the summary, not asserted: the pass criteria are about
     * data.
     */
    List<String> errors() {
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
        for (Path p : logs) {
            try {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    int at = line.indexOf("level=ERROR");
                    if (at >= 0) {
                        String msg = line.contains("msg=") ? line.substring(line.indexOf("msg=")) : line.substring(at);
                        distinct.add(msg.length() > 200 ? msg.substring(0, 200) + "…" : msg);
                    }
                }
            } catch (IOException e) {
                distinct.add("(cannot read " + p + ": " + e + ")");
            }
        }
        return List.copyOf(distinct);
    }

    /** How many lines of all its runs' output contain {@code needle}. */
    long linesContaining(String needle) {
        long n = 0;
        for (Path p : logs) {
            try {
                n += Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> l.contains(needle)).count();
            } catch (IOException e) {
                // not written yet
            }
        }
        return n;
    }

    /** How many lines of the current run's output contain {@code needle}. */
    long linesContainingNow(String needle) {
        return output().lines().filter(l -> l.contains(needle)).count();
    }

    String tail(int lines) {
        List<String> all = output().lines().toList();
        return "--- " + log + " (last " + Math.min(lines, all.size()) + " lines) ---\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    String describe() {
        return name + " (" + (isAlive() ? "running" : "not running") + ", started " + starts + "x, killed " + kills
                + "x)";
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }
}
