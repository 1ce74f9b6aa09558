package dev.lunar.telemetry.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import dev.lunar.telemetry.datadog.DatadogSettings;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.settings.InvalidSettingException;
import dev.lunar.telemetry.settings.Setting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's settings tables are what the definitions render, and the launcher binds every defined key. {@code
 * -Dsettings.write=true} rewrites the tables instead of failing.
 */
class SettingsDocumentTest {

    @Test
    void readmeTablesAreWhatTheDefinitionsRender() throws Exception {
        Path readme = repositoryRoot().resolve("README.md");
        String checkedIn = Files.readString(readme, StandardCharsets.UTF_8);
        String generated = SettingsDocument.render(checkedIn);
        if (Boolean.getBoolean("settings.write")) {
            Files.writeString(readme, generated, StandardCharsets.UTF_8);
        }

        assertThat(checkedIn).as("a settings table in README.md differs from the definitions: regenerate them"
                + " with%n  %s%nand commit README.md", SettingsDocument.REGENERATE).isEqualTo(generated);
    }

    /**
     * Every defined key set in a file to its documented default is read by a binder (else start-up would reject it
     * as unknown) and gives the default back: the definitions, the binders and the builders agree.
     */
    @Test
    void everyDefinedKeyIsBoundAndItsDocumentedDefaultReadsBack() {
        Map<String, Object> file = new LinkedHashMap<>();
        SettingsDocument.TABLES.forEach(t -> t.settings().stream()
                .filter(s -> !s.isEntries() && s.defaultValue() != null && !s.defaultTextIsDescription()
                        && !(s.defaultValue() instanceof java.util.List<?> l && l.isEmpty()))
                .forEach(s -> file.put(s.key(), s.defaultText())));
        ConfigSource config = ConfigSource.of(file, Map.of());
        Path data = Path.of("data");

        CoreSettings core = CoreSettings.from(config);
        ProcessorSettings processor = ProcessorConfig.bind(config, "127.0.0.1:9092");
        DatadogSettings datadog = DatadogConfig.bind(config, data, Map.of());
        ControlPlaneSettings controlPlane = ControlPlaneConfig.bind(config, data);
        ControlPlaneForwarderSettings forwarder = ControlPlaneForwarderConfig.bind(config, null, Map.of());
        AuditSettings audit = AuditConfig.bind(config);
        config.get(AuditConfig.FOLLOW_AUDIT_TRAIL);
        config.requireAllKeysKnown("data-dir", "kafka", "ops", "processor", "datadog", "control-plane",
                "control-plane-forwarder", "audit");

        assertThat(core.embeddedPort()).isEqualTo(CoreSettings.EMBEDDED_PORT.defaultValue());
        assertThat(processor).isEqualTo(ProcessorSettings.builder("127.0.0.1:9092").build());
        assertThat(datadog).isEqualTo(DatadogSettings.builder().dataDir(data).build());
        assertThat(controlPlane).isEqualTo(ControlPlaneSettings.builder().dataDir(data).build());
        assertThat(forwarder).isEqualTo(ControlPlaneForwarderSettings.defaults());
        assertThat(audit).isEqualTo(AuditSettings.defaults());
    }

    /** The bound in a start-up error is the definition's, whichever way the value came in (the old drift). */
    @Test
    void aValueOutsideItsBoundNamesKeyBoundAndFix() {
        ConfigSource config = ConfigSource.of(Map.of("datadog.batch.max-records", "20000"), Map.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DatadogConfig.bind(config, Path.of("d"), Map.of()))
                .isInstanceOfSatisfying(InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("datadog.batch.max-records"))
                .hasMessageContaining("a whole number from 1 to 10000")
                .hasMessageContaining("LUNAR_DATADOG_BATCH_MAX_RECORDS");
        assertThat(DatadogConfig.bind(ConfigSource.of(Map.of("datadog.batch.max-records", "5000"), Map.of()),
                Path.of("d"), Map.of()).batchMaxRecords()).isEqualTo(5000);
    }

    /** A rule the type cannot express (a cross-key rule in the builder) still names its key, without a regex. */
    @Test
    void aBuilderRuleNamesItsKey() {
        ConfigSource config = ConfigSource.of(Map.of("processor.max-in-flight", "100",
                "processor.max-deferred-commits", "10"), Map.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcessorConfig.bind(config, "h:1"))
                .isInstanceOfSatisfying(InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("processor.max-deferred-commits"))
                .hasMessageContaining("must be at least processor.max-in-flight");
    }

    @Test
    void helpShowsTheDefinitionsDefault() {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = dev.lunar.telemetry.cli.LunarTelemetry.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));

        assertThat(cli.execute("run", "--help")).isZero();
        assertThat(out.toString()).contains("else " + CoreSettings.DATA_DIR.defaultText() + ")")
                .doesNotContain("${bundle");
    }

    @Test
    void everyKeyHasOneDefinition() {
        Map<String, Setting<?>> seen = new LinkedHashMap<>();
        SettingsDocument.TABLES.forEach(t -> t.settings().forEach(s ->
                assertThat(seen.put(s.key(), s)).as("defined twice: %s", s.key()).isNull()));
        assertThat(SettingsDocument.find("processor.kafka.security.protocol")).contains(ProcessorSettings.KAFKA);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("modules"))) {
            dir = dir.getParent(); // tests run in modules/cli; the root is above
        }
        return dir;
    }
}
