package dev.lunar.telemetry.processor.privacy.detectors;

import static dev.lunar.telemetry.processor.privacy.detectors.DetectedSpans.found;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
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

class IbanDetectorTest {

    private static final IbanDetector IBANS = new IbanDetector();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19",
            "GB29NWBK60161331926819", "FR14 2004 1010 0505 0001 3M02 606", "NL91 ABNA 0417 1643 00",
            "BE68 5390 0754 7034", "CH93 0076 2011 6238 5295 7", "ES91 2100 0418 4502 0005 1332",
            "IT60 X054 2811 1010 0000 0123 456", "NO93 8601 1117 947", "IL62 0108 0000 0009 9999 999",
            "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "SE45 5000 0000 0583 9825 7466", "AT61 1904 3002 3457 3201",
            "PL61 1090 1014 0000 0712 1981 2874", "IE29 AIBK 9311 5212 3456 78",
            "LC55 HEMM 0001 0001 0012 0012 0002 3015", "SA03 8000 0000 6080 1016 7519"})
    void reportsIbansOfManyCountriesCompactOrInGroupsOfFour(String iban) {
        assertThat(found(IBANS, iban)).containsExactly(iban);
    }

    @Test
    void reportsTheIbanWhereverItStandsInTheText() {
        assertThat(found(IBANS, "refund to DE89 3704 0044 0532 0130 00 failed")).containsExactly(
                "DE89 3704 0044 0532 0130 00");
        assertThat(found(IBANS, "{\"iban\":\"GB29NWBK60161331926819\"}")).containsExactly("GB29NWBK60161331926819");
        assertThat(found(IBANS, "payout:\n  iban: NL91 ABNA 0417 1643 00\n")).containsExactly("NL91 ABNA 0417 1643 00");
        assertThat(found(IBANS, "iban=BE68539007547034&ccy=EUR")).containsExactly("BE68539007547034");
        assertThat(found(IBANS, "DE89370400440532013000, GB29NWBK60161331926819."))
                .containsExactly("DE89370400440532013000", "GB29NWBK60161331926819");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "DE89 3704 0044 0532 0130 01      | fails mod-97",
            "DE88370400440532013000           | fails mod-97",
            "DE89 3704 0044 0532 0130 0       | one character short for DE",
            "DE8937040044053201300000         | longer than DE's 22",
            "GB29 NWBK 6016 1331 9268 1       | short for GB",
            "XX89370400440532013000           | no such registry country",
            "US64SVBKUS6S3300958879           | the US has no IBAN",
            "de89370400440532013000           | lower case",
            "xDE89370400440532013000          | glued to a word",
            "DE89370400440532013000x          | glued to a word",
            "DE89 37040044 0532 0130 00       | not in groups of four",
            "DE89-3704-0044-0532-0130-00      | dashes"})
    void ignoresWhatIsNotAValidIban(String text, String why) {
        assertThat(found(IBANS, text)).as(why).isEmpty();
    }

    @Provide
    Arbitrary<String> validIbans() {
        Arbitrary<String> country = Arbitraries.of(List.copyOf(IbanDetector.LENGTHS.keySet()));
        return country.flatMap(code -> Combinators.combine(
                Arbitraries.strings().withCharRange('A', 'Z').numeric().ofLength(IbanDetector.LENGTHS.get(code) - 4),
                Arbitraries.of(true, false)).as((bban, grouped) -> {
                    String iban = code + checkDigits(code, bban) + bban;
                    return grouped ? String.join(" ", iban.split("(?<=\\G.{4})")) : iban;
                }));
    }

    /** ISO 13616 check digits: 98 minus (BBAN + country + "00" read as a number, letters as 10..35) mod 97. */
    static String checkDigits(String country, String bban) {
        StringBuilder numeric = new StringBuilder();
        for (char c : (bban + country + "00").toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        int check = 98 - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
        return String.format("%02d", check);
    }

    @Provide
    Arbitrary<DetectedSpans.Placed> placedIbans() {
        return DetectedSpans.placed(validIbans());
    }

    @Property(tries = 500)
    void reportsExactlyAnyValidIbanOfAnyRegistryCountry(@ForAll("placedIbans") DetectedSpans.Placed placed) {
        assertThat(DetectedSpans.spans(IBANS, placed.text())).singleElement().satisfies(span -> {
            assertThat(span[0]).as(placed.text()).isEqualTo(placed.start());
            assertThat(span[1]).as(placed.text()).isEqualTo(placed.end());
        });
    }

    @Property(tries = 300)
    void aChangedCharacterBreaksTheChecksum(@ForAll("validIbans") String iban,
            @ForAll("positions") int position, @ForAll("digitShifts") int shift) {
        String compact = iban.replace(" ", "");
        int at = 4 + position % (compact.length() - 4);
        char c = compact.charAt(at);
        char changed = Character.isDigit(c) ? (char) ('0' + (c - '0' + shift) % 10) : (char) ('A' + (c - 'A' + shift) % 26);
        String broken = compact.substring(0, at) + changed + compact.substring(at + 1);
        assertThat(found(IBANS, broken)).as(broken).isEmpty();
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 1000);
    }

    @Provide
    Arbitrary<Integer> digitShifts() {
        return Arbitraries.integers().between(1, 9);
    }

    @Property(tries = 500)
    void neverReportsBenignTelemetryTokens(@ForAll("benign") String text) {
        assertThat(found(IBANS, text)).isEmpty();
    }

    @Provide
    Arbitrary<String> benign() {
        return DetectedSpans.benignTokens();
    }

    @ParameterizedTest(name = "''{0}'' repeated to 1 MB")
    @ValueSource(strings = {"DE89 ", "DE89", "DE", "DE89 3704 ", "GB29 NWBK ", "AA00 ", "LC55 HEMM 0001 0001 0012 "})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void finishesOnAMegabyteOfAdversarialText(String unit) {
        assertThat(DetectedSpans.spans(IBANS, DetectedSpans.megabyteOf(unit))).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void findsEveryIbanInAMegabyteOfIbans() {
        String text = DetectedSpans.megabyteOf("DE89 3704 0044 0532 0130 00, ");
        assertThat(DetectedSpans.spans(IBANS, text)).hasSize(text.length() / 29);
    }
}
