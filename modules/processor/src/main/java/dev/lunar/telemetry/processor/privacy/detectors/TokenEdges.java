package dev.lunar.telemetry.processor.privacy.detectors;

/**
 * Where a detected value may begin and end: the detectors report a number only when it stands alone, not when it is
 * the tail of an identifier ({@code ORD4111…}), a decimal fraction ({@code 0.4111…}) or a longer digit run.
 * Looks at most two characters beyond the candidate, which keeps every detector's lookahead bounded.
 */
final class TokenEdges {

    private TokenEdges() {
    }

    /** Letters, digits and {@code _} continue a word: a value touching one is part of something longer. */
    static boolean isWordChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * True when the value starting at {@code start} is not glued to what precedes it: no word character right before
     * it, and no {@code .} or {@code ,} that itself follows a digit (as in {@code 3.1415…} or {@code 1,234…}).
     */
    static boolean cleanStart(String text, int start) {
        if (start == 0) {
            return true;
        }
        char before = text.charAt(start - 1);
        if (isWordChar(before)) {
            return false;
        }
        return !((before == '.' || before == ',') && start >= 2 && isAsciiDigit(text.charAt(start - 2)));
    }

    /** The mirror of {@link #cleanStart}: nothing glued to the value's end at {@code end} (exclusive). */
    static boolean cleanEnd(String text, int end) {
        if (end >= text.length()) {
            return true;
        }
        char after = text.charAt(end);
        if (isWordChar(after)) {
            return false;
        }
        return !((after == '.' || after == ',') && end + 1 < text.length() && isAsciiDigit(text.charAt(end + 1)));
    }
}
