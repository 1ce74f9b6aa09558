package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.processor.privacy.Credentials.Credential;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Most rules are tried only where their matches can start ({@link RedactionRule.Start}) instead of being searched
 * for. That is only sound if every match the search finds starts there: shown by redacting generated text both ways —
 * each rule as built in, and the same rule searched everywhere — and requiring the same output and the same counts.
 * The text mixes every credential and secret-ish key with noise that breaks words and keys where a start rule could
 * go wrong (word characters before a literal, keys with dots and dashes, case-folded literals, line breaks, quotes).
 */
class MatchStartsAreKnownTest {

    private static final ValueRedactor AS_BUILT = ValueRedactor.ofRules(BuiltInRules.ALL);
    private static final ValueRedactor SEARCHING = ValueRedactor.ofRules(BuiltInRules.ALL.stream()
            .map(rule -> rule.startingAt(RedactionRule.Start.ANYWHERE)).toList());

    @Provide
    Arbitrary<String> texts() {
        List<String> seeds = new ArrayList<>(NearMisses.credentialSeeds());
        for (Credential c : Credentials.BY_NAME) {
            seeds.add("\"" + c.text() + "\": \"" + c.secret() + "\"");
        }
        seeds.addAll(List.of("password", "db.password=", "x-api-key: ", "token", "Authorization: Bearer ",
                "://", "@", "sk_live_", "user@example.com", "key sk_live_", "-----BEGIN", "basic ", "heroku_api=",
                "dd_api_key=", "AccountKey=", "secret_access_key = ", "sk_test_", "9rk_live_", "abcdefghi_live_",
                "x_test_", "whsec_", "Xwhsec_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7", "==", "https://",
                "https://u:p@h", "u:p@", "@example.com", "@-x.io", "@a", ".io"));
        return NearMisses.of(seeds, "aZ09:=@._-/\\\"' \n\t;,\u212A\u017F\u000B\u00A0", 5, 4);
    }

    @Property(tries = 3000)
    void triedAtTheirStartsTheRulesFindWhatTheSearchFinds(@ForAll("texts") String text) {
        assertSameRedaction(text);
    }

    @Example
    void keysRunningIntoTheValueBeforeThemAndRepeatedNearMisses() {
        assertSameRedaction("password=abc.token=def x.api_key=1 -password- .secret:2");
        assertSameRedaction("token=a'b.password=c");
        assertSameRedaction("://a:b".repeat(2000) + "@h");
        assertSameRedaction("xpassword=1 _token=2 9key=3 Bearer_x bearer abcdefgh xbearer abcdefgh");
        assertSameRedaction("ke\u212Ay=value pa\u017F\u017Fword: hunter22");
        assertSameRedaction("sk_live_abcdefghij1 zzzzzzzzz_test_abcdefgh1 _live_abcdefghij whsec_" + "a".repeat(20));
        assertSameRedaction("AKIAZ7Q2EXAMPLEK3Y4B://postgres://app:S3cr3tPw@db.internal:5432/app");
        assertSameRedaction("https://\u000Buser:pw@host https://\u00A0user:pw@host");
        String run = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7";
        assertSameRedaction(run + "=" + run + "==" + run + " x" + run + "\n" + run);
    }

    private static void assertSameRedaction(String text) {
        ScrubReport expected = ScrubReport.empty();
        ScrubReport actual = ScrubReport.empty();
        String searched = SEARCHING.redact(text, expected);
        assertThat(AS_BUILT.redact(text, actual)).as("redaction of %s", text).isEqualTo(searched);
        assertThat(actual.redactionsByPattern()).as("counts for %s", text).isEqualTo(expected.redactionsByPattern());
    }
}
