package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.processor.privacy.Credentials.Credential;
import dev.lunar.telemetry.processor.privacy.detectors.PersonalDataDetectors;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A redactor remembers the short texts it found clean ({@link CleanTexts}); remembering must never change what it
 * returns: the same text, redacted by a redactor that has seen it (and many others) before, comes out exactly as from
 * a fresh one — including the event's own literal secrets, which are not part of what is remembered.
 */
class RememberedCleanTextsTest {

    /** A tenant's API key of no shape any rule knows: only the event's literal finds it. */
    private static final String API_KEY = "marmalade-orbit";

    private final ValueRedactor seasoned = redactor();

    private static ValueRedactor redactor() {
        return ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS, PersonalDataDetectors.ALL);
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> benign = Arbitraries.of("eu-west-1", "v2.14.3", "proxy-17", "ip-10-0-3-7.internal",
                "GET /v1/customers", "status ok", "retry 3 of 5", "ORD-48213", "2026-12-03T10:00:00Z", "payments",
                "order 4111 shipped", "+ 12 items", "user 42");
        Arbitrary<String> secret = Arbitraries.of(Credentials.BY_SHAPE).map(Credential::text);
        Arbitrary<String> personal = Arbitraries.of("card 4111 1111 1111 1111", "ssn 123-45-6789",
                "call +44 20 7946 0958", "IBAN DE89 3704 0044 0532 0130 00", "key " + API_KEY);
        return Arbitraries.oneOf(benign, secret, personal).list().ofMinSize(1).ofMaxSize(3)
                .map(parts -> String.join(" ", parts));
    }

    @Property(tries = 500)
    void rememberingNeverChangesTheOutput(@ForAll("values") String text, @ForAll("values") String other,
                                          @ForAll boolean withLiteral) {
        List<String> literals = withLiteral ? List.of(API_KEY) : List.of();
        seasoned.redact(text, ScrubReport.empty()); // seen before, without the literal
        seasoned.redact(other, new ScrubReport(literals));

        ScrubReport fromMemory = new ScrubReport(literals);
        ScrubReport fresh = new ScrubReport(literals);
        assertThat(seasoned.redact(text, fromMemory)).isEqualTo(redactor().redact(text, fresh));
        assertThat(fromMemory.redactionsByPattern()).isEqualTo(fresh.redactionsByPattern());
    }

    @Test
    void aRememberedTextStillLosesTheEventsLiteralSecret() {
        String text = "tenant key " + API_KEY + " rotated";
        assertThat(seasoned.redact(text, ScrubReport.empty())).isSameAs(text); // nothing any rule knows: remembered
        ScrubReport report = new ScrubReport(List.of(API_KEY));
        assertThat(seasoned.redact(text, report)).doesNotContain(API_KEY).contains(PrivacyDefaults.MARKER);
        assertThat(report.redactionsByPattern()).containsEntry(ValueRedactor.LITERAL_RULE, 1);
    }

    @Test
    void aRememberedTextStillHonoursTheBudget() {
        String text = "region eu-west-1";
        seasoned.redact(text, ScrubReport.empty());
        ScrubReport spent = new ScrubReport(List.of(), ScrubBudget.startingNow(Duration.ZERO));
        assertThatThrownBy(() -> seasoned.redact(text, spent)).isInstanceOf(ScrubBudget.Exceeded.class);
    }

    @Test
    void onlyShortTextsAreRememberedAndASlotKeepsTheLatest() {
        CleanTexts one = new CleanTexts(1);
        one.remember("eu-west-1");
        assertThat(one.contains("eu-west-1")).isTrue();
        one.remember("us-east-2");
        assertThat(one.contains("us-east-2")).isTrue();
        assertThat(one.contains("eu-west-1")).isFalse();

        String long_ = "region eu-west-1 ".repeat(CleanTexts.MAX_LENGTH / 10);
        one.remember(long_);
        assertThat(one.contains(long_)).isFalse();
        assertThat(one.contains("us-east-2")).isTrue();
    }
}
