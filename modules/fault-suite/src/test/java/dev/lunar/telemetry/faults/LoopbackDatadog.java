package dev.lunar.telemetry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.datadog.intake.IntakeContract;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback HTTP server (127.0.0.1, a free port) that answers like Datadog's Logs v2 and Metrics v2 intakes and keeps
 * count, by event id, of what it accepted.
 *
 * <p>Contract: {@link IntakeContract} (module datadog-intake, shared with every loopback intake): endpoints, headers,
 * gzip, limits; {@code DD-API-KEY} gets 403 unless it is the expected key. 202 = accepted. Breaches are recorded as
 * violations. Faults it plays:
 * <ul>
 *   <li>{@link #troubleFor}: the next requests get 429 with {@code X-RateLimit-Reset} or {@code Retry-After}, and
 *       503 — a rate-limited, then unavailable intake;</li>
 *   <li>a logs request carrying an entry whose {@code event_id} is in the refused set is answered 400, as Datadog
 *       refuses a payload, every time it is sent.</li>
 * </ul>
 * Every body it receives, whatever the answer, is scanned for canary secrets.
 */
final class LoopbackDatadog implements AutoCloseable {

    static final String LOGS_PATH = IntakeContract.LOGS_PATH;
    static final String SERIES_PATH = IntakeContract.SERIES_PATH;
    static final String CPU_METRIC = "lunar.proxy.cpu.percent";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted answer. */
    record Reply(int status, Map<String, String> headers) {}

    private final String apiKey;
    private final Set<String> refusedIds;
    private final Set<String> progressIds;
    private final CanaryScanner canaries;
    private final DisposableServer server;
    private final ConcurrentLinkedQueue<Reply> trouble = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> acceptedIds = new ConcurrentHashMap<>();
    private final Set<Traffic.ResourcePoint> cpuPoints = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Long> waitsAfter429Millis = new CopyOnWriteArrayList<>();
    private final Map<String, Long> last429Nanos = new ConcurrentHashMap<>();
    private final AtomicInteger progress = new AtomicInteger();
    /** When each event id was first accepted ({@link System#nanoTime()}): the end of its produce-to-Datadog trip. */
    private final Map<String, Long> firstAcceptedNanos = new ConcurrentHashMap<>();

    /**
     * @param progressIds the event ids whose first arrival counts as progress ({@link #progress()})
     * @param refusedIds  event ids whose logs requests are answered 400
     */
    LoopbackDatadog(String apiKey, Set<String> progressIds, Set<String> refusedIds, CanaryScanner canaries) {
        this.apiKey = apiKey;
        this.progressIds = Set.copyOf(progressIds);
        this.refusedIds = Set.copyOf(refusedIds);
        this.canaries = canaries;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(30));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /**
     * The next {@code requests} requests are answered, in turn: 429 with {@code X-RateLimit-Reset: 1} (and the other
     * rate-limit headers), 503, 429 with {@code Retry-After: 1}, 503.
     */
    void troubleFor(int requests) {
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            replies.add(switch (i % 4) {
                case 0 -> new Reply(429, Map.of("X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0",
                        "X-RateLimit-Period", "10", "X-RateLimit-Reset", "1"));
                case 2 -> new Reply(429, Map.of("Retry-After", "1"));
                default -> new Reply(503, Map.of());
            });
        }
        trouble.addAll(replies);
    }

    boolean inTrouble() {
        return !trouble.isEmpty();
    }

    /** Distinct progress ids accepted so far. */
    int progress() {
        return progress.get();
    }

    /** Accepted log entries by event id, with how many times each was accepted. */
    Map<String, Integer> acceptedIds() {
        Map<String, Integer> copy = new java.util.HashMap<>();
        acceptedIds.forEach((id, n) -> copy.put(id, n.get()));
        return copy;
    }

    /** Event id to the {@link System#nanoTime()} of its first acceptance. */
    Map<String, Long> firstAcceptedNanos() {
        return Map.copyOf(firstAcceptedNanos);
    }

    Set<Traffic.ResourcePoint> cpuPoints() {
        return Set.copyOf(cpuPoints);
    }

    Map<Integer, Long> statuses() {
        Map<Integer, Long> copy = new TreeMap<>();
        statuses.forEach((s, n) -> copy.put(s, n.get()));
        return copy;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * For each 429 (which asks for 1 s), how long until the same forwarder sent its next request to the same intake
     * (ms): whether the rate-limit headers were honoured, observed. Reported, not asserted.
     */
    List<Long> waitsAfter429Millis() {
        return List.copyOf(waitsAfter429Millis);
    }

    /** A new forwarder process knows nothing of earlier 429s: do not count its first requests as waits. */
    void forgetRateLimits() {
        last429Nanos.clear();
    }

    String describe() {
        return "Datadog: " + progress() + "/" + progressIds.size() + " expected ids accepted, requests by status "
                + statuses() + (inTrouble() ? ", in trouble" : "");
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(raw -> {
                    Reply reply = answer(request, raw);
                    reply.headers().forEach(response::header);
                    String body = reply.status() == 202 ? "{}" : "{\"errors\":[\"status " + reply.status() + "\"]}";
                    return response.status(reply.status()).header("Content-Type", "application/json")
                            .sendString(Mono.just(body)).then();
                });
    }

    private Reply answer(HttpServerRequest request, byte[] raw) {
        long now = System.nanoTime();
        String path = request.uri().contains("?") ? request.uri().substring(0, request.uri().indexOf('?'))
                : request.uri();
        Long limitedAt = last429Nanos.remove(path);
        if (limitedAt != null) {
            waitsAfter429Millis.add((now - limitedAt) / 1_000_000);
        }
        Reply reply = decide(request, path, raw);
        statuses.computeIfAbsent(reply.status(), s -> new AtomicLong()).incrementAndGet();
        if (reply.status() == 429) {
            last429Nanos.put(path, System.nanoTime());
        }
        return reply;
    }

    private Reply decide(HttpServerRequest request, String path, byte[] raw) {
        if (!IntakeContract.isIntake(request.method().name(), path)) {
            violations.add(request.method() + " " + path + " is not a Datadog intake endpoint");
            return new Reply(404, Map.of());
        }
        String key = request.requestHeaders().get("DD-API-KEY");
        if (key == null || key.isEmpty()) {
            violations.add(path + ": no DD-API-KEY header");
            return new Reply(401, Map.of());
        }
        violations.addAll(IntakeContract.headerProblems(path, request.requestHeaders().get("Content-Type"),
                request.requestHeaders().get("Content-Encoding")));
        byte[] plain;
        try {
            plain = IntakeContract.gunzip(raw);
        } catch (IOException e) {
            violations.add(path + ": body is not gzip: " + e.getMessage());
            return new Reply(400, Map.of());
        }
        canaries.scan(plain, "a Datadog " + path + " body");
        if (!key.equals(apiKey)) {
            violations.add(path + ": a request with an unexpected API key");
            return new Reply(403, Map.of());
        }
        Reply scripted = trouble.poll();
        if (scripted != null) {
            return scripted;
        }
        JsonNode json;
        try {
            json = JSON.readTree(plain);
        } catch (IOException e) {
            violations.add(path + ": body is not JSON");
            return new Reply(400, Map.of());
        }
        return path.equals(LOGS_PATH) ? logs(json, plain.length) : series(json, raw.length);
    }

    private Reply logs(JsonNode entries, int bytes) {
        if (!entries.isArray() || entries.isEmpty() || entries.size() > IntakeContract.LOGS_MAX_ENTRIES
                || bytes > IntakeContract.LOGS_MAX_BYTES) {
            violations.add("logs: not an array of 1 to 1,000 entries within 5 MB (" + entries.size() + " entries, "
                    + bytes + " bytes)");
            return new Reply(400, Map.of());
        }
        for (JsonNode e : entries) {
            for (String field : List.of("message", "ddsource", "service", "hostname", "ddtags", "status", "event_id")) {
                if (!e.path(field).isTextual()) {
                    violations.add("logs: an entry without a string '" + field + "'");
                    return new Reply(400, Map.of());
                }
            }
            if (refusedIds.contains(e.get("event_id").asText())) {
                return new Reply(400, Map.of());
            }
        }
        for (JsonNode e : entries) {
            String id = e.get("event_id").asText();
            if (acceptedIds.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement() == 0
                    && progressIds.contains(id)) {
                firstAcceptedNanos.putIfAbsent(id, System.nanoTime());
                progress.incrementAndGet();
            }
        }
        return new Reply(202, Map.of());
    }

    private Reply series(JsonNode json, int gzipBytes) {
        if (gzipBytes > IntakeContract.SERIES_MAX_GZIP_BYTES || !json.path("series").isArray()
                || json.get("series").isEmpty()) {
            violations.add("series: no non-empty 'series' array within 512,000 compressed bytes");
            return new Reply(400, Map.of());
        }
        for (JsonNode s : json.get("series")) {
            if (CPU_METRIC.equals(s.path("metric").asText())) {
                cpuPoints.add(new Traffic.ResourcePoint(s.path("resources").path(0).path("name").asText(),
                        s.path("points").path(0).path("timestamp").asLong()));
            }
        }
        return new Reply(202, Map.of());
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
