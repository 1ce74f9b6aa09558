package dev.lunar.telemetry.settings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One setting, defined once: its key, type, default, bounds and documentation. The module that owns the setting
 * declares it as a constant; its settings record checks values with {@link #check}, the launcher parses text from the
 * configuration file or the environment with {@link #parse}, and the README's tables are rendered from
 * {@link SettingsTable}. So the bound in an error message, the default in a builder and the row in the README cannot
 * disagree.
 *
 * @param <T> the value's Java type
 */
public final class Setting<T> {
    private static final Duration SMALLEST = Duration.ofNanos(1);
    private final String key;
    private final Class<?> type;
    private final T defaultValue;
    private final String defaultText;
    private final String doc;
    private final String expected;
    private final Function<String, T> parser;
    private final Function<T, String> bounds;
    private final boolean describedDefault;

    private Setting(String key, Class<?> type, T defaultValue, String defaultText, String doc, String expected,
            Function<String, T> parser, Function<T, String> bounds) {
        this(key, type, defaultValue, defaultText, false, doc, expected, parser, bounds);
    }

    private Setting(String key, Class<?> type, T defaultValue, String defaultText, boolean describedDefault,
            String doc, String expected, Function<String, T> parser, Function<T, String> bounds) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.describedDefault = describedDefault;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.expected = expected;
        this.parser = parser;
        this.bounds = bounds;
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> integer(String key, int defaultValue, int min, int max, String doc) {
        String expected = "a whole number from " + min + " to " + max;
        return new Setting<>(key, Integer.class, defaultValue, String.valueOf(defaultValue), doc, expected,
                text -> Math.toIntExact(Long.parseLong(text.replace("_", ""))),
                v -> v >= min && v <= max ? null : expected);
    }

    /** A duration from {@code min} to {@code max}, written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601. */
    public static Setting<Duration> duration(String key, Duration defaultValue, Duration min, Duration max,
            String doc) {
        String expected = min.equals(SMALLEST) ? "a positive duration of at most " + Durations.format(max)
                : "a duration from " + Durations.format(min) + " to " + Durations.format(max);
        return new Setting<>(key, Duration.class, defaultValue,
                defaultValue == null ? "unset" : Durations.format(defaultValue), doc,
                expected + " (such as 500ms, 30s, 5m or 1h)",
                text -> Durations.parse(text).orElseThrow(() -> new IllegalArgumentException(text)),
                v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0 ? null : expected);
    }

    /** A positive duration of at most {@code max}. */
    public static Setting<Duration> positiveDuration(String key, Duration defaultValue, Duration max, String doc) {
        return duration(key, defaultValue, SMALLEST, max, doc);
    }

    public static Setting<Boolean> bool(String key, boolean defaultValue, String doc) {
        return new Setting<>(key, Boolean.class, defaultValue, String.valueOf(defaultValue), doc, "true or false",
                text -> switch (text.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on", "1" -> true;
                    case "false", "no", "off", "0" -> false;
                    default -> throw new IllegalArgumentException(text);
                }, v -> null);
    }

    /** Text that must not be blank; {@code defaultValue} null means unset unless given. */
    public static Setting<String> text(String key, String defaultValue, String doc) {
        return new Setting<>(key, String.class, defaultValue, defaultValue == null ? "unset" : defaultValue, doc,
                "a non-empty text", Function.identity(),
                v -> v.isBlank() && !"".equals(defaultValue) ? "a non-empty text" : null);
    }

    /** A list of non-empty names; in an environment variable, comma-separated. */
    public static Setting<List<String>> list(String key, List<String> defaultValue, String doc) {
        return new Setting<>(key, List.class, List.copyOf(defaultValue),
                defaultValue.isEmpty() ? "none" : String.join(", ", defaultValue), doc,
                "a list (comma-separated in an environment variable)",
                text -> Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                v -> v.stream().anyMatch(s -> s == null || s.isBlank()) ? "a list without empty names" : null);
    }

    /** One of {@code type}'s constants, written in lower case with dashes ({@code AT_LEAST_ONCE} = {@code at-least-once}). */
    public static <E extends Enum<E>> Setting<E> choice(String key, Class<E> type, E defaultValue, String doc) {
        String expected = "one of " + Arrays.stream(type.getEnumConstants()).map(Setting::spelling)
                .collect(Collectors.joining(", "));
        return new Setting<>(key, type, defaultValue, spelling(defaultValue), doc, expected, text -> {
            String name = text.replace('-', '_').toUpperCase(Locale.ROOT);
            return Arrays.stream(type.getEnumConstants()).filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(text));
        }, v -> null);
    }

    /**
     * Open-ended entries under {@code prefix} ({@code processor.kafka.security.protocol: SSL}); documented as
     * {@code prefix.<name>}. Read from the configuration file only: environment variable names cannot carry dots.
     */
    public static Setting<Map<String, String>> entries(String prefix, String name, String doc) {
        return new Setting<>(prefix + ".<" + name + ">", Map.class, Map.of(), "none", doc, "entries",
                text -> {
                    throw new IllegalArgumentException(text);
                }, v -> null);
    }

    /** The same setting with {@code text} shown as its default where the default is not a constant. */
    public Setting<T> defaultShown(String text) {
        return new Setting<>(key, type, defaultValue, text, true, doc, expected, parser, bounds);
    }

    /** Whether {@link #defaultText} describes the default ("number of processors") rather than spelling it. */
    public boolean defaultTextIsDescription() {
        return describedDefault;
    }

    public String key() {
        return key;
    }

    /** For {@link #entries}: the key's prefix, without {@code .<name>}. */
    public String prefix() {
        int open = key.indexOf(".<");
        return open < 0 ? key : key.substring(0, open);
    }

    public boolean isEntries() {
        return key.endsWith(">");
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The default as the README shows it. */
    public String defaultText() {
        return defaultText;
    }

    public String doc() {
        return doc;
    }

    /** What a valid value looks like, e.g. "a whole number from 1 to 1000". */
    public String expected() {
        return expected;
    }

    /** {@code LUNAR_} + the key in upper case, dots and dashes as underscores. */
    public String environmentVariable() {
        return environmentVariable(key);
    }

    /** The environment variable that overrides {@code key}, also for keys without a definition of their own. */
    public static String environmentVariable(String key) {
        return "LUNAR_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * {@code value}, if it is within bounds.
     *
     * @throws InvalidSettingException naming the key, the bound and the fix
     */
    public T check(T value) {
        if (value == null) {
            throw reject("must be set: expected " + expected);
        }
        String violated = bounds.apply(value);
        if (violated != null) {
            throw reject("must be " + violated + " (was " + show(value) + ")");
        }
        return value;
    }

    /**
     * The value {@code text} spells, checked.
     *
     * @param origin where the text came from, for the message ("lunar-telemetry.yaml", "environment variable X")
     * @throws InvalidSettingException naming the key, the origin, what was expected and the fix
     */
    public T parse(String text, String origin) {
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (RuntimeException e) {
            throw invalid(text, origin, expected);
        }
        String violated = bounds.apply(value);
        if (violated != null) {
            throw invalid(text, origin, violated);
        }
        return value;
    }

    /** {@code value} checked as by {@link #check}, or null when it is null (a setting that may be unset). */
    public T checkIfSet(T value) {
        return value == null ? null : check(value);
    }

    /** An error naming this key, for a rule the type cannot express ({@code problem} says what is wrong and the fix). */
    public InvalidSettingException reject(String problem) {
        return new InvalidSettingException(key, key + " " + problem + ". Fix: set " + key
                + " in the configuration file or " + environmentVariable() + " in the environment.");
    }

    /** Throws {@link #reject(String)} unless {@code condition}. */
    public void require(boolean condition, String problem) {
        if (!condition) {
            throw reject(problem);
        }
    }

    private InvalidSettingException invalid(String text, String origin, String wanted) {
        return new InvalidSettingException(key, String.format("%s = '%s' (from %s) is not valid: expected %s. Fix: set"
                + " %s in the configuration file or %s in the environment.", key, text, origin, wanted, key,
                environmentVariable()));
    }

    private String show(T value) {
        return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
    }

    private static String spelling(Enum<?> constant) {
        return constant == null ? "unset" : constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The key; for {@link #entries} the prefix, so that {@code TOKENS + "." + tenant} spells an entry's key. */
    @Override
    public String toString() {
        return prefix();
    }
}
