package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redaction reads each text a bounded number of times, whatever it holds: counted through {@link BudgetedText}
 * (characters read per character of text do not grow from 8 KB to 1 MB), not timed. Issue 11: "a.b.c....@" took
 * 8.9 s at 32 KB and over 10 minutes at 300 KB on the backtracking engine.
 */
class RedactionIsLinearTest {

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);

    /** Near misses that made a backtracking engine quadratic, and text with matches everywhere. */
    static final List<String> UNITS = List.of(
            "a.b.c.d.",                              // dotted words, the text ends in '@'
            "aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgHiJ ", // long runs without a digit (base64 near miss)
            "password= ",                            // keys without values
            "token:\n",                              // YAML keys ending their lines
            "x@y.zz token=abc ",                     // matches everywhere
            "postgres://u:p@",                       // URL credentials without a host
            "-----BEGIN PRIVATE KEY----- ");         // key blocks that never end

    private static String text(String unit, int size) {
        StringBuilder out = new StringBuilder(size);
        while (out.length() < size - 1) {
            out.append(unit);
        }
        out.setLength(size - 1);
        return out.append('@').toString();
    }

    @Test
    void charactersReadPerCharacterDoNotGrowWithTheText() {
        for (String unit : UNITS) {
            double small = (double) redactor.charactersRead(text(unit, 8 * 1024)) / (8 * 1024);
            double large = (double) redactor.charactersRead(text(unit, 1024 * 1024)) / (1024 * 1024);
            assertThat(large).as("reads per character of '%s' at 1 MB (%.1f at 8 KB)", unit, small)
                    .isLessThanOrEqualTo(small * 1.5 + 1);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMegabyteOfTheIssuesNearMissesIsRedactedAtAll() {
        for (String unit : UNITS.subList(0, 3)) {
            String text = text(unit, 1024 * 1024);
            String out = redactor.redact(text, ScrubReport.empty());
            assertThat(out).isNotNull();
        }
    }
}
