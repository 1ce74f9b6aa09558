package dev.lunar.telemetry.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake.Checks;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake.Reply;
import java.io.IOException;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared loopback Datadog ({@link LoopbackDatadogIntake}) holding each request to the contract's envelope
 * (endpoint, key, headers, gzip, size limits: the payload rules would cost the benchmark a JSON tree per body), with
 * the benchmark's bookkeeping: accepting, it still does the receiving side's work, parsing each body and counting log
 * entries (by {@code event_id}, recording when each arrived) and series points. Down, it answers 503 to everything
 * (Datadog's retriable "Service Unavailable") and counts the attempts.
 */
final class DatadogIntake implements AutoCloseable {

    /** The API key the benchmark's forwarder sends. */
    static final String API_KEY = "bench";

    /** One log entry's arrival. */
    record Arrival(String eventId, long atMillis) {}

    private static final JsonFactory JSON = new JsonFactory();

    private final boolean trackArrivals;
    private final LoopbackDatadogIntake intake;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong logEntries = new AtomicLong();
    final AtomicLong seriesPoints = new AtomicLong();
    final AtomicLong gzippedBytes = new AtomicLong();
    final AtomicLong firstArrival = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong lastArrival = new AtomicLong();
    final Set<String> distinctEventIds = ConcurrentHashMap.newKeySet();
    final Queue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicLong malformed = new AtomicLong();
    /** When each log entry arrived (epoch ms), in arrival order: the phases of a drain ({@link PhaseFigures}). */
    private long[] entryTimes = new long[1 << 16];
    private int entryCount;

    private DatadogIntake(boolean down, boolean trackArrivals) {
        this.trackArrivals = trackArrivals;
        this.intake = LoopbackDatadogIntake.start(Checks.ENVELOPE, this::answered, API_KEY);
        if (down) {
            intake.answerAlways(Reply.status(503));
        }
    }

    /** Answers 202 and counts what arrives; with {@code trackArrivals}, remembers every log entry's arrival. */
    static DatadogIntake accepting(boolean trackArrivals) {
        return new DatadogIntake(false, trackArrivals);
    }

    /** Answers 503 to every request. */
    static DatadogIntake down() {
        return new DatadogIntake(true, false);
    }

    String baseUrl() {
        return intake.baseUrl();
    }

    /** Requests that broke the contract, or bodies that could not be read. */
    long malformed() {
        return malformed.get() + intake.violations().size();
    }

    private void answered(LoopbackDatadogIntake.Request request) {
        long now = System.currentTimeMillis();
        requests.incrementAndGet();
        if (!request.accepted()) {
            return;
        }
        gzippedBytes.addAndGet(request.gzipBytes());
        try (JsonParser p = JSON.createParser(request.plain())) {
            if (request.logs()) {
                countLogs(p, now);
            } else {
                countSeries(p);
            }
        } catch (IOException | RuntimeException e) {
            malformed.incrementAndGet();
            return;
        }
        firstArrival.accumulateAndGet(now, Math::min);
        lastArrival.accumulateAndGet(now, Math::max);
    }

    private void countLogs(JsonParser p, long now) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new IOException("a logs body is a JSON array");
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String eventId = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("event_id")) {
                    eventId = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            logEntries.incrementAndGet();
            entryArrived(now);
            if (eventId != null) {
                distinctEventIds.add(eventId);
                if (trackArrivals) {
                    arrivals.add(new Arrival(eventId, now));
                }
            }
        }
    }

    private void countSeries(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("a series body is a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (!name.equals("series")) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("points") && value == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            seriesPoints.incrementAndGet();
                            p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
    }

    private synchronized void entryArrived(long now) {
        if (entryCount == entryTimes.length) {
            entryTimes = java.util.Arrays.copyOf(entryTimes, entryCount * 2);
        }
        entryTimes[entryCount++] = now;
    }

    /** Arrival times of every log entry so far, sorted. */
    synchronized long[] sortedEntryTimes() {
        long[] sorted = java.util.Arrays.copyOf(entryTimes, entryCount);
        java.util.Arrays.sort(sorted);
        return sorted;
    }

    @Override
    public void close() {
        intake.close();
    }
}
