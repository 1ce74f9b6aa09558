package dev.lunar.telemetry.processor.privacy;

import java.util.Arrays;
import java.util.List;

/**
 * What the rules' literals are looked up in: the text folded to lower case; its longest run of
 * {@code [A-Za-z0-9+_-]} and where the runs of at least {@link BuiltInRules#LONG_RUN} are (start, end pairs) that
 * could hold a long hex or base64 secret.
 */
record TextShape(String text, String folded, long[] present, int longestRun, int[] runs, int digits) {

    public static TextShape of(String text, RuleLiterals literals) {
        char[] folded = new char[text.length()];
        int run = 0;
        int longest = 0;
        int[] runs = new int[0];
        int count = 0;
        // Per run: which character classes it holds and its longest stretch of hex digits. A run with neither a
        // digit, a lower and an upper case letter nor 32 hex digits in a row can only give matches the long-run
        // rules' checks reject (base64) or none (long-hex), so it is not scanned: a UUID costs nothing.
        boolean digit = false;
        boolean lower = false;
        boolean upper = false;
        int hex = 0;
        int longestHex = 0;
        int digits = 0;
        for (int i = 0; i <= folded.length; i++) {
            char c = i < folded.length ? text.charAt(i) : ' ';
            if (i < folded.length) {
                folded[i] = fold(c);
            }
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '_' || c == '-')) {
                longest = Math.max(longest, ++run);
                boolean isDigit = c >= '0' && c <= '9';
                digits += isDigit ? 1 : 0;
                digit |= isDigit;
                lower |= c >= 'a' && c <= 'z';
                upper |= c >= 'A' && c <= 'Z';
                hex = isDigit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' ? hex + 1 : 0;
                longestHex = Math.max(longestHex, hex);
            } else {
                if (run >= BuiltInRules.LONG_RUN && (digit && lower && upper || longestHex >= BuiltInRules.LONG_RUN)) {
                    if (count == runs.length) {
                        runs = Arrays.copyOf(runs, Math.max(8, count * 2));
                    }
                    runs[count++] = i - run;
                    runs[count++] = i;
                }
                run = 0;
                digit = false;
                lower = false;
                upper = false;
                hex = 0;
                longestHex = 0;
            }
        }
        return new TextShape(text, new String(folded), literals.present(folded), longest,
                Arrays.copyOf(runs, count), digits);
    }

    /** ASCII digits in {@code text}. */
    static int digits(String text) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            digits += c >= '0' && c <= '9' ? 1 : 0;
        }
        return digits;
    }

    /**
     * Where {@code rule} can match (start, end pairs, in order), or null for the whole text: a long-run rule
     * within its runs, give or take one character before and two after; a rule whose matches stay on one line
     * within the lines that hold its literals (adjacent ones joined).
     */
    int[] windows(RedactionRule rule) {
        if (rule.minRun() > 0) {
            int[] out = new int[runs.length];
            int n = 0;
            for (int i = 0; i < runs.length; i += 2) {
                if (runs[i + 1] - runs[i] >= rule.minRun()) {
                    out[n++] = Math.max(0, runs[i] - 1);
                    out[n++] = Math.min(text.length(), runs[i + 1] + 2);
                }
            }
            return Arrays.copyOf(out, n);
        }
        if (!rule.lineLocal() || rule.triggers().isEmpty() || text.indexOf('\n') < 0) {
            return null;
        }
        int[] lineStarts = lineStarts();
        boolean[] all = null;
        for (List<String> group : rule.triggers()) {
            boolean[] lines = new boolean[lineStarts.length];
            for (String literal : group) {
                for (int at = folded.indexOf(literal); at >= 0; at = folded.indexOf(literal, at + 1)) {
                    int line = Arrays.binarySearch(lineStarts, at);
                    lines[line >= 0 ? line : -line - 2] = true;
                }
            }
            if (all != null) {
                for (int i = 0; i < lines.length; i++) {
                    lines[i] &= all[i];
                }
            }
            all = lines;
        }
        int[] out = new int[8];
        int n = 0;
        for (int line = 0; line < lineStarts.length; line++) {
            if (!all[line]) {
                continue;
            }
            int end = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length();
            if (n > 0 && out[n - 1] == lineStarts[line] - 1) {
                out[n - 1] = end; // joined with the line before
            } else {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = lineStarts[line];
                out[n++] = end;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Where {@code rule}'s matches can start, in increasing order (see {@link RedactionRule.Start}): the
     * occurrences of its first group's literals, those at the start of a word, or the first word character of
     * the key holding each.
     */
    int[] starts(RedactionRule rule) {
        if (rule.start() == RedactionRule.Start.AT_RUN) {
            int[] windows = windows(rule); // (run start - 1, run end + 2) pairs
            int[] out = new int[windows.length / 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = windows[2 * i];
            }
            return out;
        }
        int[] out = new int[8];
        int n = 0;
        for (String literal : rule.triggers().get(0)) {
            for (int at = folded.indexOf(literal); at >= 0; at = folded.indexOf(literal, at + 1)) {
                int start = at;
                if (rule.start() == RedactionRule.Start.AT_WORD_BEFORE_LITERAL) {
                    while (start > 0 && at - start <= ValueRedactor.MAX_WORD_BEFORE_LITERAL
                            && isAsciiLetter(text.charAt(start - 1))) {
                        start--;
                    }
                    if (at - start > ValueRedactor.MAX_WORD_BEFORE_LITERAL) {
                        continue;
                    }
                }
                boolean wordStart = start == 0 || !isWordChar(text.charAt(start - 1));
                if ((rule.start() == RedactionRule.Start.AT_WORD_LITERAL
                        || rule.start() == RedactionRule.Start.AT_WORD_BEFORE_LITERAL) && !wordStart) {
                    continue;
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = start;
            }
        }
        Arrays.sort(out, 0, n);
        if (rule.start() == RedactionRule.Start.AT_KEY_HOLDING_LITERAL) {
            n = keyStarts(out, n);
        }
        return distinct(out, n);
    }

    /**
     * Replaces each (sorted) literal position by the first word character of the key holding it. One pass over
     * the text, however many literals a key holds.
     */
    private int keyStarts(int[] positions, int n) {
        int walked = 0;
        int keyStart = 0;
        for (int i = 0; i < n; i++) {
            int at = positions[i];
            for (; walked < at; walked++) {
                if (!isKeyChar(text.charAt(walked))) {
                    keyStart = walked + 1;
                }
            }
            int first = keyStart;
            while (!isWordChar(text.charAt(first))) {
                first++; // a literal starts with a letter, so this stops at it at the latest
            }
            positions[i] = first;
        }
        return n;
    }

    /** Whether {@code [from, to)} holds only key characters (so a key at {@code from} reaches {@code to}). */
    boolean sameKey(int from, int to) {
        for (int i = from; i < to && i < text.length(); i++) {
            if (!isKeyChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int[] distinct(int[] sorted, int n) {
        int d = 0;
        for (int i = 0; i < n; i++) {
            if (d == 0 || sorted[d - 1] != sorted[i]) {
                sorted[d++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, d);
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /** RE2's {@code \\w}: ASCII letters, digits and '_'. */
    private static boolean isWordChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
    }

    /**
     * What a key before an assignment is made of: {@code [\\w.-]} ignoring case, which in RE2 also holds the
     * two characters outside ASCII that fold to a word character, the long s and the Kelvin sign.
     */
    static boolean isKeyChar(char c) {
        return isWordChar(c) || c == '.' || c == '-' || c == '\u017F' || c == '\u212A';
    }

    private int[] lineStarts() {
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
            }
            starts[n++] = at + 1;
        }
        return Arrays.copyOf(starts, n);
    }

    /** Whether the text holds none of the rules' literals. */
    boolean holdsNoLiteral() {
        for (long word : present) {
            if (word != 0) {
                return false;
            }
        }
        return true;
    }

    boolean allows(RuleLiterals literals, int r, RedactionRule rule) {
        return longestRun >= rule.minRun() && literals.allows(r, present);
    }

    /**
     * The ASCII lower-case letter {@code c} folds to, or {@code c}. Characters outside ASCII that fold to an
     * ASCII letter (the Kelvin sign, the long s...) are folded too: a case-insensitive rule matches them, so the
     * literal check must see them as that letter.
     */
    private static char fold(char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        char folded = Character.toLowerCase(Character.toUpperCase(c));
        return folded < 128 ? folded : c;
    }
}
