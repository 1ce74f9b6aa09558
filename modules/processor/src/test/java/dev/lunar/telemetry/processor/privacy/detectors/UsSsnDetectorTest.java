package dev.lunar.telemetry.processor.privacy.detectors;

import static dev.lunar.telemetry.processor.privacy.detectors.DetectedSpans.found;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UsSsnDetectorTest {

    private static final UsSsnDetector SSNS = new UsSsnDetector();

    @Test
    void reportsDashedAndSpacedNumbersAnywhere() {
        assertThat(found(SSNS, "123-45-6789")).containsExactly("123-45-6789");
        assertThat(found(SSNS, "applicant 536 22 1234 verified")).containsExactly("536 22 1234");
        assertThat(found(SSNS, "{\"ssn\":\"665-12-3456\"}")).containsExactly("665-12-3456");
        assertThat(found(SSNS, "holder:\n  tax_id: 899-99-9999\n")).containsExactly("899-99-9999");
        assertThat(found(SSNS, "id=001-01-0001&x=1")).containsExactly("001-01-0001");
        assertThat(found(SSNS, "ids 123-45-6789, 536-22-1234.")).containsExactly("123-45-6789", "536-22-1234");
    }

    @Test
    void reportsCompactNumbersOnlyNearAnSsnContextWord() {
        assertThat(found(SSNS, "ssn=123456789")).containsExactly("123456789");
        assertThat(found(SSNS, "{\"ssn\": \"536221234\"}")).containsExactly("536221234");
        assertThat(found(SSNS, "userSsn: 536221234")).containsExactly("536221234");
        assertThat(found(SSNS, "SSN#536221234")).containsExactly("536221234");
        assertThat(found(SSNS, "Social Security number is 536221234")).containsExactly("536221234");
        assertThat(found(SSNS, "social_security_no=536221234")).containsExactly("536221234");
        assertThat(found(SSNS, "order 536221234 shipped")).isEmpty();
        assertThat(found(SSNS, "business id 536221234")).as("'ssn' inside a word is no context").isEmpty();
        assertThat(found(SSNS, "ssn present; then a long unrelated stretch of words, 536221234"))
                .as("context word too far away").isEmpty();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "000-12-3456 | area 000",
            "666-12-3456 | area 666",
            "900-12-3456 | area 9xx",
            "987-65-4321 | area 9xx (advertising)",
            "123-00-4567 | group 00",
            "123-45-0000 | serial 0000",
            "078-05-1120 | Woolworth wallet number",
            "219-09-9999 | SSA pamphlet number",
            "123-45 6789 | mixed separators",
            "123.45.6789 | dots",
            "1-123-45-6789 | inside a longer dashed number",
            "123-45-6789-0 | inside a longer dashed number",
            "x123-45-6789 | glued to a word",
            "123-45-67890 | serial too long",
            "ssn 000000000 | invalid compact",
            "ssn 1234567890 | ten digits"})
    void ignoresInvalidNumbers(String text, String why) {
        assertThat(found(SSNS, text)).as(why).isEmpty();
    }

    @Provide
    Arbitrary<String> validSsns() {
        Arbitrary<Integer> area = Arbitraries.integers().between(1, 899).filter(a -> a != 666);
        return Combinators.combine(area, Arbitraries.integers().between(1, 99), Arbitraries.integers().between(1, 9999),
                        Arbitraries.of("-", " "))
                .as((a, g, s, sep) -> String.format("%03d%s%02d%s%04d", a, sep, g, sep, s))
                .filter(ssn -> !ssn.matches("078.05.1120|219.09.9999"));
    }

    @Provide
    Arbitrary<DetectedSpans.Placed> placedSsns() {
        return DetectedSpans.placed(validSsns());
    }

    @Property(tries = 500)
    void reportsExactlyAnyValidFormattedSsn(@ForAll("placedSsns") DetectedSpans.Placed placed) {
        assertThat(DetectedSpans.spans(SSNS, placed.text())).singleElement().satisfies(span -> {
            assertThat(span[0]).as(placed.text()).isEqualTo(placed.start());
            assertThat(span[1]).as(placed.text()).isEqualTo(placed.end());
        });
    }

    @Property(tries = 300)
    void reportsAnyValidCompactSsnAfterAContextWord(@ForAll("validSsns") String ssn,
            @ForAll("contextWords") String context) {
        String compact = ssn.replaceAll("[- ]", "");
        assertThat(found(SSNS, context + compact + " ok")).containsExactly(compact);
    }

    @Provide
    Arbitrary<String> contextWords() {
        return Arbitraries.of("ssn=", "SSN: ", "\"ssn\":\"", "customer_ssn ", "Social Security No. ", "socialSecurity=");
    }

    @Property(tries = 500)
    void neverReportsBenignTelemetryTokens(@ForAll("benign") String text) {
        assertThat(found(SSNS, text)).isEmpty();
    }

    @Provide
    Arbitrary<String> benign() {
        return DetectedSpans.benignTokens();
    }

    @ParameterizedTest(name = "''{0}'' repeated to 1 MB")
    @ValueSource(strings = {"123-", "123-45-", "1-", "ssn ", "ssn 12345678 ", "000-00-0000 ", "12 "})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void finishesOnAMegabyteOfAdversarialText(String unit) {
        assertThat(DetectedSpans.spans(SSNS, DetectedSpans.megabyteOf(unit))).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void findsEveryNumberInAMegabyteOfSsns() {
        String text = DetectedSpans.megabyteOf("ssn 123456789 ");
        assertThat(DetectedSpans.spans(SSNS, text)).hasSize(text.length() / 14);
    }
}
