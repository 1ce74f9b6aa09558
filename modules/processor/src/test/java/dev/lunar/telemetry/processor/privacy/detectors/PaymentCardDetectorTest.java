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

class PaymentCardDetectorTest {

    private static final PaymentCardDetector CARDS = new PaymentCardDetector();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4012888888881881", "4222222222222",
            "4111 1111 1111 1111 110", "5555555555554444", "5105-1051-0510-5100", "2221000000000009",
            "2720 9900 0000 0007", "378282246310005", "3782 822463 10005", "371449635398431", "6011111111111117",
            "6011 0009 9013 9424", "6445644564456445", "6500000000000002", "3530111333300000", "3566 0020 2036 0505",
            "30569309025904", "3056 930902 5904", "38520000023237", "36227206271667", "6200000000000005",
            "6759649826438453", "5018000000000009", "6304000000000000", "2200000000000004"})
    void reportsEachSchemeCompactSpacedOrDashed(String number) {
        assertThat(found(CARDS, number)).containsExactly(number);
    }

    @Test
    void reportsTheNumberWhereverItStandsInTheText() {
        assertThat(found(CARDS, "4111 1111 1111 1111 was declined")).containsExactly("4111 1111 1111 1111");
        assertThat(found(CARDS, "charge failed for card 4111-1111-1111-1111 (visa)"))
                .containsExactly("4111-1111-1111-1111");
        assertThat(found(CARDS, "last card on file: 378282246310005")).containsExactly("378282246310005");
        assertThat(found(CARDS, "{\"pan\":\"5555555555554444\",\"exp\":\"12/29\"}")).containsExactly("5555555555554444");
        assertThat(found(CARDS, "payment:\n  card: 6011 0009 9013 9424\n  cvv: redacted"))
                .containsExactly("6011 0009 9013 9424");
        assertThat(found(CARDS, "card_number=4012888888881881&amount=12.50")).containsExactly("4012888888881881");
        assertThat(found(CARDS, "cards 4111111111111111, 5555555555554444."))
                .containsExactly("4111111111111111", "5555555555554444");
        assertThat(found(CARDS, "qty 2 4111 1111 1111 1111 2026")).containsExactly("4111 1111 1111 1111");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "4111 1111 1111 1112      | fails Luhn",
            "5555555555554445         | fails Luhn",
            "1234567812345670         | passes Luhn, no issuer starts with 1",
            "9900000000000002         | passes Luhn, no issuer starts with 99",
            "7200000000000003         | passes Luhn, no issuer starts with 72",
            "411111111111116          | Visa prefix, 15 digits",
            "3400000000000000         | Amex prefix, 16 digits",
            "510510510510515          | Mastercard prefix, 15 digits",
            "35301113333000           | JCB prefix, 14 digits",
            "41111111111111111111     | 20 digits",
            "ORD4111111111111111      | glued to letters",
            "4111111111111111x        | glued to letters",
            "94111111111111111        | inside a longer digit run",
            "0.4111111111111111       | a decimal fraction",
            "4111111111111111.5       | a decimal",
            "4111 1111-1111 1111      | mixed separators",
            "4111  1111  1111  1111   | double spaces",
            "41 11 11 11 11 11 11 11  | groups too short",
            "4111.1111.1111.1111      | dots are not card separators"})
    void ignoresNumbersThatAreNotCards(String text, String why) {
        assertThat(found(CARDS, text)).as(why).isEmpty();
    }

    @Provide
    Arbitrary<String> validCards() {
        Arbitrary<PaymentCardDetector.IssuerRange> issuer = Arbitraries.of(PaymentCardDetector.ISSUERS);
        return issuer.flatMap(range -> Combinators.combine(
                Arbitraries.integers().between(range.low(), range.high()),
                Arbitraries.integers().between(range.minLength(), range.maxLength())
                        .filter(length -> range.only().length == 0
                                || java.util.Arrays.stream(range.only()).anyMatch(l -> l == length)),
                Arbitraries.strings().numeric().ofLength(19),
                Arbitraries.of(Format.values())).as((prefix, length, filler, format) -> {
                    String body = (prefix + filler).substring(0, length - 1);
                    return format.apply(body + luhnCheckDigit(body));
                }));
    }

    /** How people write card numbers: compact, or groups of four whose last group takes a remainder of 1 or 2. */
    enum Format {
        COMPACT, SPACED, DASHED;

        String apply(String digits) {
            if (this == COMPACT) {
                return digits;
            }
            StringBuilder out = new StringBuilder();
            int p = 0;
            while (p < digits.length()) {
                int take = digits.length() - p - 4 < 3 ? digits.length() - p : 4;
                if (p > 0) {
                    out.append(this == SPACED ? ' ' : '-');
                }
                out.append(digits, p, p + take);
                p += take;
            }
            return out.toString();
        }
    }

    static char luhnCheckDigit(String body) {
        for (char d = '0'; d <= '9'; d++) {
            if (PaymentCardDetector.passesLuhn((body + d).toCharArray())) {
                return d;
            }
        }
        throw new AssertionError("no Luhn digit for " + body);
    }

    @Property(tries = 500)
    void reportsExactlyTheNumberOfAnyValidCardInAnyFormatAndPlace(@ForAll("placedCards") DetectedSpans.Placed placed) {
        assertThat(DetectedSpans.spans(CARDS, placed.text()))
                .singleElement().satisfies(span -> {
                    assertThat(span[0]).as(placed.text()).isEqualTo(placed.start());
                    assertThat(span[1]).as(placed.text()).isEqualTo(placed.end());
                });
    }

    @Provide
    Arbitrary<DetectedSpans.Placed> placedCards() {
        return DetectedSpans.placed(validCards());
    }

    @Property(tries = 500)
    void neverReportsBenignTelemetryTokens(@ForAll("benign") String text) {
        assertThat(found(CARDS, text)).isEmpty();
    }

    @Provide
    Arbitrary<String> benign() {
        return DetectedSpans.benignTokens();
    }

    @ParameterizedTest(name = "''{0}'' repeated to 1 MB")
    @ValueSource(strings = {"4111 ", "4111-", "4", "4111111111111111", "1 ", "4111 1111 1111 111 ", "0.4111 "})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void finishesOnAMegabyteOfAdversarialText(String unit) {
        assertThat(DetectedSpans.spans(CARDS, DetectedSpans.megabyteOf(unit))).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void findsEveryCardInAMegabyteOfCards() {
        String text = DetectedSpans.megabyteOf("4111 1111 1111 1111 ");
        assertThat(DetectedSpans.spans(CARDS, text)).hasSize(text.length() / 20);
    }
}
