package dev.lunar.telemetry.processor.privacy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Log levels, lowest first. P4 promises Datadog proxy logs of INFO and above by default: the processor drops lines
 * below {@code processor.min-log-level} whole ({@code lunar.processor.dropped{reason=log-level}}).
 *
 * <p>A proxy's level text is read leniently ({@link #ofLine}): any case, surrounding blanks, and the usual synonyms
 * ({@code warning}, {@code fatal}, {@code critical}, {@code notice}, {@code fine}/{@code finest}, {@code verbose},
 * single letters {@code D I W E}...). A level that is none of those fails closed: it ranks as {@link #TRACE}, so it is
 * dropped unless {@code processor.min-log-level} is {@code TRACE} — a line whose level cannot be read is not known to
 * be information, a warning or an error, and it may be debug output.
 */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR;

    private static final Map<String, LogLevel> SYNONYMS = Map.ofEntries(
            Map.entry("trace", TRACE), Map.entry("trc", TRACE), Map.entry("finest", TRACE), Map.entry("finer", TRACE),
            Map.entry("verbose", TRACE), Map.entry("v", TRACE), Map.entry("all", TRACE),
            Map.entry("debug", DEBUG), Map.entry("dbg", DEBUG), Map.entry("fine", DEBUG), Map.entry("config", DEBUG),
            Map.entry("d", DEBUG),
            Map.entry("info", INFO), Map.entry("inf", INFO), Map.entry("information", INFO),
            Map.entry("informational", INFO), Map.entry("notice", INFO), Map.entry("i", INFO),
            Map.entry("warn", WARN), Map.entry("warning", WARN), Map.entry("wrn", WARN), Map.entry("w", WARN),
            Map.entry("error", ERROR), Map.entry("err", ERROR), Map.entry("fatal", ERROR), Map.entry("critical", ERROR),
            Map.entry("crit", ERROR), Map.entry("severe", ERROR), Map.entry("alert", ERROR), Map.entry("emerg", ERROR),
            Map.entry("emergency", ERROR), Map.entry("panic", ERROR), Map.entry("e", ERROR), Map.entry("f", ERROR));

    /** The allowed values of {@code processor.min-log-level}, for messages. */
    public static final String ALLOWED = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    /**
     * A setting: exactly one of {@code TRACE DEBUG INFO WARN ERROR}, ignoring case and blanks.
     *
     * @throws IllegalArgumentException naming {@code key} and the allowed values
     */
    public static LogLevel ofSetting(String text, String key) {
        if (text != null) {
            String name = text.trim().toUpperCase(Locale.ROOT);
            for (LogLevel level : values()) {
                if (level.name().equals(name)) {
                    return level;
                }
            }
        }
        throw new IllegalArgumentException(key + " must be one of " + ALLOWED + " (was '" + text + "')");
    }

    /** The level of a proxy's log line, leniently; unreadable levels rank as {@link #TRACE} (fail closed). */
    public static LogLevel ofLine(CharSequence level) {
        if (level == null) {
            return TRACE;
        }
        String text = level.toString().trim().toLowerCase(Locale.ROOT);
        return SYNONYMS.getOrDefault(text, TRACE);
    }

    /** True when a line of this level is kept with {@code minimum} as {@code processor.min-log-level}. */
    public boolean atLeast(LogLevel minimum) {
        return compareTo(minimum) >= 0;
    }
}
