package dev.lunar.telemetry.processor.privacy.detectors;

/**
 * US social security numbers: {@code AAA-GG-SSSS} or {@code AAA GG SSSS} (one separator kind per number), and a
 * compact 9-digit run only when an SSN context word ({@code ssn}, {@code social security}, also written
 * {@code social_security}, {@code social-security}, {@code socialsecurity}) ends within {@value #CONTEXT_WINDOW}
 * characters before it ({@code "ssn": "123456789"}, {@code SSN=123456789}) — bare 9-digit runs are far more often
 * counts, ids and amounts. {@code ssn} counts only as a word of its own or a camel-case part ({@code userSsn}), not
 * inside words such as {@code business}.
 *
 * <p>Rules of the SSA's numbering: area not 000, 666 or 900–999 (never issued; 9xx are ITINs and advertising
 * numbers); group not 00; serial not 0000; and the two numbers known to be invalid from misuse and advertising,
 * 078-05-1120 and 219-09-9999, are not reported. Nothing alphanumeric may touch the number, nor a separator that
 * joins it to more digits ({@code 1-123-45-6789}, {@code 123-45-6789-0}).
 *
 * <p>Known limits: other separators ({@code 123.45.6789}, {@code 123/45/6789}), compact numbers without a context word
 * nearby, and context words in other languages are not detected.
 *
 * <p>Linear time: a candidate starts only where a digit run starts, looks ahead 11 characters and, when compact,
 * back {@value #CONTEXT_WINDOW}; candidates do not overlap, so each character is looked at a bounded number of times.
 */
final class UsSsnDetector implements TextDetector {

    static final String NAME = "us-ssn";

    /** How far before a compact 9-digit run its context word may end. */
    static final int CONTEXT_WINDOW = 24;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int minDigits() {
        return 9; // AAA-GG-SSSS
    }

    @Override
    public void find(String text, SpanSink out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!TokenEdges.isAsciiDigit(text.charAt(i)) || (i > 0 && TokenEdges.isAsciiDigit(text.charAt(i - 1)))) {
                i++;
                continue;
            }
            int end = formattedEnd(text, i);
            if (end < 0) {
                end = compactEnd(text, i);
            }
            if (end > 0) {
                out.span(i, end);
                i = end;
            } else {
                i++;
            }
        }
    }

    /** End of {@code AAA-GG-SSSS} / {@code AAA GG SSSS} starting at {@code start}, or -1. */
    private static int formattedEnd(String text, int start) {
        int n = text.length();
        if (start + 11 > n) {
            return -1;
        }
        char separator = text.charAt(start + 3);
        if ((separator != '-' && separator != ' ') || text.charAt(start + 6) != separator) {
            return -1;
        }
        if (!digits(text, start, 3) || !digits(text, start + 4, 2) || !digits(text, start + 7, 4)) {
            return -1;
        }
        int end = start + 11;
        if (!TokenEdges.cleanStart(text, start) || !TokenEdges.cleanEnd(text, end)
                || joinedBefore(text, start, separator) || joinedAfter(text, end, separator)) {
            return -1;
        }
        return validParts(text, start, start + 4, start + 7) ? end : -1;
    }

    /** End of a 9-digit run at {@code start} that has an SSN context word before it, or -1. */
    private static int compactEnd(String text, int start) {
        int end = start + 9;
        if (end > text.length() || !digits(text, start, 9)
                || !TokenEdges.cleanStart(text, start) || !TokenEdges.cleanEnd(text, end)) {
            return -1;
        }
        return validParts(text, start, start + 3, start + 5) && hasContextBefore(text, start) ? end : -1;
    }

    private static boolean joinedBefore(String text, int start, char separator) {
        return start >= 2 && (text.charAt(start - 1) == separator || text.charAt(start - 1) == '-')
                && TokenEdges.isAsciiDigit(text.charAt(start - 2));
    }

    private static boolean joinedAfter(String text, int end, char separator) {
        return end + 1 < text.length() && (text.charAt(end) == separator || text.charAt(end) == '-')
                && TokenEdges.isAsciiDigit(text.charAt(end + 1));
    }

    private static boolean digits(String text, int from, int count) {
        for (int p = from; p < from + count; p++) {
            if (!TokenEdges.isAsciiDigit(text.charAt(p))) {
                return false;
            }
        }
        return true;
    }

    private static int number(String text, int from, int count) {
        int value = 0;
        for (int p = from; p < from + count; p++) {
            value = value * 10 + text.charAt(p) - '0';
        }
        return value;
    }

    private static boolean validParts(String text, int areaAt, int groupAt, int serialAt) {
        int area = number(text, areaAt, 3);
        int group = number(text, groupAt, 2);
        int serial = number(text, serialAt, 4);
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        // Woolworth's wallet-insert number (078-05-1120) and the 1962 Social Security Board pamphlet's (219-09-9999).
        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }

    /** True when {@code ssn} or {@code social security} ends within {@link #CONTEXT_WINDOW} chars before start. */
    static boolean hasContextBefore(String text, int start) {
        int from = Math.max(0, start - CONTEXT_WINDOW - "social security".length());
        for (int p = from; p < start; p++) {
            int ssnEnd = ssnAt(text, p);
            if (ssnEnd > 0 && start - ssnEnd <= CONTEXT_WINDOW) {
                return true;
            }
            int socialEnd = socialSecurityAt(text, p);
            if (socialEnd > 0 && start - socialEnd <= CONTEXT_WINDOW && socialEnd <= start) {
                return true;
            }
        }
        return false;
    }

    private static int ssnAt(String text, int p) {
        if (p + 3 > text.length() || !text.regionMatches(true, p, "ssn", 0, 3)) {
            return -1;
        }
        boolean ownWord = (p == 0 || !Character.isLetter(text.charAt(p - 1)) || Character.isUpperCase(text.charAt(p)))
                && (p + 3 == text.length() || !Character.isLowerCase(text.charAt(p + 3)));
        // "userSsn" is a camel-case word; "business" is not an SSN.
        return ownWord ? p + 3 : -1;
    }

    private static int socialSecurityAt(String text, int p) {
        if (p + 6 > text.length() || !text.regionMatches(true, p, "social", 0, 6)) {
            return -1;
        }
        int q = p + 6;
        if (q < text.length() && (text.charAt(q) == ' ' || text.charAt(q) == '_' || text.charAt(q) == '-')) {
            q++;
        }
        return q + 8 <= text.length() && text.regionMatches(true, q, "security", 0, 8) ? q + 8 : -1;
    }
}
