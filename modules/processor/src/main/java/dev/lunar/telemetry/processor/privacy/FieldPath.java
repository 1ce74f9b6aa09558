package dev.lunar.telemetry.processor.privacy;

import java.util.Arrays;

/**
 * The path of the value being scrubbed, as a reusable stack: pushing and popping costs nothing; the text
 * ({@code files[0].content.auth.api_key}) is built only when something is removed. Not thread-safe.
 */
final class FieldPath {
    private String[] segments = new String[16];
    private int depth;

    void push(String name) {
        if (depth == segments.length) {
            segments = Arrays.copyOf(segments, depth * 2);
        }
        segments[depth++] = name;
    }

    void pushIndex(int index) {
        push(index < INDEXES.length ? INDEXES[index] : "[" + index + "]");
    }

    private static final String[] INDEXES = new String[64];

    static {
        for (int i = 0; i < INDEXES.length; i++) {
            INDEXES[i] = "[" + i + "]";
        }
    }

    void pop() {
        segments[--depth] = null;
    }

    /** This path plus one more segment, as text. */
    String with(String last) {
        push(last);
        String text = toString();
        pop();
        return text;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(64);
        for (int i = 0; i < depth; i++) {
            String segment = segments[i];
            if (text.length() > 0 && segment.charAt(0) != '[') {
                text.append('.');
            }
            text.append(segment);
        }
        return text.toString();
    }
}
