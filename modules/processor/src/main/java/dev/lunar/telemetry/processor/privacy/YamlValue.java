package dev.lunar.telemetry.processor.privacy;

import dev.lunar.telemetry.processor.privacy.detectors.TextDetector;

/**
 * What the value of a secret-ish key is in free text, conservatively, when the key is written YAML-style
 * ({@code key: value} as the first thing on its line, after indentation, {@code - } or a quote):
 * <ul>
 *   <li>a value on the key's own line runs to the end of that line (YAML plain scalars hold spaces);</li>
 *   <li>lines below that are indented deeper than the key and are not themselves {@code name: ...} entries continue
 *       the value (a plain scalar folded over lines, a {@code |} or {@code >} block, or, after {@code key:} ending its
 *       line, the value itself or its {@code - } items) and are redacted too;</li>
 *   <li>a {@code key:} ending its line followed by a nested mapping redacts nothing: each nested line is judged on
 *       its own, so {@code authentication:\n  api_key: VALUE} redacts {@code VALUE}, never {@code api_key:}.</li>
 * </ul>
 * Elsewhere (inline {@code key=value}, JSON) the value is what the regex matched, on the key's line only. Reads each
 * character of the lines it looks at once; returns where the scan goes on.
 */
final class YamlValue {

    private YamlValue() {}

    static int secretAssignment(CharSequence text, int matchStart, int matchEnd, int ignoredStart, int secretEnd,
                                TextDetector.SpanSink out) {
        int length = text.length();
        // The key holds no ':' or '=', so the first one is the separator; the value follows it (and blanks).
        int secretStart = matchStart;
        while (secretStart < matchEnd && text.charAt(secretStart) != ':' && text.charAt(secretStart) != '=') {
            secretStart++;
        }
        char separatorChar = text.charAt(secretStart++);
        if (secretStart < matchEnd && (separatorChar == ':' && text.charAt(secretStart) == '='
                || separatorChar == '=' && text.charAt(secretStart) == '>')) {
            secretStart++;
        }
        while (secretStart < matchEnd && isBlank(text.charAt(secretStart))) {
            secretStart++;
        }
        boolean empty = secretEnd == secretStart || secretEnd - secretStart == 1 && text.charAt(secretStart) == '\r';
        int separator = secretStart - 1;
        while (separator > matchStart && isBlank(text.charAt(separator))) {
            separator--;
        }
        boolean colon = text.charAt(separator) == ':';
        int keyColumn = colon ? yamlKeyColumn(text, matchStart) : -1;
        if (keyColumn < 0) {
            if (!empty) {
                out.span(secretStart, secretEnd);
            }
            return matchEnd;
        }
        int resume = matchEnd;
        if (!empty) {
            char first = text.charAt(secretStart);
            if (first == '"' || first == '\'' || first == '\\') {
                out.span(secretStart, secretEnd);
                return matchEnd;
            }
            int lineEnd = lineEnd(text, secretStart);
            out.span(secretStart, trimEnd(text, secretStart, lineEnd));
            resume = lineEnd;
        }
        int position = lineEnd(text, resume);
        while (position < length) {
            int lineStart = position + 1;
            int i = lineStart;
            while (i < length && isBlank(text.charAt(i))) {
                i++;
            }
            if (i >= length) {
                break;
            }
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                position = lineEnd(text, i);
                continue;
            }
            int indent = i - lineStart;
            boolean item = c == '-' && (i + 1 == length || isBlank(text.charAt(i + 1)) || text.charAt(i + 1) == '\n');
            boolean itemOfEmptyKey = empty && item && indent == keyColumn;
            if (indent < keyColumn || indent == keyColumn && !itemOfEmptyKey) {
                break;
            }
            int content = i;
            if (item) {
                content++;
                while (content < length && isBlank(text.charAt(content))) {
                    content++;
                }
            }
            int end = lineEnd(text, content);
            if (isMappingEntry(text, content, end)) {
                break;
            }
            int trimmed = trimEnd(text, content, end);
            if (trimmed > content) {
                out.span(content, trimmed);
            }
            resume = end;
            position = end;
        }
        return Math.max(resume, matchEnd);
    }

    /**
     * The column of the key starting at {@code keyStart} when only indentation, {@code - } and an opening quote
     * precede it on its line, else -1. Reads back only over such characters.
     */
    private static int yamlKeyColumn(CharSequence text, int keyStart) {
        int i = keyStart - 1;
        while (i >= 0) {
            char c = text.charAt(i);
            if (c == '\n') {
                break;
            }
            if (!(isBlank(c) || c == '-' || c == '"' || c == '\'')) {
                return -1;
            }
            i--;
        }
        return keyStart - i - 1;
    }

    /** Whether the line's content from {@code from} is a mapping entry ({@code name:} then a blank or the end). */
    private static boolean isMappingEntry(CharSequence text, int from, int end) {
        int i = from;
        if (i < end && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
            char quote = text.charAt(i);
            i++;
            while (i < end && text.charAt(i) != quote) {
                i++;
            }
            i++;
            while (i < end && isBlank(text.charAt(i))) {
                i++;
            }
            return i < end && text.charAt(i) == ':' && (i + 1 >= end || isBlank(text.charAt(i + 1))
                    || text.charAt(i + 1) == '\r');
        }
        for (; i < end; i++) {
            char c = text.charAt(i);
            if (c == '#' && i > from && isBlank(text.charAt(i - 1))) {
                return false;
            }
            if (c == ':' && (i + 1 >= end || isBlank(text.charAt(i + 1)) || text.charAt(i + 1) == '\r')) {
                return true;
            }
        }
        return false;
    }

    /** The index of the line break at or after {@code from}, or the text's length. */
    private static int lineEnd(CharSequence text, int from) {
        int i = from;
        int length = text.length();
        while (i < length && text.charAt(i) != '\n') {
            i++;
        }
        return i;
    }

    private static int trimEnd(CharSequence text, int from, int end) {
        int e = end;
        while (e > from && (isBlank(text.charAt(e - 1)) || text.charAt(e - 1) == '\r')) {
            e--;
        }
        return e;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
