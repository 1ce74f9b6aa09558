package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A remembered scrub gives what a fresh one gives: the same text and the same report, at whatever path. */
class ConfigScrubMemoTest {

    private static final String POLICIES = """
            # token: canary-in-a-comment
            endpoints:
              - url: api.stripe.com/v1/charges
                headers:
                  Authorization: Bearer abcdefghijkl
            exporters:
              datadog:
                api_key: "0123456789abcdef0123456789abcdef"
                site: datadoghq.eu
              notes: "owner bob@example.com, key tenant-key-1234"
            """;

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);
    private final ConfigFileScrubber scrubber = new ConfigFileScrubber(redactor);
    private final PathMatcher.State state = PathMatcher.of(PrivacyDefaults.DENYLIST).start();

    @Test
    void aRememberedScrubReportsWhatAFreshOneReportsUnderTheCurrentPath() {
        ConfigScrubMemo memo = new ConfigScrubMemo(8);
        for (int file = 0; file < 3; file++) {
            FieldPath path = pathTo(file);
            ScrubReport fresh = new ScrubReport(List.of("tenant-key-1234"));
            String expected = scrubber.scrub(POLICIES, state, pathTo(file), fresh);
            ScrubReport remembered = new ScrubReport(List.of("tenant-key-1234"));
            String actual = memo.scrub(scrubber, POLICIES, state, path, remembered);

            assertThat(actual).isEqualTo(expected).doesNotContain("tenant-key-1234", "abcdefghijkl", "bob@");
            assertThat(remembered.paths()).isEqualTo(fresh.paths())
                    .contains("policySnapshot.files[" + file + "].content.exporters.datadog.api_key");
            assertThat(remembered.removedByRule()).isEqualTo(fresh.removedByRule());
            assertThat(remembered.redactionsByPattern()).isEqualTo(fresh.redactionsByPattern());
        }
        assertThat(memo.size()).isEqualTo(1);
    }

    @Test
    void anotherEventsLiteralSecretsAreAnotherEntry() {
        ConfigScrubMemo memo = new ConfigScrubMemo(8);
        String withoutLiteral = memo.scrub(scrubber, POLICIES, state, pathTo(0), new ScrubReport(List.of()));
        String withLiteral = memo.scrub(scrubber, POLICIES, state, pathTo(0),
                new ScrubReport(List.of("tenant-key-1234")));

        assertThat(withoutLiteral).contains("tenant-key-1234");
        assertThat(withLiteral).doesNotContain("tenant-key-1234");
        assertThat(memo.size()).isEqualTo(2);
    }

    @Test
    void literalsAbsentFromTheTextShareOneEntryAndChangeNothing() {
        ConfigScrubMemo memo = new ConfigScrubMemo(8);
        for (String literal : List.of("other-tenant-key-1", "other-tenant-key-2")) {
            ScrubReport fresh = new ScrubReport(List.of(literal));
            String expected = scrubber.scrub(POLICIES, state, pathTo(0), fresh);
            ScrubReport remembered = new ScrubReport(List.of(literal));
            assertThat(memo.scrub(scrubber, POLICIES, state, pathTo(0), remembered)).isEqualTo(expected);
            assertThat(remembered.paths()).isEqualTo(fresh.paths());
        }
        assertThat(memo.size()).isEqualTo(1);
    }

    @Test
    void aLiteralSpelledWithEscapesIsStillRedacted() {
        String escaped = "note: \"owner key tenant-\\x6Bey-1234\"\n";
        ConfigScrubMemo memo = new ConfigScrubMemo(8);
        memo.scrub(scrubber, escaped, state, pathTo(0), new ScrubReport(List.of()));
        String scrubbed = memo.scrub(scrubber, escaped, state, pathTo(0), new ScrubReport(List.of("tenant-key-1234")));
        assertThat(scrubbed).doesNotContain("tenant-key-1234").contains(PrivacyDefaults.MARKER);
    }

    @Test
    void unparseableTextIsDroppedAndReportedEveryTime() {
        ConfigScrubMemo memo = new ConfigScrubMemo(8);
        for (int i = 0; i < 2; i++) {
            ScrubReport report = new ScrubReport(List.of());
            assertThat(memo.scrub(scrubber, "key: [unclosed\n  - : :", state, pathTo(1), report)).isEmpty();
            assertThat(report.unparseableConfigs()).isEqualTo(1);
            assertThat(report.paths()).containsExactly("policySnapshot.files[1].content");
        }
    }

    @Test
    void theLeastRecentlyUsedFileIsForgottenFirst() {
        ConfigScrubMemo memo = new ConfigScrubMemo(2);
        for (String text : List.of("a: 1", "b: 2", "a: 1", "c: 3")) {
            memo.scrub(scrubber, text, state, pathTo(0), new ScrubReport(List.of()));
        }
        assertThat(memo.size()).isEqualTo(2);
    }

    private static FieldPath pathTo(int file) {
        FieldPath path = new FieldPath();
        path.push("policySnapshot");
        path.push("files");
        path.pushIndex(file);
        path.push("content");
        return path;
    }
}
