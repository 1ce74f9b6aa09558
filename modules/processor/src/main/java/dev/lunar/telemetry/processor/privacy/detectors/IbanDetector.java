package dev.lunar.telemetry.processor.privacy.detectors;

import java.util.Map;

/**
 * International bank account numbers (ISO 13616): two upper-case letters naming a country of the IBAN registry, two
 * check digits and the country's BBAN (upper-case letters and digits), either compact ({@code DE89370400440532013000})
 * or in groups of four separated by single spaces, the last group shorter ({@code DE89 3704 0044 0532 0130 00}).
 * A candidate is reported only when its length is exactly the registry length for its country
 * ({@link #LENGTHS}) and it passes the ISO 7064 mod-97 check (remainder 1), and nothing alphanumeric touches it.
 *
 * <p>Known limits: lower-case IBANs (the standard's electronic format is upper case; accepting lower case would let
 * hex ids such as {@code be…} span ids through to the checksum), other groupings ({@code DE 89 370…},
 * dashes), and countries outside the registry table are not detected.
 *
 * <p>Linear time: a candidate starts only at a token start; each start looks ahead at most 34 characters plus 8
 * spaces.
 */
final class IbanDetector implements TextDetector {

    static final String NAME = "iban";

    /** IBAN length per country, from the SWIFT IBAN registry. */
    static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BI", 27),
            Map.entry("BR", 29), Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28),
            Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
            Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FK", 18),
            Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22), Map.entry("GI", 23),
            Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HN", 28), Map.entry("HR", 21),
            Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26),
            Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28),
            Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21),
            Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MN", 20), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NI", 28),
            Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("OM", 23), Map.entry("PK", 24), Map.entry("PL", 28),
            Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22),
            Map.entry("RU", 33), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SD", 18), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("SO", 23), Map.entry("ST", 25),
            Map.entry("SV", 28), Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29),
            Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("YE", 30));

    /** Countries indexed by their two letters, so the scan needs no string allocation: 0 = not in the registry. */
    private static final byte[] LENGTH_BY_CODE = new byte[26 * 26];

    static {
        LENGTHS.forEach((code, length) ->
                LENGTH_BY_CODE[(code.charAt(0) - 'A') * 26 + code.charAt(1) - 'A'] = (byte) (int) length);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int minDigits() {
        return 2; // the check digits
    }

    @Override
    public void find(String text, SpanSink out) {
        int n = text.length();
        int i = 0;
        while (i + 4 <= n) {
            int length = countryLength(text, i);
            if (length > 0 && TokenEdges.cleanStart(text, i)) {
                int end = compactEnd(text, i, length);
                if (end < 0) {
                    end = groupedEnd(text, i, length);
                }
                if (end > 0) {
                    out.span(i, end);
                    i = end;
                    continue;
                }
            }
            i++;
        }
    }

    /** The registry length when {@code text} has a country code and two digits at {@code i}, else 0. */
    private static int countryLength(String text, int i) {
        char a = text.charAt(i);
        char b = text.charAt(i + 1);
        if (!isUpper(a) || !isUpper(b)
                || !TokenEdges.isAsciiDigit(text.charAt(i + 2)) || !TokenEdges.isAsciiDigit(text.charAt(i + 3))) {
            return 0;
        }
        return LENGTH_BY_CODE[(a - 'A') * 26 + b - 'A'];
    }

    private static int compactEnd(String text, int start, int length) {
        int end = start + length;
        if (end > text.length()) {
            return -1;
        }
        for (int p = start + 4; p < end; p++) {
            if (!isIbanChar(text.charAt(p))) {
                return -1;
            }
        }
        return TokenEdges.cleanEnd(text, end) && checksumHolds(text, start, end)
                ? end : -1;
    }

    /** Groups of four after the first four characters, one space before each; the last group has 1 to 4. */
    private static int groupedEnd(String text, int start, int length) {
        int n = text.length();
        int p = start + 4;
        int taken = 4;
        while (taken < length) {
            if (p >= n || text.charAt(p) != ' ') {
                return -1;
            }
            p++;
            int group = Math.min(4, length - taken);
            for (int g = 0; g < group; g++, p++) {
                if (p >= n || !isIbanChar(text.charAt(p))) {
                    return -1;
                }
            }
            taken += group;
        }
        return TokenEdges.cleanEnd(text, p) && checksumHolds(text, start, p) ? p : -1;
    }

    /** ISO 7064 mod 97-10 over the BBAN, then country code and check digits; letters count A=10 … Z=35. */
    static boolean checksumHolds(String text, int start, int end) {
        int remainder = 0;
        remainder = mod97(text, start + 4, end, remainder);
        remainder = mod97(text, start, start + 4, remainder);
        return remainder == 1;
    }

    private static int mod97(String text, int from, int to, int remainder) {
        for (int p = from; p < to; p++) {
            char c = text.charAt(p);
            if (c == ' ') {
                continue;
            }
            int value = TokenEdges.isAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = (value < 10 ? remainder * 10 + value : remainder * 100 + value) % 97;
        }
        return remainder;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isIbanChar(char c) {
        return isUpper(c) || TokenEdges.isAsciiDigit(c);
    }
}
