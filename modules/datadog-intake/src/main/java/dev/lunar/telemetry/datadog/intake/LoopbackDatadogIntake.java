package dev.lunar.telemetry.datadog.intake;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The one loopback Datadog of the tests and benchmarks: a real HTTP server on 127.0.0.1 that answers like Datadog's
 * Logs v2 and Metrics v2 intakes and {@code GET /api/v1/validate}, enforcing {@link IntakeContract} on every request:
 * endpoint (404), {@code DD-API-KEY} (401 when missing, 403 when not accepted), content type and encoding, gzip
 * (400), size limits (413), payload rules (400); 202 when accepted. Every breach is recorded as a violation.
 *
 * <p>Faults are scripted answers ({@link #script}, {@link #answerAlways}), which replace the contract's answer for
 * the next requests (a 429 with its headers, a 503, no answer at all) without hiding the contract's violations.
 * What a test or benchmark keeps of the traffic is its {@link Observer}'s business.
 */
public final class LoopbackDatadogIntake implements AutoCloseable {

    /** How much of the contract each request is held to. */
    public enum Checks {
        /** Everything, including the payload rules (a JSON tree per body). */
        FULL,
        /** Endpoint, key, headers, gzip and size limits only: for benchmarks, where a JSON tree per body would cost. */
        ENVELOPE
    }

    /** One scripted answer: a status with headers, or no answer at all. */
    public record Reply(int status, Map<String, String> headers, boolean noAnswer) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), false);
        }

        public static Reply status(int status, Map<String, String> headers) {
            return new Reply(status, Map.copyOf(headers), false);
        }

        public static Reply hang() {
            return new Reply(0, Map.of(), true);
        }
    }

    /**
     * One request as received: header names lower-cased; {@code plain} is the gunzipped body, null when it was not
     * gzip; {@code status} is the answer it got (0: none).
     */
    public record Request(String method, String path, String apiKey, Map<String, String> headers, int gzipBytes,
                          byte[] plain, int status, long receivedNanos) {
        public boolean accepted() {
            return status == 202;
        }

        public boolean logs() {
            return path.equals(IntakeContract.LOGS_PATH);
        }

        public boolean series() {
            return path.equals(IntakeContract.SERIES_PATH);
        }
    }

    /** Told of every request, on the server's threads, once its answer is decided. */
    @FunctionalInterface
    public interface Observer {
        void answered(Request request);
    }

    private final Checks checks;
    private final Observer observer;
    private final Set<String> acceptedKeys = new CopyOnWriteArraySet<>();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final DisposableServer server;
    private volatile Reply alwaysReply;
    private volatile Predicate<Request> refuse = r -> false;

    private LoopbackDatadogIntake(Checks checks, Observer observer, Set<String> keys) {
        this.checks = checks;
        this.observer = observer;
        this.acceptedKeys.addAll(keys);
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(30));
    }

    /** Holds every request to the whole contract; {@code acceptedKeys} are the API keys answered 202 (others 403). */
    public static LoopbackDatadogIntake start(Observer observer, String... acceptedKeys) {
        return start(Checks.FULL, observer, acceptedKeys);
    }

    public static LoopbackDatadogIntake start(Checks checks, Observer observer, String... acceptedKeys) {
        return new LoopbackDatadogIntake(Objects.requireNonNull(checks), Objects.requireNonNull(observer),
                Set.of(acceptedKeys));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public void acceptKey(String key) {
        acceptedKeys.add(key);
    }

    /** The next requests get these answers, in order; after them, the contract decides again. */
    public void script(Reply... replies) {
        script.addAll(List.of(replies));
    }

    /** Until {@link #clearScript()}, every request gets this answer. */
    public void answerAlways(Reply reply) {
        alwaysReply = reply;
    }

    public void clearScript() {
        alwaysReply = null;
        script.clear();
    }

    /** Ends {@link #answerAlways} and queues these answers for the next requests, with no request in between. */
    public void thenScript(Reply... replies) {
        script.clear();
        script.addAll(List.of(replies));
        alwaysReply = null;
    }

    /** Whether scripted answers are still waiting. */
    public boolean scripted() {
        return alwaysReply != null || !script.isEmpty();
    }

    /** Requests (with a valid body) matching this are refused with 400, as Datadog refuses a payload it rejects. */
    public void refuse(Predicate<Request> request) {
        this.refuse = Objects.requireNonNull(request);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Requests answered so far, by status (0: not answered). */
    public Map<Integer, Long> statuses() {
        Map<Integer, Long> copy = new TreeMap<>();
        statuses.forEach((s, n) -> copy.put(s, n.get()));
        return copy;
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(raw -> answer(request, response, raw));
    }

    private Mono<Void> answer(HttpServerRequest http, HttpServerResponse response, byte[] raw) {
        long now = System.nanoTime();
        Map<String, String> headers = new HashMap<>();
        http.requestHeaders().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        String uri = http.uri();
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        String method = http.method().name();
        String apiKey = headers.get("dd-api-key");
        if (path.equals(IntakeContract.VALIDATE_PATH)) {
            int status = validateStatus(method, path, apiKey);
            return send(response, new Request(method, path, apiKey, headers, 0, null, status, now), Map.of());
        }
        List<String> problems = new ArrayList<>();
        byte[] plain = null;
        int status;
        if (!IntakeContract.isIntake(method, path)) {
            problems.add(method + " " + path + " is not a Datadog intake endpoint");
            status = 404;
        } else if (apiKey == null || apiKey.isEmpty()) {
            problems.add(path + ": no DD-API-KEY header");
            status = 401;
        } else {
            problems.addAll(IntakeContract.headerProblems(path, headers.get("content-type"),
                    headers.get("content-encoding")));
            try {
                plain = IntakeContract.gunzip(raw);
            } catch (IOException e) {
                problems.add(path + ": body is not gzip: " + e.getMessage());
            }
            status = plain == null ? 400 : contractStatus(path, apiKey, raw.length, plain, problems);
        }
        violations.addAll(problems);
        Map<String, String> replyHeaders = Map.of();
        Reply scripted = alwaysReply != null ? alwaysReply : script.poll();
        if (scripted != null && status != 401 && status != 404) {
            status = scripted.noAnswer() ? 0 : scripted.status();
            replyHeaders = scripted.headers();
        }
        Request received = new Request(method, path, apiKey, headers, raw.length, plain, status, now);
        if (status == 202 && refuse.test(received)) {
            received = new Request(method, path, apiKey, headers, raw.length, plain, 400, now);
        }
        return send(response, received, replyHeaders);
    }

    private int contractStatus(String path, String apiKey, int gzipBytes, byte[] plain, List<String> problems) {
        List<String> payload = checks == Checks.FULL ? IntakeContract.payloadProblems(path, gzipBytes, plain)
                : sizeProblems(path, gzipBytes, plain.length);
        problems.addAll(payload);
        if (!acceptedKeys.contains(apiKey)) {
            return 403;
        }
        if (IntakeContract.tooLarge(path, gzipBytes, plain.length)) {
            return 413;
        }
        return payload.isEmpty() ? 202 : 400;
    }

    private static List<String> sizeProblems(String path, int gzipBytes, int plainBytes) {
        return IntakeContract.tooLarge(path, gzipBytes, plainBytes)
                ? List.of(path + ": " + gzipBytes + " compressed, " + plainBytes + " plain bytes: over the limit")
                : List.of();
    }

    /** {@code GET /api/v1/validate}: 200 for an accepted key, 403 otherwise (Datadog's documented answers). */
    private int validateStatus(String method, String path, String apiKey) {
        if (!method.equals("GET")) {
            violations.add(method + " " + path + ": the validate endpoint takes GET");
            return 405;
        }
        return apiKey != null && acceptedKeys.contains(apiKey) ? 200 : 403;
    }

    private Mono<Void> send(HttpServerResponse response, Request request, Map<String, String> headers) {
        statuses.computeIfAbsent(request.status(), s -> new AtomicLong()).incrementAndGet();
        observer.answered(request);
        if (request.status() == 0) {
            return Mono.never();
        }
        headers.forEach(response::header);
        return response.status(request.status()).header("Content-Type", "application/json")
                .sendString(Mono.just(body(request))).then();
    }

    private static String body(Request request) {
        return switch (request.status()) {
            case 200 -> "{\"valid\":true}";
            case 202 -> request.series() ? "{\"errors\":[]}" : "{}";
            case 403 -> "{\"errors\":[\"Forbidden\"]}";
            default -> "{\"errors\":[\"status " + request.status() + "\"]}";
        };
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
