package dev.lunar.telemetry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * A loopback HTTP relay (127.0.0.1, a free port) between the control-plane forwarder and the real control plane,
 * which can make the control plane time out. Passing, it relays each request as it is (method, path, the headers the
 * forwarder sends, the body) and the control plane's answer back. {@link #timeOut()} switches it to accept every
 * request and never answer it, alternately
 * <ul>
 *   <li>without passing it on (the control plane hangs before storing), and</li>
 *   <li>after passing it on and getting the control plane's answer, which it then withholds (the control plane
 *       stored the batch but its answer never arrives — the forwarder must send it again, and the upsert must not
 *       count it twice),</li>
 * </ul>
 * until {@link #recover()}. A request counts as given up when the forwarder closes its connection without an answer
 * (its request timeout, or its death).
 *
 * <p>It keeps count of what it saw: the tenant of every body (from the body, and whose token authorised it), the
 * windows whose acceptance reached the forwarder (by tenant and window start), the answers it relayed, and it scans
 * every body for canary secrets.
 */
final class ControlPlaneRelay implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String upstream;
    private final Map<String, String> tenantOfToken;
    private final CanaryScanner canaries;
    private final DisposableServer server;
    private final ConnectionProvider connections = ConnectionProvider.builder("fault-suite-relay").maxConnections(16)
            .build();
    private final HttpClient client;
    private final AtomicBoolean timingOut = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger timedOut = new AtomicInteger();
    private final AtomicInteger storedUnanswered = new AtomicInteger();
    private final AtomicInteger givenUp = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requestsByTenant = new ConcurrentHashMap<>();
    /** {@code tenant|windowStartMillis} of windows whose 2xx was relayed to the forwarder. */
    private final Set<String> acceptedWindows = ConcurrentHashMap.newKeySet();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    /**
     * @param upstream      the control plane's base URL
     * @param tenantOfToken each known bearer token and its tenant
     */
    ControlPlaneRelay(String upstream, Map<String, String> tenantOfToken, CanaryScanner canaries) {
        this.upstream = upstream.replaceAll("/+$", "");
        this.tenantOfToken = Map.copyOf(tenantOfToken);
        this.canaries = canaries;
        this.client = HttpClient.create(connections).responseTimeout(Duration.ofSeconds(30));
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(30));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** From now on every request is accepted and never answered. */
    void timeOut() {
        timingOut.set(true);
    }

    /** From now on requests are relayed again. */
    void recover() {
        timingOut.set(false);
    }

    boolean isTimingOut() {
        return timingOut.get();
    }

    /** Requests received while timing out. */
    int timedOut() {
        return timedOut.get();
    }

    /** Of those, the ones the control plane stored and whose answer was withheld. */
    int storedUnanswered() {
        return storedUnanswered.get();
    }

    /** Requests whose connection the forwarder closed while waiting for an answer that never came. */
    int givenUp() {
        return givenUp.get();
    }

    long requests() {
        return requests.get();
    }

    /** Answers relayed to the forwarder, by status. */
    Map<Integer, Long> answers() {
        Map<Integer, Long> out = new TreeMap<>();
        answers.forEach((status, n) -> out.put(status, n.get()));
        return out;
    }

    /** Requests by tenant (the body's {@code tenant}; "(unreadable)" when the body named none). */
    Map<String, Long> requestsByTenant() {
        Map<String, Long> out = new TreeMap<>();
        requestsByTenant.forEach((tenant, n) -> out.put(tenant, n.get()));
        return out;
    }

    /** A copy of {@code tenant|windowStartMillis} of every window whose acceptance reached the forwarder. */
    Set<String> acceptedWindows() {
        return Set.copyOf(acceptedWindows);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    String describe() {
        return "control-plane relay: " + requests() + " requests " + requestsByTenant() + ", answers " + answers()
                + (isTimingOut() ? ", TIMING OUT" : "") + ", " + timedOut() + " timed out (" + storedUnanswered()
                + " stored but unanswered), " + givenUp() + " given up by the forwarder";
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String authorization = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        String contentType = req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        return req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
            requests.incrementAndGet();
            canaries.scan(body, "requests to the control plane");
            canaries.scan(authorization == null ? null : authorization.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "Authorization headers to the control plane");
            Batch batch = read(body, authorization);
            requestsByTenant.computeIfAbsent(batch.tenant(), t -> new AtomicLong()).incrementAndGet();
            if (timingOut.get()) {
                int n = timedOut.incrementAndGet();
                res.withConnection(c -> c.onDispose(givenUp::incrementAndGet));
                if (n % 2 == 1) {
                    return Mono.never();
                }
                return forward(req, body, authorization, contentType)
                        .doOnNext(answer -> storedUnanswered.incrementAndGet())
                        .then(Mono.never());
            }
            return forward(req, body, authorization, contentType).flatMap(answer -> {
                answers.computeIfAbsent(answer.status(), s -> new AtomicLong()).incrementAndGet();
                if (answer.status() / 100 == 2) {
                    acceptedWindows.addAll(batch.windows());
                }
                HttpServerResponse out = res.status(HttpResponseStatus.valueOf(answer.status()));
                answer.headers().forEach(out::header);
                return out.sendByteArray(Mono.just(answer.body())).then();
            });
        });
    }

    private record Answer(int status, Map<String, String> headers, byte[] body) {}

    private Mono<Answer> forward(HttpServerRequest req, byte[] body, String authorization, String contentType) {
        return client.headers(h -> {
                    if (authorization != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    }
                    if (contentType != null) {
                        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
                    }
                    h.set(HttpHeaderNames.ACCEPT, "application/json");
                })
                .request(req.method())
                .uri(upstream + req.uri())
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> {
                            Map<String, String> headers = new TreeMap<>();
                            for (String name : List.of("Content-Type", "Retry-After", "WWW-Authenticate")) {
                                String value = response.responseHeaders().get(name);
                                if (value != null) {
                                    headers.put(name, value);
                                }
                            }
                            return new Answer(response.status().code(), headers, bytes);
                        }));
    }

    /** What a request body says: its tenant and the {@code tenant|windowStartMillis} of its windows. */
    private record Batch(String tenant, List<String> windows) {}

    private Batch read(byte[] body, String authorization) {
        String tokenTenant = authorization == null || !authorization.startsWith("Bearer ") ? null
                : tenantOfToken.get(authorization.substring("Bearer ".length()));
        try {
            JsonNode root = JSON.readTree(body);
            String tenant = root.path("tenant").asText("(unreadable)");
            if (tokenTenant == null || !tokenTenant.equals(tenant)) {
                problems.add("a batch of tenant " + tenant + " came with the token of " + tokenTenant);
            }
            List<String> windows = new java.util.ArrayList<>();
            for (JsonNode w : root.path("windows")) {
                windows.add(tenant + "|" + Instant.parse(w.path("windowStart").asText()).toEpochMilli());
            }
            return new Batch(tenant, windows);
        } catch (IOException | RuntimeException e) {
            problems.add("an unreadable request body (" + e + ")");
            return new Batch("(unreadable)", List.of());
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.disposeNow(Duration.ofSeconds(10));
        connections.disposeLater().block(Duration.ofSeconds(10));
    }
}
