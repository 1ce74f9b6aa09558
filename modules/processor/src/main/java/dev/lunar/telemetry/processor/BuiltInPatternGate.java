package dev.lunar.telemetry.processor;

import java.util.ArrayList;
import java.util.List;

/**
 * Cheap necessary conditions for {@link PrivacyDefaults#REDACTION_PATTERNS}: {@link #possibleMatches} answers, in one
 * pass over the text, which built-in patterns could match anywhere in it. A pattern left out cannot match, so the
 * regex scan — a 14-way alternation tried at every character, ~75 % of the processor's time before this gate — runs
 * only with the patterns that could (and not at all for most telemetry text). It never decides that something
 * <em>is</em> a secret. {@code BuiltInPatternGateTest} checks, pattern by pattern on generated near-misses, that
 * whenever a pattern finds something its bit is set. Change this class together with the patterns: an unknown
 * built-in name stops the class from loading.
 *
 * <p>What each pattern needs (its cheapest unavoidable part):
 * <ul>
 *   <li>url-credentials, email: an {@code @};
 *   <li>private-key-block: {@code -----BEGIN}; jwt: {@code eyJ}; slack-token: {@code xox};
 *       live-test-key: {@code _live_} or {@code _test_}; github-token: {@code gh?_} or {@code github_pat_};
 *   <li>bearer-token, basic-credentials: the word, in any case;
 *   <li>aws-access-key: a run of at least {@value #KEY_ID_RUN} characters from {@code [A-Z0-9]};
 *   <li>google-api-key, long-hex, base64-secret: a run of at least {@value #LONG_RUN} characters from
 *       {@code [A-Za-z0-9_+-]};
 *   <li>secret-assignment: a {@code :} or {@code =} and one of its keywords' stems, in any case.
 * </ul>
 */
final class BuiltInPatternGate {

    static final int LONG_RUN = 32;
    static final int KEY_ID_RUN = 20;

    private static final int PRIVATE_KEY = bit("private-key-block");
    private static final int URL_CREDENTIALS = bit("url-credentials");
    private static final int JWT = bit("jwt");
    private static final int BEARER = bit("bearer-token");
    private static final int BASIC = bit("basic-credentials");
    private static final int LIVE_TEST_KEY = bit("live-test-key");
    private static final int AWS = bit("aws-access-key");
    private static final int GITHUB = bit("github-token");
    private static final int SLACK = bit("slack-token");
    private static final int GOOGLE = bit("google-api-key");
    private static final int ASSIGNMENT = bit("secret-assignment");
    private static final int EMAIL = bit("email");
    private static final int LONG_HEX = bit("long-hex");
    private static final int BASE64 = bit("base64-secret");
    /** Every built-in pattern's bit. */
    static final int ALL = (1 << PrivacyDefaults.REDACTION_PATTERNS.size()) - 1;

    static {
        int covered = PRIVATE_KEY | URL_CREDENTIALS | JWT | BEARER | BASIC | LIVE_TEST_KEY | AWS | GITHUB | SLACK
                | GOOGLE | ASSIGNMENT | EMAIL | LONG_HEX | BASE64;
        if (covered != ALL) {
            throw new IllegalStateException("BuiltInPatternGate has no condition for some of "
                    + PrivacyDefaults.REDACTION_PATTERNS.keySet() + "; add one with the new pattern");
        }
    }

    /** Character classes of ASCII, for the one pass. */
    private static final byte RUN = 1;
    private static final byte KEY_ID = 2;
    private static final byte TRIGGER = 4;
    private static final byte[] ASCII = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            boolean upperOrDigit = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            boolean run = upperOrDigit || c >= 'a' && c <= 'z' || c == '_' || c == '+' || c == '-';
            ASCII[c] = (byte) ((run ? RUN : 0) | (upperOrDigit ? KEY_ID : 0) | ("@:=-_Jxb".indexOf(c) >= 0
                    || c == 'B' ? TRIGGER : 0));
        }
    }

    private BuiltInPatternGate() {}

    private static int bit(String name) {
        List<String> names = new ArrayList<>(PrivacyDefaults.REDACTION_PATTERNS.keySet());
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalStateException("built-in redaction pattern '" + name + "' is gone; update "
                    + "BuiltInPatternGate together with PrivacyDefaults.REDACTION_PATTERNS");
        }
        return 1 << index;
    }

    /** Bit {@code i} set: built-in pattern {@code i} (in {@link PrivacyDefaults#REDACTION_PATTERNS} order) may match. */
    static int possibleMatches(String text) {
        int length = text.length();
        int possible = 0;
        int run = 0;
        int keyIdRun = 0;
        boolean assignment = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 128) {
                run = 0;
                keyIdRun = 0;
                continue;
            }
            byte kind = ASCII[c];
            if ((kind & RUN) != 0) {
                if (++run == LONG_RUN) {
                    possible |= GOOGLE | LONG_HEX | BASE64;
                }
                if ((kind & KEY_ID) != 0) {
                    if (++keyIdRun == KEY_ID_RUN) {
                        possible |= AWS;
                    }
                } else {
                    keyIdRun = 0;
                }
            } else {
                run = 0;
                keyIdRun = 0;
            }
            if ((kind & TRIGGER) != 0) {
                switch (c) {
                    case '@' -> possible |= URL_CREDENTIALS | EMAIL;
                    case ':', '=' -> assignment = true;
                    case '-' -> {
                        if (text.startsWith("-----BEGIN", i)) {
                            possible |= PRIVATE_KEY;
                        }
                    }
                    case '_' -> possible |= underscore(text, i);
                    case 'J' -> {
                        if (i >= 2 && text.charAt(i - 1) == 'y' && text.charAt(i - 2) == 'e') {
                            possible |= JWT;
                        }
                    }
                    case 'x' -> {
                        if (text.startsWith("xox", i)) {
                            possible |= SLACK;
                        }
                    }
                    default -> { // 'b' or 'B'
                        if (startsWithIgnoreCase(text, i, "bearer")) {
                            possible |= BEARER;
                        } else if (startsWithIgnoreCase(text, i, "basic")) {
                            possible |= BASIC;
                        }
                    }
                }
            }
        }
        if (assignment && hasAssignmentKeyword(text)) {
            possible |= ASSIGNMENT;
        }
        return possible;
    }

    /** Bits of the patterns an underscore at {@code at} may belong to: {@code _live_}, {@code _test_}, GitHub's. */
    private static int underscore(String text, int at) {
        int possible = 0;
        if (text.startsWith("_live_", at) || text.startsWith("_test_", at)) {
            possible |= LIVE_TEST_KEY;
        }
        if (at >= 3 && text.charAt(at - 3) == 'g' && text.charAt(at - 2) == 'h'
                && "pousr".indexOf(text.charAt(at - 1)) >= 0 || text.startsWith("github_pat_", at - 6)) {
            possible |= GITHUB;
        }
        return possible;
    }

    /** The stems of secret-assignment's keywords, case-insensitively (a second pass, only for text with : or =). */
    private static boolean hasAssignmentKeyword(String text) {
        for (int i = 0; i < text.length(); i++) {
            boolean found = switch (asciiLower(text.charAt(i))) {
                case 'p' -> startsWithIgnoreCase(text, i, "pass") || startsWithIgnoreCase(text, i, "pwd");
                case 's' -> startsWithIgnoreCase(text, i, "secret") || startsWithIgnoreCase(text, i, "session")
                        || startsWithIgnoreCase(text, i, "signature");
                case 't' -> startsWithIgnoreCase(text, i, "token");
                case 'k' -> startsWithIgnoreCase(text, i, "key");
                case 'c' -> startsWithIgnoreCase(text, i, "credential") || startsWithIgnoreCase(text, i, "cookie");
                case 'a' -> startsWithIgnoreCase(text, i, "auth");
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
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

    private static boolean startsWithIgnoreCase(String text, int at, String lowerPrefix) {
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
