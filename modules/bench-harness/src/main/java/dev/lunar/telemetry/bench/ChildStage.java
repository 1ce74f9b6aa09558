package dev.lunar.telemetry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One system under test in a child JVM ({@link StageMain}) started with this JVM's classpath: {@link #start} waits
 * until it is ready, {@link #stop} asks it to close gracefully and returns its figures. Its log (warnings only) goes
 * to this process's stderr.
 */
final class ChildStage implements AutoCloseable {

    /** What the child reported after STOP. */
    record Result(String stage, long readyAt, long stopAt, long heapPeakUsedBytes, long heapAfterGcMaxBytes,
                  long heapMaxBytes, long gcCount, long gcMillis, List<JvmStats.CpuSample> cpu,
                  Map<String, Long> topThreadsCpuMillis, JsonNode extra, long jvmStartMillis) {}

    private final Process process;
    private final Writer stdin;
    private final CompletableFuture<Long> ready = new CompletableFuture<>();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final String stage;

    private ChildStage(String stage, Process process) {
        this.stage = stage;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "bench-child-" + stage);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code stage} with {@code settings} in a JVM with {@code jvmOptions}; returns once it is ready. */
    static ChildStage start(String stage, List<String> jvmOptions, Map<String, String> settings) throws Exception {
        return start(null, stage, jvmOptions, settings);
    }

    /** {@link #start(String, List, Map)} with another {@code java} launcher (null: this JVM's). */
    static ChildStage start(String java, String stage, List<String> jvmOptions, Map<String, String> settings)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java != null ? java : ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-Dlog4j2.configurationFile=log4j2-benchmarks.xml");
        command.add("-Djava.net.preferIPv4Stack=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StageMain.class.getName());
        command.add(stage);
        settings.forEach((k, v) -> command.add(k + "=" + v));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ChildStage child = new ChildStage(stage, process);
        try {
            child.ready.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("stage " + stage + " did not start: " + cause(e), e);
        }
        return child;
    }

    long readyAt() {
        return ready.join();
    }

    /** Asks the child to close gracefully; waits for its figures. */
    Result stop() throws Exception {
        try {
            stdin.write("STOP\n");
            stdin.flush();
        } catch (IOException e) {
            // the child has gone; the result future says why
        }
        try {
            return result.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("stage " + stage + " did not stop within 120 s", e);
        } finally {
            close();
        }
    }

    private void readOutput() {
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.startsWith(StageMain.PREFIX)) {
                    System.err.println("[" + stage + "] " + line);
                    continue;
                }
                String message = line.substring(StageMain.PREFIX.length());
                if (message.startsWith("READY ")) {
                    ready.complete(Long.parseLong(message.substring(6).trim()));
                } else if (message.startsWith("RESULT ")) {
                    result.complete(parse(json.readTree(message.substring(7))));
                } else if (message.startsWith("FAILED ")) {
                    IllegalStateException failure = new IllegalStateException("stage " + stage + " failed: "
                            + message.substring(7));
                    ready.completeExceptionally(failure);
                    result.completeExceptionally(failure);
                }
            }
        } catch (IOException e) {
            // process gone
        }
        IllegalStateException gone = new IllegalStateException("stage " + stage + " exited without a result");
        ready.completeExceptionally(gone);
        result.completeExceptionally(gone);
    }

    private static Result parse(JsonNode r) {
        List<JvmStats.CpuSample> cpu = new ArrayList<>();
        for (int i = 0; i < r.get("cpuWallMillis").size(); i++) {
            cpu.add(new JvmStats.CpuSample(r.get("cpuWallMillis").get(i).asLong(), r.get("cpuNanos").get(i).asLong(),
                    r.get("jitMillis").get(i).asLong(), r.get("gcMillisSamples").get(i).asLong(),
                    r.get("gcCountSamples").get(i).asLong(), r.get("heapUsedSamples").get(i).asLong()));
        }
        Map<String, Long> threads = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.get("topThreadsCpuMillis").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            threads.put(e.getKey(), e.getValue().asLong());
        }
        return new Result(r.get("stage").asText(), r.get("readyAt").asLong(), r.get("stopAt").asLong(),
                r.get("heapPeakUsedBytes").asLong(), r.get("heapAfterGcMaxBytes").asLong(),
                r.get("heapMaxBytes").asLong(), r.get("gcCount").asLong(), r.get("gcMillis").asLong(), cpu, threads,
                r.get("extra"), r.get("jvmStartMillis").asLong());
    }

    private static String cause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c != c.getCause()) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    /** Ends the child (forcibly if it is still running). Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                // long enough for a JVM that writes a CDS archive or an AOT configuration at exit
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
