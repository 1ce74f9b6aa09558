package dev.lunar.telemetry.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.settings.InvalidSettingException;
import dev.lunar.telemetry.settings.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
    private static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("processor.max-in-flight", 1, 1, 65536, "m");
    private static final Setting<Duration> COMMIT_INTERVAL = Setting.duration("processor.commit-interval",
            Duration.ZERO, Duration.ZERO, Duration.ofDays(1), "c");
    private static final Setting<List<String>> DENYLIST = Setting.list("processor.denylist", List.of(), "d");

    @TempDir
    Path dir;

    private ConfigSource file(String yaml, Map<String, String> env) throws Exception {
        Path path = dir.resolve("lunar-telemetry.yaml");
        Files.writeString(path, yaml);
        return ConfigSource.load(Optional.of(path), env);
    }

    @Test
    void nestedYamlKeysReadAsDottedKeys() throws Exception {
        ConfigSource config = file("""
                processor:
                  max-in-flight: 4096
                  commit-interval: 2s
                  denylist: ["**.ssn", "**.iban"]
                """, Map.of());

        assertThat(config.get(MAX_IN_FLIGHT)).isEqualTo(4096);
        assertThat(config.get(COMMIT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.get(DENYLIST)).containsExactly("**.ssn", "**.iban");
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        ConfigSource config = file("processor:\n  max-in-flight: 4096\n",
                Map.of("LUNAR_PROCESSOR_MAX_IN_FLIGHT", "128", "LUNAR_PROCESSOR_DENYLIST", "**.a, **.b"));

        assertThat(config.get(MAX_IN_FLIGHT)).isEqualTo(128);
        assertThat(config.get(DENYLIST)).containsExactly("**.a", "**.b");
    }

    @Test
    void badValueNamesKeyOriginAndFix() throws Exception {
        ConfigSource config = file("processor:\n  max-in-flight: lots\n", Map.of());

        assertThatThrownBy(() -> config.get(MAX_IN_FLIGHT))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("processor.max-in-flight = 'lots'")
                .hasMessageContaining(dir.resolve("lunar-telemetry.yaml").toString())
                .hasMessageContaining("a whole number from 1 to 65536")
                .hasMessageContaining("LUNAR_PROCESSOR_MAX_IN_FLIGHT");
    }

    @Test
    void badEnvironmentValueSaysItCameFromTheEnvironment() {
        ConfigSource config = ConfigSource.of(Map.of(), Map.of("LUNAR_OPS_PORT", "99999"));

        assertThatThrownBy(() -> config.get(CoreSettings.OPS_PORT))
                .hasMessageContaining("from environment variable LUNAR_OPS_PORT");
    }

    @Test
    void misspeltKeyIsRejectedWithASuggestion() throws Exception {
        ConfigSource config = file("processor:\n  max-in-fligth: 10\n", Map.of());
        config.get(MAX_IN_FLIGHT);

        assertThatThrownBy(() -> config.requireAllKeysKnown("processor"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("unknown key 'processor.max-in-fligth'")
                .hasMessageContaining("Did you mean 'processor.max-in-flight'?");
    }

    @Test
    void keysOfSectionsACommandDoesNotBindAreLeftAlone() throws Exception {
        ConfigSource config = file("datadog:\n  site: datadoghq.eu\n", Map.of());

        config.requireAllKeysKnown("processor");
    }

    @Test
    void durationsAndBooleansAcceptTheUsualSpellings() {
        ConfigSource config = ConfigSource.of(Map.of("a", "500ms", "b", "PT1M", "c", "yes", "d", "off"), Map.of());

        assertThat(config.get(duration("a"))).isEqualTo(Duration.ofMillis(500));
        assertThat(config.get(duration("b"))).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.get(Setting.bool("c", false, "c"))).isTrue();
        assertThat(config.get(Setting.bool("d", true, "d"))).isFalse();
        assertThatThrownBy(() -> config.get(duration("c"))).hasMessageContaining("such as 500ms, 30s");
    }

    private static Setting<Duration> duration(String key) {
        return Setting.duration(key, Duration.ZERO, Duration.ZERO, Duration.ofDays(1), key);
    }

    @Test
    void brokenYamlSaysSo() throws Exception {
        assertThatThrownBy(() -> file("processor: [unclosed\n", Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("cannot read")
                .hasMessageContaining("as YAML");
    }

    @Test
    void missingFileSaysWhichFile() {
        assertThatThrownBy(() -> ConfigSource.load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
                .hasMessageContaining("nope.yaml does not exist");
    }

    @Test
    void bootstrapServersMustBeHostPortPairs() {
        ConfigSource config = ConfigSource.of(Map.of("kafka.bootstrap-servers", "localhost"), Map.of());

        assertThatThrownBy(() -> CoreSettings.from(config))
                .hasMessageContaining("kafka.bootstrap-servers = 'localhost'")
                .hasMessageContaining("host:port");
    }

    @Test
    void noBootstrapServersMeansEmbedded() {
        CoreSettings core = CoreSettings.from(ConfigSource.of(Map.of(), Map.of()));

        assertThat(core.embedded()).isTrue();
        assertThat(core.embeddedPort()).isEqualTo(9092);
        assertThat(core.dataDirectory()).isEqualTo(Path.of("./data"));
    }
}
