package dev.lunar.telemetry.datadog.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake.Checks;
import dev.lunar.telemetry.datadog.intake.LoopbackDatadogIntake.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared loopback intake, asked over real HTTP: it answers as the documented contract says, and says why. */
class LoopbackDatadogIntakeTest {

    private static final String KEY = "good-key";
    private static final String ENTRY = "{\"message\":\"m\",\"ddsource\":\"lunar\",\"service\":\"s\",\"hostname\":\"h\","
            + "\"ddtags\":\"a:b\",\"status\":\"info\"}";
    private static final String SERIES = "{\"series\":[{\"metric\":\"a.b\",\"type\":3,"
            + "\"points\":[{\"timestamp\":1,\"value\":2.5}]}]}";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<LoopbackDatadogIntake.Request> seen = new CopyOnWriteArrayList<>();
    private LoopbackDatadogIntake intake;

    @AfterEach
    void close() {
        if (intake != null) {
            intake.close();
        }
    }

    @Test
    void aValidLogsOrSeriesRequestIsAcceptedAndObservedGunzipped() throws Exception {
        intake = LoopbackDatadogIntake.start(seen::add, KEY);
        assertThat(post(IntakeContract.LOGS_PATH, KEY, gzip("[" + ENTRY + "]"), "gzip")).isEqualTo(202);
        assertThat(post(IntakeContract.SERIES_PATH, KEY, gzip(SERIES), "gzip")).isEqualTo(202);
        assertThat(intake.violations()).isEmpty();
        assertThat(seen).extracting(r -> new String(r.plain(), StandardCharsets.UTF_8))
                .containsExactly("[" + ENTRY + "]", SERIES);
    }

    @Test
    void everyBreachGetsDatadogsAnswerAndIsRecorded() throws Exception {
        intake = LoopbackDatadogIntake.start(seen::add, KEY);
        assertThat(post(IntakeContract.LOGS_PATH, null, gzip("[" + ENTRY + "]"), "gzip")).isEqualTo(401);
        assertThat(post(IntakeContract.LOGS_PATH, "other", gzip("[" + ENTRY + "]"), "gzip")).isEqualTo(403);
        assertThat(post(IntakeContract.LOGS_PATH, KEY, ("[" + ENTRY + "]").getBytes(StandardCharsets.UTF_8), "gzip"))
                .isEqualTo(400);
        assertThat(post(IntakeContract.LOGS_PATH, KEY, gzip("[{\"message\":\"m\"}]"), "gzip")).isEqualTo(400);
        assertThat(post(IntakeContract.LOGS_PATH, KEY, gzip("[" + (ENTRY + ",").repeat(1000) + ENTRY + "]"), "gzip"))
                .isEqualTo(400);
        assertThat(post("/api/v1/series", KEY, gzip(SERIES), "gzip")).isEqualTo(404);
        assertThat(intake.violations()).anyMatch(v -> v.contains("no DD-API-KEY"))
                .anyMatch(v -> v.contains("not gzip")).anyMatch(v -> v.contains("without a string 'ddsource'"))
                .anyMatch(v -> v.contains("1001 entries")).anyMatch(v -> v.contains("not a Datadog intake endpoint"));
        assertThat(intake.statuses()).containsEntry(400, 3L).containsEntry(401, 1L).containsEntry(403, 1L);
    }

    @Test
    void aSeriesBodyOverTheCompressedLimitIs413EvenWhenOnlyTheEnvelopeIsChecked() throws Exception {
        intake = LoopbackDatadogIntake.start(Checks.ENVELOPE, seen::add, KEY);
        byte[] incompressible = new byte[IntakeContract.SERIES_MAX_GZIP_BYTES];
        new java.util.Random(7).nextBytes(incompressible);
        String big = "{\"series\":[],\"pad\":\"" + java.util.HexFormat.of().formatHex(incompressible) + "\"}";
        assertThat(post(IntakeContract.SERIES_PATH, KEY, gzip(big), "gzip")).isEqualTo(413);
        // the envelope does not read the payload: an empty series array passes it
        assertThat(post(IntakeContract.SERIES_PATH, KEY, gzip("{\"series\":[]}"), "gzip")).isEqualTo(202);
    }

    @Test
    void scriptedAnswersReplaceTheContractsAnswerInOrderWithTheirHeaders() throws Exception {
        intake = LoopbackDatadogIntake.start(seen::add, KEY);
        intake.script(Reply.status(429, Map.of("X-RateLimit-Reset", "1")), Reply.status(503));
        HttpResponse<String> limited = http.send(request(IntakeContract.LOGS_PATH, KEY, gzip("[" + ENTRY + "]"),
                "gzip"), HttpResponse.BodyHandlers.ofString());
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("X-RateLimit-Reset")).hasValue("1");
        assertThat(post(IntakeContract.LOGS_PATH, KEY, gzip("[" + ENTRY + "]"), "gzip")).isEqualTo(503);
        assertThat(intake.scripted()).isFalse();
        assertThat(post(IntakeContract.LOGS_PATH, KEY, gzip("[" + ENTRY + "]"), "gzip")).isEqualTo(202);
    }

    @Test
    void aRefusedRequestIsAnswered400EveryTime() throws Exception {
        intake = LoopbackDatadogIntake.start(seen::add, KEY);
        intake.refuse(r -> new String(r.plain(), StandardCharsets.UTF_8).contains("poison"));
        String poison = "[" + ENTRY.replace("\"m\"", "\"poison\"") + "]";
        assertThat(post(IntakeContract.LOGS_PATH, KEY, gzip(poison), "gzip")).isEqualTo(400);
        assertThat(post(IntakeContract.LOGS_PATH, KEY, gzip(poison), "gzip")).isEqualTo(400);
        assertThat(intake.violations()).isEmpty();
    }

    @Test
    void validateAnswers200ForAnAcceptedKeyAnd403Otherwise() throws Exception {
        intake = LoopbackDatadogIntake.start(seen::add, KEY);
        assertThat(get(KEY)).isEqualTo(200);
        assertThat(get("other")).isEqualTo(403);
    }

    private int post(String path, String key, byte[] body, String encoding) throws Exception {
        return http.send(request(path, key, body, encoding), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest request(String path, String key, byte[] body, String encoding) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(intake.baseUrl() + path))
                .header("Content-Type", "application/json").header("Content-Encoding", encoding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("DD-API-KEY", key);
        }
        return b.build();
    }

    private int get(String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(intake.baseUrl() + IntakeContract.VALIDATE_PATH))
                .header("DD-API-KEY", key).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
