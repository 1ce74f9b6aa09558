package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
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
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP server on 127.0.0.1 that answers like Datadog's Logs v2 and Metrics v2 intakes and checks their
 * documented contract on every request: the path, {@code DD-API-KEY} (401 when missing, 403 when not accepted),
 * {@code Content-Type: application/json}, {@code Content-Encoding: gzip}, the size limits (logs: 5 MB uncompressed,
 * 1,000 entries, 1 MB per entry; series: 512,000 bytes compressed, 5,242,880 decompressed) and the payload shape.
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

    static final String LOGS_PATH = "/api/v2/logs";
    static final String SERIES_PATH = "/api/v2/series";
    static final String VALIDATE_PATH = "/api/v1/validate";
    static final int LOGS_MAX_BYTES = 5 * 1024 * 1024;
    static final int LOGS_MAX_ENTRIES = 1000;
    static final int LOGS_MAX_ENTRY_BYTES = 1024 * 1024;
    static final int SERIES_MAX_GZIP_BYTES = 512_000;
    static final int SERIES_MAX_BYTES = 5_242_880;
    private static final Set<String> STATUSES = Set.of("emergency", "alert", "critical", "error", "warn", "notice",
            "info", "debug");
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.]{0,199}");
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
        if (!request.method().name().equals("POST") || !(path.equals(LOGS_PATH) || path.equals(SERIES_PATH))) {
            problems.add(request.method() + " " + path + " is not a Datadog intake endpoint");
            status = 404;
        } else if (apiKey == null || apiKey.isEmpty()) {
            problems.add(path + ": no DD-API-KEY header");
            status = 401;
        } else {
            if (!"application/json".equals(headers.get("content-type"))) {
                problems.add(path + ": Content-Type is " + headers.get("content-type") + ", not application/json");
            }
            if (!"gzip".equals(headers.get("content-encoding"))) {
                problems.add(path + ": Content-Encoding is " + headers.get("content-encoding") + ", not gzip");
            }
            byte[] plain;
            try {
                plain = gunzip(raw);
            } catch (IOException e) {
                plain = null;
                problems.add(path + ": body is not gzip: " + e.getMessage());
            }
            if (plain == null) {
                status = 400;
            } else {
                body = new String(plain, StandardCharsets.UTF_8);
                if (path.equals(SERIES_PATH) && raw.length > SERIES_MAX_GZIP_BYTES) {
                    problems.add(path + ": " + raw.length + " compressed bytes, over " + SERIES_MAX_GZIP_BYTES);
                }
                List<String> payloadProblems = path.equals(LOGS_PATH) ? validateLogs(plain) : validateSeries(plain);
                problems.addAll(payloadProblems);
                try {
                    json = JSON.readTree(plain);
                } catch (IOException e) {
                    json = null;
                }
                if (!acceptedKeys.contains(apiKey)) {
                    status = 403;
                } else if (plain.length > (path.equals(LOGS_PATH) ? LOGS_MAX_BYTES : SERIES_MAX_BYTES)
                        || (path.equals(SERIES_PATH) && raw.length > SERIES_MAX_GZIP_BYTES)) {
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

    private static byte[] gunzip(byte[] raw) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        }
    }

    /** Logs API v2 payload rules; empty when the body is a valid request. Also used on the dry-run outbox. */
    static List<String> validateLogs(byte[] plain) {
        List<String> problems = new ArrayList<>();
        if (plain.length > LOGS_MAX_BYTES) {
            problems.add("logs: " + plain.length + " uncompressed bytes, over " + LOGS_MAX_BYTES);
        }
        JsonNode json;
        try {
            json = JSON.readTree(plain);
        } catch (IOException e) {
            problems.add("logs: body is not JSON");
            return problems;
        }
        if (json == null || !json.isArray()) {
            problems.add("logs: body is not a JSON array");
            return problems;
        }
        if (json.size() > LOGS_MAX_ENTRIES) {
            problems.add("logs: " + json.size() + " entries, over " + LOGS_MAX_ENTRIES);
        }
        if (json.isEmpty()) {
            problems.add("logs: empty array");
        }
        for (JsonNode e : json) {
            if (!e.isObject()) {
                problems.add("logs: an entry is not an object");
                continue;
            }
            int size = e.toString().getBytes(StandardCharsets.UTF_8).length;
            if (size > LOGS_MAX_ENTRY_BYTES) {
                problems.add("logs: an entry has " + size + " bytes, over " + LOGS_MAX_ENTRY_BYTES);
            }
            for (String field : List.of("message", "ddsource", "service", "hostname", "ddtags", "status")) {
                if (!e.path(field).isTextual()) {
                    problems.add("logs: entry without a string '" + field + "'");
                }
            }
            if (e.path("status").isTextual() && !STATUSES.contains(e.get("status").asText())) {
                problems.add("logs: unknown status " + e.get("status").asText());
            }
            if (e.has("timestamp") && !e.get("timestamp").canConvertToLong()) {
                problems.add("logs: timestamp is not epoch milliseconds");
            }
        }
        return problems;
    }

    /** Metrics API v2 payload rules; empty when the body is a valid request. */
    static List<String> validateSeries(byte[] plain) {
        List<String> problems = new ArrayList<>();
        if (plain.length > SERIES_MAX_BYTES) {
            problems.add("series: " + plain.length + " decompressed bytes, over " + SERIES_MAX_BYTES);
        }
        JsonNode json;
        try {
            json = JSON.readTree(plain);
        } catch (IOException e) {
            problems.add("series: body is not JSON");
            return problems;
        }
        if (json == null || !json.path("series").isArray() || json.get("series").isEmpty()) {
            problems.add("series: no non-empty 'series' array");
            return problems;
        }
        for (JsonNode s : json.get("series")) {
            String metric = s.path("metric").asText("");
            if (!METRIC_NAME.matcher(metric).matches()) {
                problems.add("series: bad metric name '" + metric + "'");
            }
            int type = s.path("type").isInt() ? s.get("type").asInt() : -1;
            if (type < 0 || type > 3) {
                problems.add("series " + metric + ": type must be 0..3, was " + s.path("type"));
            }
            if ((type == 1 || type == 2) && !s.path("interval").canConvertToLong()) {
                problems.add("series " + metric + ": a count or rate needs an interval");
            }
            if (!s.path("points").isArray() || s.get("points").isEmpty()) {
                problems.add("series " + metric + ": no points");
            } else {
                for (JsonNode p : s.get("points")) {
                    if (!p.path("timestamp").isIntegralNumber() || !p.path("value").isNumber()) {
                        problems.add("series " + metric + ": a point needs an integer timestamp and a number value");
                    }
                }
            }
            if (s.has("resources")) {
                for (JsonNode r : s.get("resources")) {
                    if (!r.path("name").isTextual() || !r.path("type").isTextual()) {
                        problems.add("series " + metric + ": a resource needs a name and a type");
                    }
                }
            }
            if (s.has("tags")) {
                s.get("tags").forEach(t -> {
                    if (!t.isTextual()) {
                        problems.add("series " + metric + ": tags must be strings");
                    }
                });
            }
        }
        return problems;
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
