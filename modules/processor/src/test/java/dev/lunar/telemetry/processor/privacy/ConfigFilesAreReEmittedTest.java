package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's regression: when the parsed tree had nothing to remove, the original text — comments included — was
 * forwarded. A configuration file is always re-emitted from its parsed tree now, and remembered scrubs answer with
 * that, never with the raw text.
 */
class ConfigFilesAreReEmittedTest {

    private static final String COMMENTED = """
            # old key sk_live_51H8xYzAbCdEfGhIjKlMnOpQr, ask ops@example.com
            policies:
              - name: retry   # owner jane.doe@example.org
                attempts: 3
            """;

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);
    private final ConfigFileScrubber scrubber = new ConfigFileScrubber(redactor);
    private final PathMatcher.State state = PathMatcher.of(PrivacyDefaults.DENYLIST).start();

    @Test
    void secretsAndAddressesInCommentsDoNotSurviveAndTheOutputIsTheReEmittedTree() throws Exception {
        String out = scrubber.scrub(COMMENTED, state, new FieldPath(), ScrubReport.empty());

        assertThat(out).doesNotContain("sk_live_", "ops@example.com", "jane.doe", "#");
        JsonNode parsed = new YAMLMapper().readTree(COMMENTED);
        assertThat(new YAMLMapper().readTree(out)).isEqualTo(parsed);
        assertThat(out).isEqualTo("policies:\n- name: retry\n  attempts: 3\n");
    }

    @Test
    void aFileWithNothingToRemoveIsStillNotReturnedAsIs() {
        String text = "a: 1\n";
        String out = scrubber.scrub(text, state, new FieldPath(), ScrubReport.empty());
        assertThat(out).isEqualTo("a: 1\n").isNotSameAs(text);
        assertThat(scrubber.scrub("# only a comment: password=hunter2\n", state, new FieldPath(),
                ScrubReport.empty())).isEmpty();
        assertThat(scrubber.scrub("  \n", state, new FieldPath(), ScrubReport.empty())).isEmpty();
    }

    @Test
    void theMemoAnswersWithTheReEmittedTextNeverTheRawOne() {
        ConfigScrubMemo memo = new ConfigScrubMemo(8);
        for (int i = 0; i < 3; i++) {
            String out = memo.scrub(scrubber, COMMENTED, state, new FieldPath(), new ScrubReport(List.of()));
            assertThat(out).isEqualTo("policies:\n- name: retry\n  attempts: 3\n");
        }
        assertThat(memo.size()).isEqualTo(1);
    }
}
