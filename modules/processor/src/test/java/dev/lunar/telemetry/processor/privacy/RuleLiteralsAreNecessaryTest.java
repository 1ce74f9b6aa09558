package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A rule is skipped on text without its literals ({@link RedactionRule#triggers()}) or without a long enough run
 * ({@link RedactionRule#minRun()}), and a line-local rule only scans the lines holding them; that is only sound if
 * every match of the rule holds them, and a line-local rule's matches no line break
 * (beyond one first or last, used as context). Checked on every rule
 * against near misses generated from the credentials (cut, case-flipped, joined with noise), whose matches are
 * found by the rule's regex alone.
 */
class RuleLiteralsAreNecessaryTest {

    @Provide
    Arbitrary<String> nearMisses() {
        return NearMisses.of(NearMisses.credentialSeeds(), "aZ09:=@._-/\\\"' \n\u212A\u017F", 6, 3);
    }

    @Property(tries = 1000)
    void aRuleThatMatchesAlwaysFindsItsLiterals(@ForAll("nearMisses") String text) {
        for (RedactionRule rule : BuiltInRules.ALL) {
            Matcher m = rule.pattern().matcher(text);
            while (m.find()) {
                String match = m.group();
                assertThat(ValueRedactor.allows(rule, match)).as("%s on %s", rule.name(), match).isTrue();
                if (rule.lineLocal() && rule.minRun() == 0) {
                    // A line break first or last is only context (in a line's window, its start or end is too).
                    String inner = match.startsWith("\n") ? match.substring(1) : match;
                    assertThat(inner.endsWith("\n") ? inner.substring(0, inner.length() - 1) : inner)
                            .as("%s is scanned line by line", rule.name()).doesNotContain("\n");
                }
            }
        }
    }
}
