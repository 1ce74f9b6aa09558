package dev.lunar.telemetry.datadog.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The documented intake rules, checked on bodies at and just past each limit. */
class IntakeContractTest {

    private static final String ENTRY = "{\"message\":\"m\",\"ddsource\":\"lunar\",\"service\":\"s\",\"hostname\":\"h\","
            + "\"ddtags\":\"a:b\",\"status\":\"info\"}";

    @Test
    void aWellFormedLogsBodyHasNoProblem() {
        assertThat(IntakeContract.validateLogs(bytes("[" + ENTRY + "]"))).isEmpty();
    }

    @Test
    void logsOverOneThousandEntriesOrWithoutARequiredFieldAreRefused() {
        String thousandAndOne = "[" + (ENTRY + ",").repeat(1000) + ENTRY + "]";
        assertThat(IntakeContract.validateLogs(bytes(thousandAndOne))).containsExactly("logs: 1001 entries, over 1000");
        assertThat(IntakeContract.validateLogs(bytes("[{\"message\":\"m\"}]")))
                .contains("logs: entry without a string 'ddsource'");
        assertThat(IntakeContract.validateLogs(bytes("[]"))).containsExactly("logs: empty array");
    }

    @Test
    void seriesNeedTypedPointsAndACountNeedsAnInterval() {
        assertThat(IntakeContract.validateSeries(bytes("{\"series\":[{\"metric\":\"a.b\",\"type\":3,"
                + "\"points\":[{\"timestamp\":1,\"value\":2.5}]}]}"))).isEmpty();
        assertThat(IntakeContract.validateSeries(bytes("{\"series\":[{\"metric\":\"a.b\",\"type\":1,"
                + "\"points\":[{\"timestamp\":1,\"value\":2}]}]}")))
                .containsExactly("series a.b: a count or rate needs an interval");
    }

    @Test
    void sizeLimitsDecide413() {
        assertThat(IntakeContract.tooLarge(IntakeContract.SERIES_PATH, 512_000, 5_242_880)).isFalse();
        assertThat(IntakeContract.tooLarge(IntakeContract.SERIES_PATH, 512_001, 10)).isTrue();
        assertThat(IntakeContract.tooLarge(IntakeContract.LOGS_PATH, 10, 5 * 1024 * 1024 + 1)).isTrue();
    }

    @Test
    void headersMustSayGzippedJson() {
        assertThat(IntakeContract.headerProblems("/api/v2/logs", "application/json", "gzip")).isEmpty();
        assertThat(IntakeContract.headerProblems("/api/v2/logs", "text/plain", null)).containsExactly(
                "/api/v2/logs: Content-Type is text/plain, not application/json",
                "/api/v2/logs: Content-Encoding is null, not gzip");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
