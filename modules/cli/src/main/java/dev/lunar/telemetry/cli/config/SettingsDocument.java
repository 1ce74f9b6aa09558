package dev.lunar.telemetry.cli.config;

import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import dev.lunar.telemetry.datadog.DatadogSettings;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.settings.Setting;
import dev.lunar.telemetry.settings.SettingsTable;
import java.util.List;
import java.util.Optional;

/**
 * Every settings table of the README, rendered from the owners' definitions. The README holds each between its
 * markers; {@code SettingsDocumentTest} fails when one differs and {@code -Dsettings.write=true} rewrites them.
 */
public final class SettingsDocument {
    public static final String REGENERATE = "mvn -B -ntp -q -pl modules/cli -am test -Dtest=SettingsDocumentTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dsettings.write=true";

    /** In the README's order. */
    public static final List<SettingsTable> TABLES = List.of(
            CoreSettings.SETTINGS,
            ProcessorSettings.SETTINGS,
            DatadogSettings.SETTINGS,
            ControlPlaneSettings.SETTINGS,
            ControlPlaneForwarderSettings.SETTINGS,
            SettingsTable.of("audit", AuditSettings.TOPIC, AuditSettings.RETENTION, AuditConfig.FOLLOW_AUDIT_TRAIL));

    private SettingsDocument() {}

    /** The definition of {@code key} (an entry such as {@code processor.kafka.acks} finds its prefix's), if any. */
    public static Optional<Setting<?>> find(String key) {
        return TABLES.stream().flatMap(t -> t.settings().stream())
                .filter(s -> s.key().equals(key) || (s.isEntries() && key.startsWith(s.prefix() + ".")))
                .findFirst();
    }

    /**
     * The defaults for {@code --help}: {@code setting.<key>} is the default as the README shows it, so an option's
     * description can say {@code ${bundle:setting.data-dir}} instead of repeating the value.
     */
    public static java.util.ResourceBundle helpBundle() {
        java.util.Map<String, Object> texts = new java.util.LinkedHashMap<>();
        TABLES.forEach(t -> t.settings().forEach(s -> texts.put("setting." + s.key(), s.defaultText())));
        return new java.util.ListResourceBundle() {
            @Override
            protected Object[][] getContents() {
                return texts.entrySet().stream().map(e -> new Object[] {e.getKey(), e.getValue()})
                        .toArray(Object[][]::new);
            }
        };
    }

    /**
     * {@code readme} with the text between each table's markers replaced by the rendered table.
     *
     * @throws IllegalStateException naming a table whose markers are missing
     */
    public static String render(String readme) {
        String out = readme;
        for (SettingsTable table : TABLES) {
            int begin = out.indexOf(table.beginMarker());
            int end = out.indexOf(table.endMarker());
            if (begin < 0 || end < begin) {
                throw new IllegalStateException("README.md has no " + table.beginMarker() + " ... "
                        + table.endMarker() + " block: add one where the " + table.name() + " keys belong");
            }
            out = out.substring(0, begin + table.beginMarker().length()) + "\n" + table.markdown()
                    + out.substring(end);
        }
        return out;
    }
}
