package dev.lunar.telemetry.processor.privacy.detectors;

import static dev.lunar.telemetry.processor.privacy.detectors.DetectedSpans.found;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumberDetectorTest {

    private static final PhoneNumberDetector PHONES = new PhoneNumberDetector();
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "+44 20 7946 0958", "+442079460958", "+1-415-555-0132", "+1 (415) 555-0132", "+1.415.555.0132",
            "+44 (0) 20 7946 0958", "+33 1 23 45 67 89", "+49 30 1234567", "+972 3-123-4567", "+91 98765 43210",
            "0044 20 7946 0958", "011 44 20 7946 0958", "+14155550132"})
    void reportsInternationalNumbers(String number) {
        assertThat(found(PHONES, "call " + number + " now")).containsExactly(number);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "(415) 555-0132", "415-555-0132", "415.555.0132", "1-800-555-0199", "1 (415) 555-0132",
            "020 7946 0958", "01632 960123", "030 1234567", "030/1234567", "01 23 45 67 89", "01.23.45.67.89",
            "03-1234567", "050-123-4567", "98765 43210", "011 2345 6789"})
    void reportsNationalNumbersOfTheDefaultRegions(String number) {
        assertThat(found(PHONES, "call " + number + " now")).containsExactly(number);
    }

    @Test
    void reportsTheNumberWhereverItStandsInTheText() {
        assertThat(found(PHONES, "+44 20 7946 0958 called")).containsExactly("+44 20 7946 0958");
        assertThat(found(PHONES, "{\"phone\":\"+1-415-555-0132\"}")).containsExactly("+1-415-555-0132");
        assertThat(found(PHONES, "contact:\n  phone: (415) 555-0132\n")).containsExactly("(415) 555-0132");
        assertThat(found(PHONES, "phone=020 7946 0958&x=1")).containsExactly("020 7946 0958");
        assertThat(found(PHONES, "tel:+14155550132")).containsExactly("+14155550132");
        assertThat(found(PHONES, "(call 020 7946 0958)")).containsExactly("020 7946 0958");
        assertThat(found(PHONES, "a +44 20 7946 0958, b 415-555-0132."))
                .containsExactly("+44 20 7946 0958", "415-555-0132");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "version 1.2.3 and 10.4.1500                | versions",
            "at 2026-12-02T17:26:11Z                    | ISO timestamp",
            "at 2026-12-02 17:26:11,123 INFO            | log timestamp",
            "on 02.12.2026 and 12/02/2026 and 2026/12/02 | dates",
            "took 250ms, 1.5s, 17:26:11                  | durations and times",
            "listening on :8080 and 127.0.0.1:9092       | ports",
            "peer 192.168.100.200 and 10.0.0.1          | IP addresses",
            "order ORD-1234567 and #12345678            | order numbers",
            "requests=12345678 bytes=4155550132         | counters without separators",
            "status 503 after 3 retries                  | status codes",
            "id 123e4567-e89b-12d3-a456-426614174000     | UUID",
            "commit 4a1b2c3d9f and 0123456789abc         | hex commit ids",
            "sizes 512 256 1024                          | space-separated numbers shaped like a US number",
            "total 12 345 678 901                        | thousands groups",
            "ratio 0.123456 0.654321                     | decimals",
            "host ip-10-0-12-34.ec2.internal             | host names",
            "+1 555                                      | too short",
            "+44 20 79                                   | too short for its country",
            "415 555 0132                                | US digits with spaces only and no +1",
            "x020 7946 0958                              | glued to a word",
            "020 7946 0958x                              | glued to a word",
            "ORD-020 7946 0958                           | the tail of an identifier"})
    void ignoresTelemetryThatIsNotAPhoneNumber(String text, String why) {
        assertThat(found(PHONES, text)).as(why).isEmpty();
    }

    @Test
    void recognisesNationalFormatsOnlyOfTheConfiguredRegions() {
        PhoneNumberDetector germanOnly = new PhoneNumberDetector(List.of("de"));
        assertThat(germanOnly.regions()).containsExactly("DE");
        assertThat(found(germanOnly, "030 1234567")).containsExactly("030 1234567");
        assertThat(found(germanOnly, "(415) 555-0132")).isEmpty();
        assertThat(found(germanOnly, "+1 (415) 555-0132")).as("international formats need no region")
                .containsExactly("+1 (415) 555-0132");
    }

    @Test
    void refusesAnUnknownRegionNamingIt() {
        assertThatThrownBy(() -> new PhoneNumberDetector(List.of("US", "UK")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'UK'").hasMessageContaining("GB");
        assertThatThrownBy(() -> new PhoneNumberDetector(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    /** libphonenumber's own example numbers for every region, fixed line and mobile, as people write them. */
    @Provide
    Arbitrary<String> exampleNumbers() {
        List<String> forms = new ArrayList<>();
        for (String region : new TreeSet<>(UTIL.getSupportedRegions())) {
            for (PhoneNumberType type : List.of(PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE)) {
                PhoneNumber number = UTIL.getExampleNumberForType(region, type);
                if (number == null) {
                    continue;
                }
                forms.add(UTIL.format(number, PhoneNumberFormat.INTERNATIONAL));
                forms.add(UTIL.format(number, PhoneNumberFormat.E164));
                if (PhoneNumberDetector.DEFAULT_REGIONS.contains(region)) {
                    forms.add(UTIL.format(number, PhoneNumberFormat.NATIONAL));
                }
            }
        }
        return Arbitraries.of(forms.stream().filter(Objects::nonNull)
                .filter(f -> f.length() <= PhoneNumberDetector.MAX_CANDIDATE_CHARS).toList());
    }

    @Provide
    Arbitrary<DetectedSpans.Placed> placedNumbers() {
        return DetectedSpans.placed(exampleNumbers());
    }

    @Property(tries = 1000)
    void reportsExactlyTheExampleNumberOfAnyRegionInAnyPlace(@ForAll("placedNumbers") DetectedSpans.Placed placed) {
        assertThat(DetectedSpans.spans(PHONES, placed.text())).singleElement().satisfies(span -> {
            assertThat(span[0]).as(placed.text()).isEqualTo(placed.start());
            assertThat(span[1]).as(placed.text()).isEqualTo(placed.end());
        });
    }

    @Property(tries = 1000)
    void neverReportsBenignTelemetryTokens(@ForAll("benign") String text) {
        assertThat(found(PHONES, text)).isEmpty();
    }

    @Provide
    Arbitrary<String> benign() {
        return DetectedSpans.benignTokens();
    }

    @ParameterizedTest(name = "''{0}'' repeated to 1 MB")
    @ValueSource(strings = {"+1 ", "4111 ", "4111 1111 1111 1111 ", "1 ", "12 ", "0123 4567 ", "1-", "(0", "0.1 ",
            "+1 2 ", "00 ", "(415) ", "123-45-6789 "})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void finishesOnAMegabyteOfAdversarialText(String unit) {
        assertThat(DetectedSpans.spans(PHONES, DetectedSpans.megabyteOf(unit))).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'' repeated to 1 MB")
    @ValueSource(strings = {"+1 415 555 0132 ", "020 7946 0958, "})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void findsEveryNumberInAMegabyteOfNumbers(String unit) {
        String text = DetectedSpans.megabyteOf(unit);
        assertThat(DetectedSpans.spans(PHONES, text)).hasSize(text.length() / unit.length());
    }
}
