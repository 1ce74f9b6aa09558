package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatternsTest {

    private static boolean removes(PathMatcher matcher, String path) {
        PathMatcher.State state = matcher.start();
        for (String segment : path.split("\\.")) {
            state = state.step(segment);
        }
        return state.removes();
    }

    @Test
    void doubleStarMatchesAnyDepthAndStarOneSegment() {
        PathMatcher m = PathMatcher.of(List.of("**.api_key", "heartbeat.environment.*SECRET*", "proxyLog.*.x"));
        assertThat(removes(m, "heartbeat.tags.api_key")).isTrue();
        assertThat(removes(m, "policySnapshot.files.content.a.b.API_KEY")).isTrue();
        assertThat(removes(m, "heartbeat.tags.api_keys")).isFalse();
        assertThat(removes(m, "heartbeat.environment.aws_secret_key")).isTrue();
        assertThat(removes(m, "heartbeat.tags.aws_secret_key")).isFalse();
        assertThat(removes(m, "proxyLog.attributes.x")).isTrue();
        assertThat(removes(m, "proxyLog.attributes.y.x")).isFalse();
    }

    @Test
    void globsMatchWithinOneSegmentCaseInsensitively() {
        FieldPattern.Segment glob = FieldPattern.Segment.glob("*SeCrEt*key");
        assertThat(glob.matches("aws_secret_access_key")).isTrue();
        assertThat(glob.matches("secretkey")).isTrue();
        assertThat(glob.matches("secret_keys")).isFalse();
        assertThat(FieldPattern.Segment.glob("a*b*c").matches("abc")).isTrue();
        assertThat(FieldPattern.Segment.glob("a*b*c").matches("ac")).isFalse();
    }

    @Test
    void badPatternsAreRefusedWithAnExplanation() {
        assertThatThrownBy(() -> FieldPattern.parse("**..x")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> FieldPattern.parse("**")).hasMessageContaining("every field");
        assertThatThrownBy(() -> FieldPattern.parse("a.b**")).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> FieldPattern.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void eachDefaultRedactionPatternReplacesItsSecretByTheMarkerOnly() {
        ValueRedactor r = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);
        Map<String, String> cases = Map.ofEntries(
                Map.entry("auth Bearer abcdef.ghijkl-123", "auth [REDACTED]"),
                Map.entry("jwt eyJhbGciOi.eyJzdWIiOi.c2ln end", "jwt [REDACTED] end"),
                Map.entry("key sk_live_4eC39HqLyjWDarjtT1zdp7dc", "key [REDACTED]"),
                Map.entry("aws AKIAIOSFODNN7EXAMPLE", "aws [REDACTED]"),
                Map.entry("gh ghp_1234567890abcdefghijABCDEFGHIJ", "gh [REDACTED]"),
                Map.entry("db postgres://bob:hunter2@db:5432/x", "db postgres://[REDACTED]@db:5432/x"),
                Map.entry("password=hunter2&user=bob", "password=[REDACTED]&user=bob"),
                Map.entry("{\"api_key\": \"abc\"}", "{\"api_key\": [REDACTED]}"),
                Map.entry("Authorization: Bearer xyz", "Authorization: [REDACTED]"),
                Map.entry("mail jane.doe@example.com now", "mail [REDACTED] now"),
                Map.entry("dd 0123456789abcdef0123456789abcdef", "dd [REDACTED]"),
                Map.entry("blob dGhpc0lzQVZlcnlMb25nU2VjcmV0VmFsdWUxMjM0NTY=", "blob [REDACTED]"),
                Map.entry("plain GET /v1/customers/{id} -> 200 in 31ms", "plain GET /v1/customers/{id} -> 200 in 31ms"));
        cases.forEach((in, expected) -> {
            ScrubReport report = ScrubReport.empty();
            assertThat(r.redact(in, report)).as(in).isEqualTo(expected);
        });
    }

    @Test
    void redactionsAreCountedPerPattern() {
        ValueRedactor r = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);
        ScrubReport report = ScrubReport.empty();
        r.redact("a@b.io c@d.io AKIAIOSFODNN7EXAMPLE", report);
        assertThat(report.redactionsByPattern()).containsEntry("email", 2).containsEntry("aws-access-key", 1);
    }

    @Test
    void customRedactionPatternsAreCheckedAtStartUp() {
        assertThatThrownBy(() -> ValueRedactor.of(ValueRedactor.withDefaults(Map.of("email", "x"))))
                .hasMessageContaining("built-in");
        assertThatThrownBy(() -> ValueRedactor.check("bad", "(")).hasMessageContaining("not a valid regex");
        assertThatThrownBy(() -> ValueRedactor.check("empty", "a*")).hasMessageContaining("empty string");
        assertThatThrownBy(() -> ValueRedactor.check("named", "(?<x>a)")).hasMessageContaining("only (?<secret>");
        ValueRedactor custom = ValueRedactor.of(Map.of("order-id", "ord=(?<secret>\\d+)"));
        assertThat(custom.redact("ord=123 ok", ScrubReport.empty())).isEqualTo("ord=[REDACTED] ok");
    }
}
