package dev.lunar.telemetry.processor.privacy.detectors;

import java.util.List;

/**
 * Payment card numbers (PANs): 13 to 19 digits, written compact ({@code 4111111111111111}) or in groups separated by
 * single spaces or single dashes, one kind per number ({@code 4111 1111 1111 1111}, {@code 3782 822463 10005}).
 * A candidate is reported only when it passes the Luhn check <em>and</em> starts with a known issuer prefix whose
 * scheme issues numbers of that length (see {@link #ISSUERS}), and it stands alone: no letter, digit or
 * {@code _} touches it, and no {@code .}/{@code ,} that joins it to another digit (so decimals and ids are left alone).
 *
 * <p>Grouped form: the first group has 4 digits, every further group 3 to 6 (covers 4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3).
 * In a longer run of groups ({@code qty 2 4111 1111 1111 1111 2026}) the longest valid window starting at a group
 * boundary is reported. Compact numbers must be a whole digit run.
 *
 * <p>Known limits: 12-digit Maestro numbers, numbers split by other characters ({@code 4111.1111…}, {@code 4111/…}) or
 * by several spaces, and numbers broken across lines are not detected. Conversely a 13–19 digit decimal identifier
 * that happens to carry an issuer prefix and pass Luhn (about 1 in 10 of those with such a prefix) is redacted.
 *
 * <p>Linear time: one pass over digit groups; from each group at most 6 following groups (19 digits) are examined.
 */
final class PaymentCardDetector implements TextDetector {

    static final String NAME = "payment-card";

    /** One issuer range: prefixes {@code low..high} of {@code digits} leading digits, allowed total lengths. */
    record IssuerRange(String scheme, int digits, int low, int high, int minLength, int maxLength, int[] only) {
        boolean accepts(int prefix, int length) {
            if (prefix < low || prefix > high || length < minLength || length > maxLength) {
                return false;
            }
            if (only.length == 0) {
                return true;
            }
            for (int allowed : only) {
                if (allowed == length) {
                    return true;
                }
            }
            return false;
        }
    }

    private static IssuerRange range(String scheme, int low, int high, int minLength, int maxLength, int... only) {
        return new IssuerRange(scheme, Integer.toString(low).length(), low, high, minLength, maxLength, only);
    }

    /**
     * Issuer identification number ranges (ISO/IEC 7812) of the major schemes, with the lengths each scheme issues.
     * Maestro's broad 50/56–69 ranges overlap Discover, UnionPay and JCB: any matching range makes the prefix known.
     */
    static final List<IssuerRange> ISSUERS = List.of(
            range("visa", 4, 4, 13, 19, 13, 16, 19),
            range("mastercard", 51, 55, 16, 16),
            range("mastercard", 2221, 2720, 16, 16),
            range("amex", 34, 34, 15, 15),
            range("amex", 37, 37, 15, 15),
            range("discover", 6011, 6011, 16, 19),
            range("discover", 644, 649, 16, 19),
            range("discover", 65, 65, 16, 19),
            range("jcb", 3528, 3589, 16, 19),
            range("diners", 300, 305, 14, 19),
            range("diners", 3095, 3095, 14, 19),
            range("diners", 36, 36, 14, 19),
            range("diners", 38, 39, 14, 19),
            range("unionpay", 62, 62, 16, 19),
            range("maestro", 50, 50, 13, 19),
            range("maestro", 56, 69, 13, 19),
            range("mir", 2200, 2204, 16, 19));

    static final int MIN_DIGITS = 13;
    static final int MAX_DIGITS = 19;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int minDigits() {
        return 13; // the shortest number detected
    }

    @Override
    public void find(String text, SpanSink out) {
        int n = text.length();
        // Groups of the current chain: digit runs joined by a single ' ' or '-'; separator[k] precedes group k.
        int[] starts = null;
        int[] ends = null;
        char[] separators = null;
        int i = 0;
        while (i < n) {
            if (!TokenEdges.isAsciiDigit(text.charAt(i)) || (i > 0 && TokenEdges.isAsciiDigit(text.charAt(i - 1)))) {
                i++;
                continue;
            }
            if (starts == null) { // at the first digit: most texts have none
                starts = new int[16];
                ends = new int[16];
                separators = new char[16];
            }
            int count = 0;
            int pos = i;
            char separator = 0;
            while (true) {
                int end = pos;
                while (end < n && TokenEdges.isAsciiDigit(text.charAt(end))) {
                    end++;
                }
                if (count == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, count * 2);
                    ends = java.util.Arrays.copyOf(ends, count * 2);
                    separators = java.util.Arrays.copyOf(separators, count * 2);
                }
                starts[count] = pos;
                ends[count] = end;
                separators[count] = separator;
                count++;
                if (end + 1 < n && (text.charAt(end) == ' ' || text.charAt(end) == '-')
                        && TokenEdges.isAsciiDigit(text.charAt(end + 1))) {
                    separator = text.charAt(end);
                    pos = end + 1;
                } else {
                    break;
                }
            }
            scanChain(text, starts, ends, separators, count, out);
            i = ends[count - 1];
        }
    }

    private static void scanChain(String text, int[] starts, int[] ends, char[] separators, int count, SpanSink out) {
        int k = 0;
        while (k < count) {
            int best = bestWindowEnd(text, starts, ends, separators, count, k);
            if (best >= 0) {
                out.span(starts[k], ends[best]);
                k = best + 1;
            } else {
                k++;
            }
        }
    }

    /** The last group of the longest valid card window starting at group {@code k}, or -1. */
    private static int bestWindowEnd(String text, int[] starts, int[] ends, char[] separators, int count, int k) {
        if (k == 0 && !TokenEdges.cleanStart(text, starts[0])) {
            return -1;
        }
        int best = -1;
        int digits = 0;
        for (int e = k; e < count; e++) {
            int length = ends[e] - starts[e];
            digits += length;
            if (digits > MAX_DIGITS) {
                break;
            }
            if (e > k) {
                boolean shaped = ends[k] - starts[k] == 4 && length >= 3 && length <= 6
                        && (e == k + 1 || separators[e] == separators[k + 1]);
                if (!shaped) {
                    break;
                }
            }
            boolean endsClean = e < count - 1 || TokenEdges.cleanEnd(text, ends[e]);
            if (digits >= MIN_DIGITS && endsClean && valid(text, starts, ends, k, e, digits)) {
                best = e;
            }
        }
        return best;
    }

    private static boolean valid(String text, int[] starts, int[] ends, int k, int e, int length) {
        char[] digits = new char[length];
        int d = 0;
        for (int g = k; g <= e; g++) {
            for (int p = starts[g]; p < ends[g]; p++) {
                digits[d++] = text.charAt(p);
            }
        }
        return hasKnownIssuer(digits) && passesLuhn(digits);
    }

    static boolean hasKnownIssuer(char[] digits) {
        for (IssuerRange issuer : ISSUERS) {
            int prefix = 0;
            for (int p = 0; p < issuer.digits(); p++) {
                prefix = prefix * 10 + (digits[p] - '0');
            }
            if (issuer.accepts(prefix, digits.length)) {
                return true;
            }
        }
        return false;
    }

    /** The Luhn (mod 10) check over all digits, the last one being the check digit. */
    static boolean passesLuhn(char[] digits) {
        int sum = 0;
        boolean doubled = false;
        for (int p = digits.length - 1; p >= 0; p--) {
            int v = digits[p] - '0';
            if (doubled) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
