package dev.lunar.telemetry.kafka.embedded.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node of a {@link LocalKafkaCluster}: a broker+controller in a JVM of its own ({@link ClusterNodeMain}), with a
 * fixed client port, controller port and data directory, so that it can be killed and started again as the same
 * node. Each start writes its output to {@code <data-dir>/node-<id>-<n>.log}.
 */
final class ClusterNode {

    final int id;
    final int port;
    final int controllerPort;
    final Path dataDirectory;
    private Process process;
    private Path log;
    private int starts;

    ClusterNode(int id, int port, int controllerPort, Path dataDirectory) {
        this.id = id;
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDirectory = dataDirectory;
    }

    /** Launches the node's JVM; {@link #isReady()} tells when it answers. */
    synchronized void launch(List<String> javaOptions, List<String> nodeArguments) {
        if (isAlive()) {
            throw new IllegalStateException("Kafka node " + id + " is already running");
        }
        starts++;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName()));
        cmd.addAll(nodeArguments);
        try {
            Files.createDirectories(dataDirectory);
            log = dataDirectory.resolve("node-" + id + "-" + starts + ".log");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + id + ": " + String.join(" ", cmd), e);
        }
    }

    /** True once this start printed {@link ClusterNodeMain#READY}; fails if the JVM exited before that. */
    synchronized boolean isReady() {
        if (output().contains(ClusterNodeMain.READY)) {
            return true;
        }
        if (process != null && !process.isAlive()) {
            throw new IllegalStateException("Kafka node " + id + " exited with " + process.exitValue()
                    + " before it was ready:\n" + tail(30));
        }
        return false;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code kill -9}: no controlled shutdown, nothing flushed. Returns once the process is gone. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    /** Sends SIGTERM without waiting (the node's controlled shutdown runs in its shutdown hook). */
    synchronized void signalStop() {
        if (isAlive()) {
            process.destroy();
        }
    }

    /** Waits for the process to exit; kill -9 if it has not within {@code atMost}. True if it exited by itself. */
    synchronized boolean awaitExit(Duration atMost) {
        if (process == null) {
            return true;
        }
        if (waitFor(atMost)) {
            return true;
        }
        kill();
        return false;
    }

    private boolean waitFor(Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka node " + id + " to exit", e);
        }
    }

    String bootstrapServer() {
        return "127.0.0.1:" + port;
    }

    String voter() {
        return id + "@127.0.0.1:" + controllerPort;
    }

    String output() {
        try {
            return log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    String tail(int lines) {
        List<String> all = output().lines().toList();
        return "--- " + log + " ---\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public String toString() {
        return "node " + id + " (" + bootstrapServer() + ", " + (isAlive() ? "running" : "down") + ")";
    }
}
