package dev.lunar.telemetry.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or ISO-8601. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /** The duration {@code text} names, or empty when it names none. */
    public static Optional<Duration> parse(String text) {
        String t = text.trim();
        Matcher m = SHORT.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        try {
            return Optional.of(Duration.parse(t));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The shortest of those spellings that is exact: {@code 200ms}, {@code 30s}, {@code 1m}, {@code 31d}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (d.isZero()) {
            return "0s";
        }
        if (ms == 0 || !d.equals(Duration.ofMillis(ms))) {
            return d.toString();
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }
}
