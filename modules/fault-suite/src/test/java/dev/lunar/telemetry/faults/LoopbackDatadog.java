package dev.lunar.telemetry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared loopback Datadog ({@link LoopbackDatadogIntake}, which enforces the intake contract and records its
 * breaches as violations; {@code DD-API-KEY} gets 403 unless it is the expected key) with the fault suite's
 * bookkeeping: what it accepted, by event id. Faults it plays:
 * <ul>
 *   <li>{@link #troubleFor}: the next requests get 429 with {@code X-RateLimit-Reset} or {@code Retry-After}, and
 *       503 — a rate-limited, then unavailable intake;</li>
 *   <li>a logs request carrying an entry whose {@code event_id} is in the refused set is answered 400, as Datadog
 *       refuses a payload, every time it is sent.</li>
 * </ul>
 * Every body it receives, whatever the answer, is scanned for canary secrets.
 */
final class LoopbackDatadog implements AutoCloseable {

    static final String CPU_METRIC = "lunar.proxy.cpu.percent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> refusedIds;
    private final Set<String> progressIds;
    private final CanaryScanner canaries;
    private final LoopbackDatadogIntake intake;
    private final Map<String, AtomicInteger> acceptedIds = new ConcurrentHashMap<>();
    private final Set<Traffic.ResourcePoint> cpuPoints = ConcurrentHashMap.newKeySet();
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
        this.progressIds = Set.copyOf(progressIds);
        this.refusedIds = Set.copyOf(refusedIds);
        this.canaries = canaries;
        this.intake = LoopbackDatadogIntake.start(this::answered, apiKey);
        intake.refuse(this::carriesARefusedId);
    }

    String baseUrl() {
        return intake.baseUrl();
    }

    /**
     * The next {@code requests} requests are answered, in turn: 429 with {@code X-RateLimit-Reset: 1} (and the other
     * rate-limit headers), 503, 429 with {@code Retry-After: 1}, 503.
     */
    void troubleFor(int requests) {
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            replies.add(switch (i % 4) {
                case 0 -> Reply.status(429, Map.of("X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0",
                        "X-RateLimit-Period", "10", "X-RateLimit-Reset", "1"));
                case 2 -> Reply.status(429, Map.of("Retry-After", "1"));
                default -> Reply.status(503);
            });
        }
        intake.script(replies.toArray(Reply[]::new));
    }

    boolean inTrouble() {
        return intake.scripted();
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
        return intake.statuses();
    }

    List<String> violations() {
        List<String> all = new ArrayList<>(intake.violations());
        all.addAll(violations);
        return all;
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

    private boolean carriesARefusedId(LoopbackDatadogIntake.Request request) {
        if (!request.logs() || refusedIds.isEmpty()) {
            return false;
        }
        for (JsonNode e : json(request)) {
            if (refusedIds.contains(e.path("event_id").asText())) {
                return true;
            }
        }
        return false;
    }

    private void answered(LoopbackDatadogIntake.Request request) {
        Long limitedAt = last429Nanos.remove(request.path());
        if (limitedAt != null) {
            waitsAfter429Millis.add((request.receivedNanos() - limitedAt) / 1_000_000);
        }
        if (request.status() == 429) {
            last429Nanos.put(request.path(), System.nanoTime());
        }
        if (request.plain() != null) {
            canaries.scan(request.plain(), "a Datadog " + request.path() + " body");
        }
        if (!request.accepted()) {
            return;
        }
        if (request.logs()) {
            logs(json(request));
        } else if (request.series()) {
            series(json(request));
        }
    }

    private void logs(JsonNode entries) {
        for (JsonNode e : entries) {
            if (!e.path("event_id").isTextual()) {
                violations.add("logs: an entry without a string 'event_id'");
                continue;
            }
            String id = e.get("event_id").asText();
            if (acceptedIds.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement() == 0
                    && progressIds.contains(id)) {
                firstAcceptedNanos.putIfAbsent(id, System.nanoTime());
                progress.incrementAndGet();
            }
        }
    }

    private void series(JsonNode json) {
        for (JsonNode s : json.get("series")) {
            if (CPU_METRIC.equals(s.path("metric").asText())) {
                cpuPoints.add(new Traffic.ResourcePoint(s.path("resources").path(0).path("name").asText(),
                        s.path("points").path(0).path("timestamp").asLong()));
            }
        }
    }

    /** The body as JSON; the intake has already held an accepted body to the payload rules. */
    private static JsonNode json(LoopbackDatadogIntake.Request request) {
        try {
            return JSON.readTree(request.plain());
        } catch (IOException e) {
            throw new IllegalStateException("the intake accepted a body that is not JSON", e);
        }
    }

    @Override
    public void close() {
        intake.close();
    }
}
