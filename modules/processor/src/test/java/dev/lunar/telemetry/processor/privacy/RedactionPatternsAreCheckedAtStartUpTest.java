package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.processor.ProcessorSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code processor.redaction-patterns} run on the linear-time engine: what it lacks stops start-up, saying why. */
class RedactionPatternsAreCheckedAtStartUpTest {

    private static ProcessorSettings withPattern(String name, String regex) {
        return ProcessorSettings.builder("127.0.0.1:9").redactionPatterns(Map.of(name, regex)).build();
    }

    @Test
    void lookaroundBackReferencesAndPossessiveQuantifiersAreRefusedWithTheFix() {
        assertThatThrownBy(() -> withPattern("ahead", "foo(?=bar)")).hasMessageStartingWith(
                "processor.redaction-patterns: redaction pattern 'ahead' uses lookahead or lookbehind")
                .hasMessageContaining("(?<secret>");
        assertThatThrownBy(() -> withPattern("behind", "(?<=id=)\\d+")).hasMessageContaining("lookbehind");
        assertThatThrownBy(() -> withPattern("again", "(a)\\1")).hasMessageContaining("back reference");
        assertThatThrownBy(() -> withPattern("greedy", "a++")).hasMessageContaining("possessive");
        assertThatThrownBy(() -> withPattern("bad", "(")).hasMessageContaining("is not a valid regex")
                .hasMessageContaining("RE2");
        assertThatThrownBy(() -> withPattern("empty", "a*")).hasMessageContaining("empty string");
        assertThatThrownBy(() -> withPattern("named", "(?<x>a)")).hasMessageContaining("only (?<secret>");
        assertThatThrownBy(() -> withPattern("email", "x")).hasMessageContaining("built-in");
    }

    @Test
    void aValidPatternRedactsOnlyItsSecretGroup() {
        ValueRedactor custom = ValueRedactor.of(ValueRedactor.withDefaults(Map.of("order-id", "ord=(?<secret>\\d+)")));
        ScrubReport report = ScrubReport.empty();
        assertThat(custom.redact("ord=123 ok", report)).isEqualTo("ord=[REDACTED] ok");
        assertThat(report.redactionsByPattern()).containsEntry("order-id", 1);
    }

    @Test
    void aPatternOfItsOwnRunsOnTextWithoutAnyBuiltInRulesLiteral() {
        // the built-in rules are all skipped on such text; a configured pattern (it has no literals) still runs
        ValueRedactor custom = ValueRedactor.of(ValueRedactor.withDefaults(Map.of("order-id", "order#(?<secret>\\d+)")));
        assertThat(custom.redact("order#123 ok", ScrubReport.empty())).isEqualTo("order#[REDACTED] ok");
    }
}
