package dev.lunar.telemetry.datadog;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Datadog's tag syntax and the names that must never leave as a tag, attribute or environment variable (P3), as
 * plain functions: they run for every tag and attribute of every record, so they are char loops, proven equal to the
 * regexes they replaced by {@code TagNormalisationPropertyTest}.
 */
final class TagRules {

    /** Names that must never leave as a tag, attribute or environment variable, whatever the processor did (P3). */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile(
            "(?i).*(api[_.-]?key|apikey|token|secret|passw|pwd|credential|auth|cookie|session|private[_.-]?key).*");
    /** Longest Datadog tag; longer ones are cut. */
    static final int TAG_MAX_CHARS = 200;

    private TagRules() {}

    /**
     * {@code key:value} lower-cased ({@link Locale#ROOT}), every code point outside {@code [a-z0-9_:./-]} replaced by
     * {@code _}, cut to {@value #TAG_MAX_CHARS} characters.
     */
    static String tag(String key, String value) {
        return normaliseTag((key + ":" + (value == null ? "" : value)).toLowerCase(Locale.ROOT));
    }

    /**
     * Replaces every code point of {@code t} outside {@code [a-z0-9_:./-]} by {@code _} (a surrogate pair is one code
     * point, a lone surrogate too) and cuts the result to {@value #TAG_MAX_CHARS} characters: what
     * {@code Pattern.compile("[^a-z0-9_:./-]").matcher(t).replaceAll("_")} did, without a regex.
     */
    static String normaliseTag(String t) {
        int n = t.length();
        int i = 0;
        while (i < n && legalTagChar(t.charAt(i))) {
            i++;
        }
        if (i == n) {
            return n > TAG_MAX_CHARS ? t.substring(0, TAG_MAX_CHARS) : t;
        }
        StringBuilder b = new StringBuilder(n);
        b.append(t, 0, i);
        while (i < n && b.length() < TAG_MAX_CHARS) {
            char c = t.charAt(i);
            if (legalTagChar(c)) {
                b.append(c);
                i++;
            } else {
                b.append('_');
                i += Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(t.charAt(i + 1)) ? 2 : 1;
            }
        }
        return b.length() > TAG_MAX_CHARS ? b.substring(0, TAG_MAX_CHARS) : b.toString();
    }

    private static boolean legalTagChar(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '.' || c == '/'
                || c == '-';
    }

    /**
     * Whether {@code name} looks like a credential: it contains, ignoring ASCII case, one of {@code api[_.-]?key},
     * {@code apikey}, {@code token}, {@code secret}, {@code passw}, {@code pwd}, {@code credential}, {@code auth},
     * {@code cookie}, {@code session}, {@code private[_.-]?key}. The same answer as the regex
     * {@code (?i).*(...).*} matched against the whole name, which is why a name with a line terminator (that
     * {@code .} does not match) goes to that regex.
     */
    static boolean isCredentialName(String name) {
        if (name == null) {
            return false;
        }
        int n = name.length();
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return CREDENTIAL_NAME.matcher(name).matches();
            }
        }
        for (int i = 0; i < n; i++) {
            switch (lowerAscii(name.charAt(i))) {
                case 'a' -> {
                    if (at(name, i, "auth") || at(name, i, "apikey") || at(name, i, "api") && n - i >= 7
                            && isKeySeparator(name.charAt(i + 3)) && at(name, i + 4, "key")) {
                        return true;
                    }
                }
                case 't' -> {
                    if (at(name, i, "token")) {
                        return true;
                    }
                }
                case 's' -> {
                    if (at(name, i, "secret") || at(name, i, "session")) {
                        return true;
                    }
                }
                case 'p' -> {
                    if (at(name, i, "passw") || at(name, i, "pwd") || at(name, i, "privatekey")
                            || at(name, i, "private") && n - i >= 11 && isKeySeparator(name.charAt(i + 7))
                            && at(name, i + 8, "key")) {
                        return true;
                    }
                }
                case 'c' -> {
                    if (at(name, i, "credential") || at(name, i, "cookie")) {
                        return true;
                    }
                }
                default -> { }
            }
        }
        return false;
    }

    private static boolean isKeySeparator(char c) {
        return c == '_' || c == '.' || c == '-';
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** Whether {@code s} has {@code lower} (lower-case ASCII) at {@code from}, ignoring ASCII case. */
    private static boolean at(String s, int from, String lower) {
        int len = lower.length();
        if (from + len > s.length()) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            if (lowerAscii(s.charAt(from + j)) != lower.charAt(j)) {
                return false;
            }
        }
        return true;
    }
}
