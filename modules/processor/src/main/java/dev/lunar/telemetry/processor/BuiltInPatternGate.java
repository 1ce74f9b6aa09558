package dev.lunar.telemetry.processor;

/**
 * A cheap necessary condition for {@link PrivacyDefaults#REDACTION_PATTERNS}: when {@link #mayMatch} is false, none of
 * the built-in patterns can match anywhere in the text, so the regex scan — which tries a 14-way alternation at every
 * character and cost ~75 % of the processor's time — can be skipped. It never decides that something <em>is</em> a
 * secret; a true answer just means "run the patterns". {@code BuiltInPatternGateTest} checks, pattern by pattern on
 * generated near-misses, that every text a built-in pattern finds something in passes the gate. Change this class
 * together with the patterns.
 *
 * <p>What each pattern needs (its cheapest unavoidable part):
 * <ul>
 *   <li>url-credentials, email: an {@code @};
 *   <li>private-key-block: {@code -----BEGIN}; jwt: {@code eyJ}; slack-token: {@code xox};
 *       live-test-key: {@code _live_} or {@code _test_}; github-token: {@code gh?_} or {@code github_pat_};
 *   <li>bearer-token, basic-credentials: the word, in any case;
 *   <li>aws-access-key: a run of at least {@value #KEY_ID_RUN} characters from {@code [A-Z0-9]};
 *   <li>google-api-key, long-hex, base64-secret: a run of at least {@value #LONG_RUN} characters from {@code [A-Za-z0-9_+-]};
 *   <li>secret-assignment: a {@code :} or {@code =} and one of its keywords' stems, in any case.
 * </ul>
 */
final class BuiltInPatternGate {

    static final int LONG_RUN = 32;
    static final int KEY_ID_RUN = 20;

    private BuiltInPatternGate() {}

    static boolean mayMatch(CharSequence text) {
        int length = text.length();
        int run = 0;
        int upperRun = 0;
        boolean assignment = false;
        boolean keyword = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (isRunChar(c)) {
                if (++run >= LONG_RUN) {
                    return true;
                }
            } else {
                run = 0;
            }
            if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                if (++upperRun >= KEY_ID_RUN) {
                    return true;
                }
            } else {
                upperRun = 0;
            }
            switch (c) {
                case '@':
                    return true;
                case ':':
                case '=':
                    assignment = true;
                    break;
                case '-':
                    if (startsWith(text, i, "-----BEGIN")) {
                        return true;
                    }
                    break;
                case '_':
                    if (startsWith(text, i, "_live_") || startsWith(text, i, "_test_")) {
                        return true;
                    }
                    break;
                default:
                    break;
            }
            if (c == 'e' && startsWith(text, i, "eyJ") || c == 'x' && startsWith(text, i, "xox")
                    || c == 'g' && isGithubPrefix(text, i)) {
                return true;
            }
            switch (asciiLower(c)) {
                case 'b':
                    if (startsWithIgnoreCase(text, i, "bearer") || startsWithIgnoreCase(text, i, "basic")) {
                        return true;
                    }
                    break;
                case 'p':
                    keyword |= startsWithIgnoreCase(text, i, "pass") || startsWithIgnoreCase(text, i, "pwd");
                    break;
                case 's':
                    keyword |= startsWithIgnoreCase(text, i, "secret") || startsWithIgnoreCase(text, i, "session")
                            || startsWithIgnoreCase(text, i, "signature");
                    break;
                case 't':
                    keyword |= startsWithIgnoreCase(text, i, "token");
                    break;
                case 'k':
                    keyword |= startsWithIgnoreCase(text, i, "key");
                    break;
                case 'c':
                    keyword |= startsWithIgnoreCase(text, i, "credential") || startsWithIgnoreCase(text, i, "cookie");
                    break;
                case 'a':
                    keyword |= startsWithIgnoreCase(text, i, "auth");
                    break;
                default:
                    break;
            }
            if (assignment && keyword) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGithubPrefix(CharSequence text, int at) {
        return startsWith(text, at, "github_pat_") || startsWith(text, at, "gh") && text.length() - at >= 4
                && "pousr".indexOf(text.charAt(at + 2)) >= 0 && text.charAt(at + 3) == '_';
    }

    private static boolean isRunChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '+'
                || c == '-';
    }

    /**
     * The ASCII letter {@code c} folds to, lower case, or {@code c}. Characters outside ASCII that fold to an ASCII
     * letter (the Kelvin sign, the long s, dotless i...) are folded too, so the gate stays a superset of what the
     * patterns' case-insensitive matching could accept.
     */
    private static char asciiLower(char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        char folded = Character.toLowerCase(Character.toUpperCase(c));
        return folded < 128 ? folded : c;
    }

    private static boolean startsWith(CharSequence text, int at, String prefix) {
        if (text.length() - at < prefix.length()) {
            return false;
        }
        for (int j = 0; j < prefix.length(); j++) {
            if (text.charAt(at + j) != prefix.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithIgnoreCase(CharSequence text, int at, String lowerPrefix) {
        if (text.length() - at < lowerPrefix.length()) {
            return false;
        }
        for (int j = 0; j < lowerPrefix.length(); j++) {
            if (asciiLower(text.charAt(at + j)) != lowerPrefix.charAt(j)) {
                return false;
            }
        }
        return true;
    }
}
