package dev.lunar.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * {@link BuiltInPatternGate} may only skip texts no built-in pattern matches: checked per pattern and on the whole
 * redaction, on texts assembled from the patterns' own fragments and near-misses (where a wrong gate would show).
 */
class BuiltInPatternGateTest {

    private static final List<String> FRAGMENTS = List.of(
            "@", ":", "=", " ", "  ", "\t", "\n", ",", ";", "&", "/", "\"", "'", ".", "-", "_", "+", "==",
            "://", "user:pw@", "bob@example.com", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
            "-----BEGIN", "eyJ", "eyJhbGciOi", "xox", "xoxb-", "_live_", "_test_", "sk", "pk", "Bearer ", "bEaReR\t",
            "BASIC ", "basic", "password", "PassWd", "pwd", "passphrase", "secret", "token", "api_key", "api-key",
            "apikey", "ACCESS_KEY", "private-key", "session_id", "sessionid", "cookie", "signature", "auth",
            "credential", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "gh_", "github_pat_", "AIza", "\u212Aey", "\u017Fecret", "\u0131",
            "\u0130", "to\u212Aen", "caf\u00e9", "GET /v1/charges", "status 200", "took 35ms", "level=info");

    private static final List<Pattern> EACH_BUILT_IN = PrivacyDefaults.REDACTION_PATTERNS.values().stream()
            .map(Pattern::compile).toList();
    private static final List<String> NAMES = List.copyOf(PrivacyDefaults.REDACTION_PATTERNS.keySet());

    private static final ValueRedactor GATED = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);
    private static final ValueRedactor UNGATED = ValueRedactor.ungated(PrivacyDefaults.REDACTION_PATTERNS);

    @Provide
    Arbitrary<String> nearMisses() {
        Arbitrary<String> fragment = Arbitraries.of(FRAGMENTS);
        Arbitrary<String> run = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric()
                .withChars("_+-").ofMinLength(1).ofMaxLength(40);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(8).ofMaxLength(40);
        Arbitrary<String> keyId = Arbitraries.strings().withCharRange('A', 'Z').numeric().ofMinLength(4).ofMaxLength(24);
        Arbitrary<String> keyShaped = Arbitraries.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "AKIA",
                "AIza", "sk_live_", "rk_test_", "xoxb-", "eyJ").flatMap(prefix -> Arbitraries.strings()
                .withCharRange('a', 'z').withCharRange('A', 'Z').numeric().ofMinLength(12).ofMaxLength(36)
                .map(body -> prefix + body));
        Arbitrary<String> piece = Arbitraries.frequencyOf(Tuple.of(6, fragment), Tuple.of(3, run), Tuple.of(1, hex),
                Tuple.of(1, keyId), Tuple.of(2, keyShaped));
        return piece.list().ofMinSize(1).ofMaxSize(12).map(pieces -> String.join("", pieces));
    }

    @Property(tries = 3000)
    void theGateKeepsEveryPatternThatMatches(@ForAll("nearMisses") String text) {
        int possible = BuiltInPatternGate.possibleMatches(text);
        for (int i = 0; i < EACH_BUILT_IN.size(); i++) {
            if (EACH_BUILT_IN.get(i).matcher(text).find()) {
                assertThat(possible & (1 << i)).as("%s matches %s", NAMES.get(i), text).isNotZero();
            }
        }
    }

    @Property(tries = 3000)
    void gatedRedactionEqualsTheFullScan(@ForAll("nearMisses") String text) {
        ScrubReport gatedReport = new ScrubReport(List.of());
        ScrubReport fullReport = new ScrubReport(List.of());
        assertThat(GATED.redact(text, gatedReport)).isEqualTo(UNGATED.redact(text, fullReport));
        assertThat(GATED.containsSecret(text, gatedReport)).isEqualTo(UNGATED.containsSecret(text, fullReport));
    }

    @Property(tries = 1000)
    void extraPatternsStillApplyToTextsTheGateSkips(@ForAll("nearMisses") String text) {
        Map<String, String> withExtra = ValueRedactor.withDefaults(Map.of("order-id", "ord[0-9]{2}|\\bcaf"));
        String gated = ValueRedactor.of(withExtra).redact(text, new ScrubReport(List.of()));
        assertThat(gated).isEqualTo(ValueRedactor.ungated(withExtra).redact(text, new ScrubReport(List.of())));
        assertThat(ValueRedactor.of(withExtra).redact("order ord42 ok", new ScrubReport(List.of())))
                .isEqualTo("order " + PrivacyDefaults.MARKER + " ok");
    }

    @Test
    void ordinaryTelemetryTextSkipsTheScan() {
        for (String text : List.of("GET /v1/charges 200 in 35ms", "upstream connect error after 3 retries",
                "api.stripe.com", "eu-west-1", "cache hit ratio 0.93", "POST /v2/payment_intents/{id}/confirm", "lunar-interceptor-python",
                "k8s-ap-southeast-2-3", "request zhXuEby0fPN3djq6ugQw from consumer svc-billing")) {
            assertThat(BuiltInPatternGate.possibleMatches(text)).as(text).isZero();
        }
        for (String text : List.of("Authorization: Bearer abcdef123", "mail bob@example.com", "token=abc",
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "AKIAIOSFODNN7EXAMPLE", "x eyJhbGciOi.eyJzdWIiOi.c2ln")) {
            assertThat(Integer.bitCount(BuiltInPatternGate.possibleMatches(text))).as(text).isBetween(1, 4);
        }
    }
}
