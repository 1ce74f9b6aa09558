package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.datadog.intake.IntakeContract;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The shared loopback Datadog ({@link LoopbackDatadogIntake}: contract, scripted answers, {@code /api/v1/validate})
 * with what this module's tests read back: every request as received, with its body as text and JSON, and the
 * accepted log entries and series. Public, and shipped in this module's test jar, so other modules' tests
 * ({@code lunar-telemetry doctor}, {@code audit verify}) read requests the same way.
 */
public final class FakeDatadogIntake implements AutoCloseable {

    static final String LOGS_PATH = IntakeContract.LOGS_PATH;
    static final String SERIES_PATH = IntakeContract.SERIES_PATH;
    static final String VALIDATE_PATH = IntakeContract.VALIDATE_PATH;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received, with the answer it got. */
    record Received(String path, String apiKey, Map<String, String> headers, int gzipBytes, String body, JsonNode json,
                    int status, Instant at) {
        boolean accepted() {
            return status == 202;
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final LoopbackDatadogIntake intake;

    public FakeDatadogIntake(String... acceptedKeys) {
        this.intake = LoopbackDatadogIntake.start(this::record, acceptedKeys);
    }

    public String baseUrl() {
        return intake.baseUrl();
    }

    void acceptKey(String key) {
        intake.acceptKey(key);
    }

    void script(Reply... replies) {
        intake.script(replies);
    }

    void answerAlways(Reply reply) {
        intake.answerAlways(reply);
    }

    void clearScript() {
        intake.clearScript();
    }

    void thenScript(Reply... replies) {
        intake.thenScript(replies);
    }

    /** Logs requests carrying an entry that matches are refused with 400, as Datadog refuses a bad payload. */
    void refuseLogsRequestsWithEntry(Predicate<JsonNode> entry) {
        intake.refuse(r -> {
            JsonNode json = r.logs() ? parse(r.plain()) : null;
            if (json != null) {
                for (JsonNode e : json) {
                    if (entry.test(e)) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    List<Received> requests() {
        return List.copyOf(received);
    }

    public List<String> violations() {
        return intake.violations();
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

    /** Number of {@code /api/v1/validate} calls answered. */
    public int validateCalls() {
        return (int) received.stream().filter(r -> r.path().equals(VALIDATE_PATH)).count();
    }

    private void record(LoopbackDatadogIntake.Request r) {
        String body = r.plain() == null ? null : new String(r.plain(), StandardCharsets.UTF_8);
        received.add(new Received(r.path(), r.apiKey(), r.headers(), r.gzipBytes(), body, parse(r.plain()), r.status(),
                Instant.now()));
    }

    private static JsonNode parse(byte[] plain) {
        if (plain == null) {
            return null;
        }
        try {
            return JSON.readTree(plain);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        intake.close();
    }
}
