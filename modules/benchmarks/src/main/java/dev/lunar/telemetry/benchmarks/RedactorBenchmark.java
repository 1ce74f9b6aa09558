package dev.lunar.telemetry.benchmarks;

import dev.lunar.telemetry.processor.ProcessorSettings;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The processor's value redactor on one text of {@code size} characters, µs per text: {@code redact} against
 * {@code scan}, a plain {@link String#indexOf} pass over the same text (a floor no scanner can beat), so
 * {@code redact/scan} compares runs on a noisy machine. Shapes: {@code telemetry} (log lines, metrics, URLs, ids —
 * what proxies send), and near misses that made a backtracking engine quadratic: {@code dotted-at} (short dotted
 * words ending in {@code @}), {@code base64-near} (runs of mixed-case letters without a digit, the base64 rule's
 * lookaheads), {@code long-run} (one run of letters as long as the text), {@code password-novalue} (repeated
 * {@code password=} with nothing after it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dlog4j2.configurationFile=log4j2-benchmarks.xml"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RedactorBenchmark {

    @Param({"telemetry", "dotted-at", "base64-near", "long-run", "password-novalue"})
    public String shape;

    @Param({"8192", "32768", "1048576"})
    public int size;

    private RedactorProbe redactor;
    private String text;

    @Setup
    public void setUp() {
        redactor = RedactorProbe.of(ProcessorSettings.builder("127.0.0.1:9").build());
        text = text(shape, size);
    }

    /** A text of {@code shape}, {@code size} characters long. */
    static String text(String shape, int size) {
        StringBuilder out = new StringBuilder(size + 128);
        int n = 0;
        while (out.length() < size) {
            switch (shape) {
                case "telemetry" -> out.append(TELEMETRY[n % TELEMETRY.length]).append('\n');
                case "dotted-at" -> out.append((char) ('a' + n % 26)).append('.');
                case "base64-near" -> out.append(n % 2 == 0 ? "aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeF" : "aBcDeFgHiJ").append(
                        n % 3 == 0 ? ' ' : '_');
                case "long-run" -> out.append((char) ((n % 2 == 0 ? 'a' : 'A') + n % 26));
                case "password-novalue" -> out.append("password= ");
                default -> throw new IllegalArgumentException("unknown shape " + shape);
            }
            n++;
        }
        out.setLength(size - 1);
        out.append(shape.equals("dotted-at") ? '@' : '.');
        return out.toString();
    }

    private static final String[] TELEMETRY = {
        "GET /v1/customers/4711/orders?page=2 -> 200 in 31ms (upstream api.example.net:443, cache=miss)",
        "retrying POST /v2/charges after 503; attempt 2 of 5, backoff 250ms, request-id 9f0c2a7e-3b1d-4c55-9e2a-1f7d0c3b8a41",
        "policy rate-limit/v3 applied to endpoint GET api.stripe.com/v1/charges: 120 req/min, window 60s",
        "proxy 1.14.2 (build 7f3c9ab) started on 0.0.0.0:8000 with 12 workers, region eu-west-1, zone b",
        "upstream latency p50=12ms p95=88ms p99=213ms over 10000 requests, errors 0.3%, order ORD-12345",
        "2026-12-02T17:31:05.123Z WARN circuit open for host payments.internal.example.com after 5 failures",
        "heartbeat ok: cpu 23.5%, rss 512MiB, gc pauses 3 (max 14ms), open connections 87",
    };

    @Benchmark
    public String redact() {
        return redactor.redact(text);
    }

    @Benchmark
    public int scan() {
        return text.indexOf('\u0001');
    }
}
