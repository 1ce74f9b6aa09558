package dev.lunar.telemetry.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lunar.telemetry.datadog.intake.IntakeContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback stand-in for Datadog's Logs API v2 and Metrics API v2 on Reactor Netty, checking the cheap part of
 * {@link IntakeContract} (endpoints, content type, gzip, the series size limit). Accepting, it answers 202 at once
 * but still does the receiving side's work: reads the whole body, gunzips it, parses the JSON and counts log entries
 * (by {@code event_id}, recording when each arrived) and series points. Down, it answers 503 to everything (Datadog's
 * retriable "Service Unavailable") and counts the attempts.
 */
final class DatadogIntake implements AutoCloseable {

    /** One log entry's arrival. */
    record Arrival(String eventId, long atMillis) {}

    private static final JsonFactory JSON = new JsonFactory();

    private final boolean down;
    private final boolean trackArrivals;
    private final DisposableServer server;
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
        this.down = down;
        this.trackArrivals = trackArrivals;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .post(IntakeContract.LOGS_PATH, (req, res) -> handle(req, res, true))
                        .post(IntakeContract.SERIES_PATH, (req, res) -> handle(req, res, false)))
                .bindNow();
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
        return "http://127.0.0.1:" + server.port();
    }

    long malformed() {
        return malformed.get();
    }

    private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response, boolean logs) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
            long now = System.currentTimeMillis();
            requests.incrementAndGet();
            if (down) {
                return response.status(503).header("Content-Type", "application/json")
                        .sendString(Mono.just("{\"errors\":[\"Service Unavailable\"]}")).then();
            }
            gzippedBytes.addAndGet(body.length);
            // the contract's cheap checks only: the full payload rules would cost the benchmark a JSON tree per body
            if (!IntakeContract.headerProblems(logs ? IntakeContract.LOGS_PATH : IntakeContract.SERIES_PATH,
                    request.requestHeaders().get("Content-Type"), request.requestHeaders().get("Content-Encoding"))
                    .isEmpty() || (!logs && body.length > IntakeContract.SERIES_MAX_GZIP_BYTES)) {
                malformed.incrementAndGet();
                return response.status(400).sendString(Mono.just("{\"errors\":[\"breaks the intake contract\"]}"))
                        .then();
            }
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024)) {
                if (logs) {
                    countLogs(in, now);
                } else {
                    countSeries(in);
                }
            } catch (IOException | RuntimeException e) {
                malformed.incrementAndGet();
                return response.status(400).sendString(Mono.just("{\"errors\":[\"malformed\"]}")).then();
            }
            firstArrival.accumulateAndGet(now, Math::min);
            lastArrival.accumulateAndGet(now, Math::max);
            return response.status(202).header("Content-Type", "application/json").sendString(Mono.just("{}")).then();
        });
    }

    private void countLogs(InputStream in, long now) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
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
    }

    private void countSeries(InputStream in) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
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
        server.disposeNow();
    }
}
