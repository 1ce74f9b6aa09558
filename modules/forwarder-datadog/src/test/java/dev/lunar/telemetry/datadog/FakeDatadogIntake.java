package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.datadog.intake.IntakeContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP server on 127.0.0.1 that answers like Datadog's Logs v2 and Metrics v2 intakes and checks their
 * documented contract ({@link IntakeContract}, shared with every loopback intake) on every request: the path,
 * {@code DD-API-KEY} (401 when missing, 403 when not accepted), content type and encoding, size limits, payload shape.
 * Every breach is recorded as a violation (and answered as Datadog would); tests assert there are none.
 *
 * <p>It can be scripted to answer the next requests with any status and headers, or to hang; and to refuse
 * (400) any logs request carrying an entry that matches a predicate.
 *
 * <p>It also answers {@code GET /api/v1/validate} as Datadog documents it: 200 {@code {"valid":true}} for an accepted
 * {@code DD-API-KEY}, 403 {@code {"errors":["Forbidden"]}} otherwise (scripted answers are not used for it). Public,
 * and shipped in this module's test jar, so other modules' tests ({@code lunar-telemetry doctor}) use the same fixture.
 */
public final class FakeDatadogIntake implements AutoCloseable {

    static final String LOGS_PATH = IntakeContract.LOGS_PATH;
    static final String SERIES_PATH = IntakeContract.SERIES_PATH;
    static final String VALIDATE_PATH = IntakeContract.VALIDATE_PATH;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted answer: a status with headers, or no answer at all. */
    record Reply(int status, Map<String, String> headers, boolean noAnswer) {
        static Reply status(int status) {
            return new Reply(status, Map.of(), false);
        }

        static Reply status(int status, Map<String, String> headers) {
            return new Reply(status, headers, false);
        }

        static Reply hang() {
            return new Reply(0, Map.of(), true);
        }
    }

    /** A request as received, with the answer it got. */
    record Received(String path, String apiKey, Map<String, String> headers, int gzipBytes, String body, JsonNode json,
                    int status, java.time.Instant at) {
        boolean accepted() {
            return status == 202;
        }
    }

    private final DisposableServer server;
    private final Set<String> acceptedKeys = new CopyOnWriteArraySet<>();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile Predicate<JsonNode> refuseEntry = e -> false;

    public FakeDatadogIntake(String... acceptedKeys) {
        this.acceptedKeys.addAll(List.of(acceptedKeys));
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    void acceptKey(String key) {
        acceptedKeys.add(key);
    }

    /** The next requests get these answers, in order; after them, the contract decides (202 by default). */
    void script(Reply... replies) {
        script.addAll(List.of(replies));
    }

    /** Until {@link #clearScript()}, every request gets this answer. */
    void answerAlways(Reply reply) {
        alwaysReply = reply;
    }

    void clearScript() {
        alwaysReply = null;
        script.clear();
    }

    /** Ends {@link #answerAlways} and queues these answers for the next requests, with no request in between. */
    void thenScript(Reply... replies) {
        script.clear();
        script.addAll(List.of(replies));
        alwaysReply = null;
    }

    private volatile Reply alwaysReply;

    /** Logs requests carrying an entry that matches are refused with 400, as Datadog refuses a bad payload. */
    void refuseLogsRequestsWithEntry(Predicate<JsonNode> entry) {
        this.refuseEntry = entry;
    }

    List<Received> requests() {
        return List.copyOf(received);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Log entries of accepted logs requests. */
    List<JsonNode> acceptedLogEntries() {
        List<JsonNode> out = new ArrayList<>();
        received.stream().filter(r -> r.accepted() && r.path().equals(LOGS_PATH)).forEach(r -> r.json().forEach(out::add));
        return out;
    }

    /** Series of accepted metrics requests. */
    List<JsonNode> acceptedSeries() {
        List<JsonNode> out = new ArrayList<>();
        received.stream().filter(r -> r.accepted() && r.path().equals(SERIES_PATH))
                .forEach(r -> r.json().get("series").forEach(out::add));
        return out;
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(bytes -> answer(request, response, bytes));
    }

    private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response, byte[] raw) {
        Map<String, String> headers = new HashMap<>();
        request.requestHeaders().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        String path = request.uri().contains("?") ? request.uri().substring(0, request.uri().indexOf('?')) : request.uri();
        String apiKey = headers.get("dd-api-key");
        String body = null;
        JsonNode json = null;
        int status;
        if (path.equals(VALIDATE_PATH)) {
            return validate(request, response, path, apiKey, headers);
        }
        Reply scripted = alwaysReply != null ? alwaysReply : script.poll();
        List<String> problems = new ArrayList<>();
        if (!IntakeContract.isIntake(request.method().name(), path)) {
            problems.add(request.method() + " " + path + " is not a Datadog intake endpoint");
            status = 404;
        } else if (apiKey == null || apiKey.isEmpty()) {
            problems.add(path + ": no DD-API-KEY header");
            status = 401;
        } else {
            problems.addAll(IntakeContract.headerProblems(path, headers.get("content-type"),
                    headers.get("content-encoding")));
            byte[] plain;
            try {
                plain = IntakeContract.gunzip(raw);
            } catch (IOException e) {
                plain = null;
                problems.add(path + ": body is not gzip: " + e.getMessage());
            }
            if (plain == null) {
                status = 400;
            } else {
                body = new String(plain, StandardCharsets.UTF_8);
                List<String> payloadProblems = IntakeContract.payloadProblems(path, raw.length, plain);
                problems.addAll(payloadProblems);
                try {
                    json = JSON.readTree(plain);
                } catch (IOException e) {
                    json = null;
                }
                if (!acceptedKeys.contains(apiKey)) {
                    status = 403;
                } else if (IntakeContract.tooLarge(path, raw.length, plain.length)) {
                    status = 413;
                } else if (!payloadProblems.isEmpty()) {
                    status = 400;
                } else if (path.equals(LOGS_PATH) && json != null && refused(json)) {
                    status = 400;
                } else {
                    status = 202;
                }
            }
        }
        violations.addAll(problems);
        if (scripted != null && status != 401 && status != 404) {
            if (scripted.noAnswer()) {
                received.add(new Received(path, apiKey, headers, raw.length, body, json, 0, java.time.Instant.now()));
                return Mono.never();
            }
            status = scripted.status();
            scripted.headers().forEach(response::header);
        }
        received.add(new Received(path, apiKey, headers, raw.length, body, json, status, java.time.Instant.now()));
        String answer = status == 202 ? (path.equals(SERIES_PATH) ? "{\"errors\":[]}" : "{}")
                : "{\"errors\":[\"" + (status == 403 ? "Forbidden" : "status " + status) + "\"]}";
        return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(answer)).then();
    }

    /** GET /api/v1/validate: 200 {"valid":true} for an accepted key, 403 otherwise (Datadog's documented answers). */
    private Mono<Void> validate(HttpServerRequest request, HttpServerResponse response, String path, String apiKey,
                                Map<String, String> headers) {
        int status;
        String answer;
        if (!request.method().name().equals("GET")) {
            violations.add(request.method() + " " + path + ": the validate endpoint takes GET");
            status = 405;
            answer = "{\"errors\":[\"Method Not Allowed\"]}";
        } else if (apiKey != null && acceptedKeys.contains(apiKey)) {
            status = 200;
            answer = "{\"valid\":true}";
        } else {
            status = 403;
            answer = "{\"errors\":[\"Forbidden\"]}";
        }
        received.add(new Received(path, apiKey, headers, 0, null, null, status, java.time.Instant.now()));
        return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(answer)).then();
    }

    private boolean refused(JsonNode entries) {
        for (JsonNode e : entries) {
            if (refuseEntry.test(e)) {
                return true;
            }
        }
        return false;
    }

    /** Logs API v2 payload rules; empty when the body is a valid request. Also used on the dry-run outbox. */
    static List<String> validateLogs(byte[] plain) {
        return IntakeContract.validateLogs(plain);
    }

    /** Metrics API v2 payload rules; empty when the body is a valid request. */
    static List<String> validateSeries(byte[] plain) {
        return IntakeContract.validateSeries(plain);
    }

    /** Number of {@code /api/v1/validate} calls answered. */
    public int validateCalls() {
        return (int) received.stream().filter(r -> r.path().equals(VALIDATE_PATH)).count();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
