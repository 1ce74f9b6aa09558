package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.processor.privacy.Credentials.Credential;
import com.google.re2j.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
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
        List<String> seeds = new ArrayList<>();
        for (Credential c : Credentials.BY_SHAPE) {
            seeds.add(c.text());
        }
        for (Credential c : Credentials.BY_NAME) {
            seeds.add(c.text() + "=" + c.secret());
            seeds.add(c.text() + ":\n  " + c.secret());
        }
        Arbitrary<String> seed = Arbitraries.of(seeds);
        Arbitrary<String> noise = Arbitraries.strings().withChars("aZ09:=@._-/\\\"' \n\u212A\u017F").ofMaxLength(6);
        return seed.list().ofMinSize(1).ofMaxSize(3).flatMap(parts -> noise.list().ofSize(parts.size())
                .flatMap(gaps -> Arbitraries.integers().between(0, 3).map(mode -> {
                    StringBuilder out = new StringBuilder();
                    for (int i = 0; i < parts.size(); i++) {
                        String p = parts.get(i);
                        p = switch (mode) {
                            case 1 -> p.toUpperCase(Locale.ROOT);
                            case 2 -> p.toLowerCase(Locale.ROOT);
                            case 3 -> p.substring(p.length() / 3);
                            default -> p;
                        };
                        out.append(gaps.get(i)).append(p);
                    }
                    return out.toString();
                })));
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
