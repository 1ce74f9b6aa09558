package dev.lunar.telemetry.processor.privacy.detectors;

import java.util.List;

/**
 * The validated personal-data detectors DESIGN.md P3 requires, in the order the redactor runs them: payment cards,
 * IBANs, US social security numbers, phone numbers. Each validates what it finds (Luhn and issuer prefix, mod-97 and
 * country length, SSA numbering rules, libphonenumber's numbering plans), so plain numbers in telemetry survive; each
 * runs in time linear in the text. Phone numbers use {@link PhoneNumberDetector#DEFAULT_REGIONS} for national formats.
 */
public final class PersonalDataDetectors {

    public static final List<TextDetector> ALL = List.of(
            new PaymentCardDetector(), new IbanDetector(), new UsSsnDetector(), new PhoneNumberDetector());

    private PersonalDataDetectors() {
    }
}
