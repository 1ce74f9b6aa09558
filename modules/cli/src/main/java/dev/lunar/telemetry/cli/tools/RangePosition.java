package dev.lunar.telemetry.cli.tools;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * One end of a replay range: a record offset (the same in every partition), a time (each partition's first record at
 * or after it), or the topic's beginning or end.
 */
public sealed interface RangePosition {
    record Offset(long offset) implements RangePosition {}

    record Time(Instant time) implements RangePosition {}

    record Beginning() implements RangePosition {}

    record End() implements RangePosition {}

    /** Parses {@code 1234}, {@code 2026-11-26T10:00:00Z}, {@code beginning} / {@code earliest}, {@code end} / {@code latest}. */
    static RangePosition parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("beginning") || t.equals("earliest")) {
            return new Beginning();
        }
        if (t.equals("end") || t.equals("latest") || t.equals("now")) {
            return new End();
        }
        if (t.matches("\\d+")) {
            return new Offset(Long.parseLong(t));
        }
        try {
            return new Time(OffsetDateTime.parse(text.trim()).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither an offset (a whole number), a time"
                    + " (ISO-8601, e.g. 2026-11-26T10:00:00Z), nor beginning/end");
        }
    }
}
