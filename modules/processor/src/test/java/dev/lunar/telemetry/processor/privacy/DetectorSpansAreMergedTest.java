package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.processor.privacy.detectors.TextDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TextDetector}s plug into the redactor: their spans and the rules' are merged (overlaps become one marker,
 * counted once under the first span's rule) and each is counted under its name.
 */
class DetectorSpansAreMergedTest {

    /** A real detector for the test: runs of exactly 12 digits (think of a made-up account number). */
    static final class TwelveDigits implements TextDetector {
        @Override
        public String name() {
            return "twelve-digits";
        }

        @Override
        public void find(String text, SpanSink out) {
            int run = 0;
            for (int i = 0; i <= text.length(); i++) {
                if (i < text.length() && Character.isDigit(text.charAt(i))) {
                    run++;
                } else {
                    if (run == 12) {
                        out.span(i - 12, i);
                    }
                    run = 0;
                }
            }
        }
    }

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS,
            List.of(new TwelveDigits()));

    @Test
    void detectorSpansAreRedactedAndCountedByTheDetectorsName() {
        ScrubReport report = ScrubReport.empty();
        assertThat(redactor.redact("acct 123456789012 and 1234 ok", report)).isEqualTo("acct [REDACTED] and 1234 ok");
        assertThat(report.redactionsByPattern()).containsExactlyEntriesOf(java.util.Map.of("twelve-digits", 1));
        assertThat(redactor.names()).endsWith("twelve-digits");
    }

    @Test
    void overlappingSpansOfRulesAndDetectorsBecomeOneMarker() {
        ScrubReport report = ScrubReport.empty();
        String out = redactor.redact("pin token=123456789012xyz end", report);
        assertThat(out).isEqualTo("pin token=[REDACTED] end");
        assertThat(report.redactionsByPattern()).containsOnlyKeys("secret-assignment");
    }

    @Test
    void aDetectorFindingInAKeyMakesTheKeyASecret() {
        assertThat(redactor.containsSecret("user-123456789012", ScrubReport.empty())).isTrue();
        assertThat(redactor.containsSecret("user-1234", ScrubReport.empty())).isFalse();
    }
}
