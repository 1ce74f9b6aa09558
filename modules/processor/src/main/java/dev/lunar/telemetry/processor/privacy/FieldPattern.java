package dev.lunar.telemetry.processor.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One denylist entry: a dot-separated field path with wildcards, matched case-insensitively against the path of a
 * value inside an event, whose first segment is the raw record's name ({@code proxyLog}, {@code resourceUsage},
 * {@code heartbeat}, {@code policySnapshot}, {@code endpointStats}).
 *
 * <ul>
 *   <li>{@code **} matches any number of segments, zero included: {@code **.api_key} matches
 *       {@code heartbeat.tags.api_key} and {@code policySnapshot.files.content.auth.api_key}.</li>
 *   <li>{@code *} alone matches exactly one segment: {@code heartbeat.environment.*}.</li>
 *   <li>{@code *} inside a segment is a glob over that segment only: {@code heartbeat.environment.*SECRET*}.</li>
 * </ul>
 *
 * <p>Record fields, map keys and keys of YAML documents are segments; array elements are not (a pattern that matches
 * an array's path applies to each element). Immutable.
 */
public final class FieldPattern {

    private final String source;
    private final Segment[] segments;

    private FieldPattern(String source, Segment[] segments) {
        this.source = source;
        this.segments = segments;
    }

    /**
     * @throws IllegalArgumentException with a sentence saying what is wrong with {@code source} and how to write it
     */
    public static FieldPattern parse(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a denylist pattern is empty; write a field path such as **.api_key");
        }
        String trimmed = source.trim();
        String[] parts = trimmed.split("\\.", -1);
        if (parts.length > 200) {
            throw new IllegalArgumentException("denylist pattern '" + trimmed.substring(0, 40)
                    + "...' has more than 200 segments; no event is that deep");
        }
        List<Segment> segments = new ArrayList<>(parts.length);
        boolean literal = false;
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("denylist pattern '" + trimmed
                        + "' has an empty segment (two dots in a row, or a dot at an end); write e.g. **.api_key");
            }
            if (part.equals("**")) {
                if (!segments.isEmpty() && segments.get(segments.size() - 1) == Segment.DEEP) {
                    continue; // **.** is the same as **
                }
                segments.add(Segment.DEEP);
            } else if (part.contains("**")) {
                throw new IllegalArgumentException("denylist pattern '" + trimmed + "': ** must be a whole segment"
                        + " (any depth); use a single * for a glob inside a segment, e.g. *SECRET*");
            } else {
                Segment segment = Segment.glob(part);
                literal |= !part.equals("*");
                segments.add(segment);
            }
        }
        if (!literal) {
            throw new IllegalArgumentException("denylist pattern '" + trimmed
                    + "' would remove every field; name at least one field, e.g. **.api_key");
        }
        return new FieldPattern(trimmed, segments.toArray(Segment[]::new));
    }

    String source() {
        return source;
    }

    int length() {
        return segments.length;
    }

    Segment segment(int index) {
        return segments[index];
    }

    @Override
    public String toString() {
        return source;
    }

    /** One segment of a pattern. {@link #DEEP} is {@code **}; every other segment matches exactly one name. */
    static final class Segment {
        static final Segment DEEP = new Segment(null);

        /** Lower-cased pieces between the {@code *}s; null for {@link #DEEP}. */
        private final String[] pieces;

        private Segment(String[] pieces) {
            this.pieces = pieces;
        }

        static Segment glob(String text) {
            return new Segment(text.toLowerCase(Locale.ROOT).split("\\*", -1));
        }

        boolean isDeep() {
            return pieces == null;
        }

        /** Whether a lower-cased name matches this (non-deep) segment. */
        boolean matches(String lowerName) {
            if (pieces.length == 1) {
                return pieces[0].equals(lowerName);
            }
            String first = pieces[0];
            String last = pieces[pieces.length - 1];
            if (lowerName.length() < first.length() + last.length()
                    || !lowerName.startsWith(first) || !lowerName.endsWith(last)) {
                return false;
            }
            int from = first.length();
            int to = lowerName.length() - last.length();
            for (int i = 1; i < pieces.length - 1; i++) {
                String piece = pieces[i];
                if (piece.isEmpty()) {
                    continue;
                }
                int at = lowerName.indexOf(piece, from);
                if (at < 0 || at + piece.length() > to) {
                    return false;
                }
                from = at + piece.length();
            }
            return true;
        }
    }
}
