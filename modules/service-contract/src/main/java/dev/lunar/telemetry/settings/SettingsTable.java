package dev.lunar.telemetry.settings;

import java.util.List;

/**
 * A module's settings as one README table ({@code | key | default | meaning |}). The README holds the rendered text
 * between {@code <!-- settings:NAME -->} and {@code <!-- /settings:NAME -->}; a test in the launcher fails when it
 * differs from what the definitions render.
 *
 * @param name     the marker's name, e.g. {@code processor}
 * @param settings in the order the README lists them
 */
public record SettingsTable(String name, List<Setting<?>> settings) {

    public SettingsTable {
        settings = List.copyOf(settings);
    }

    public static SettingsTable of(String name, Setting<?>... settings) {
        return new SettingsTable(name, List.of(settings));
    }

    public String beginMarker() {
        return "<!-- settings:" + name + " -->";
    }

    public String endMarker() {
        return "<!-- /settings:" + name + " -->";
    }

    /** The Markdown table, one row per setting, ending with a newline. */
    public String markdown() {
        StringBuilder out = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (Setting<?> s : settings) {
            out.append("| `").append(s.key()).append("` | ").append(defaultCell(s)).append(" | ")
                    .append(s.doc().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    /** The default in backticks when it is the value itself; "unset", "none" or a description as plain text. */
    private static String defaultCell(Setting<?> s) {
        String text = s.defaultText();
        Object value = s.defaultValue();
        if (text.isEmpty()) {
            return "empty";
        }
        boolean literal = value != null && !s.defaultTextIsDescription()
                && !(value instanceof List<?> l && l.isEmpty()) && !(value instanceof java.util.Map<?, ?>);
        return literal ? "`" + text + "`" : text;
    }
}
