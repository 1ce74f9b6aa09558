package dev.lunar.telemetry.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.processor.privacy.LogLevel;
import dev.lunar.telemetry.settings.InvalidSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code processor.min-log-level} from the file or the environment; a bad value stops start-up naming the key. */
class ProcessorConfigTest {

    @Test
    void minLogLevelDefaultsToInfoAndIsReadFromFileOrEnvironment() {
        assertThat(ProcessorConfig.bind(ConfigSource.of(Map.of(), Map.of()), "h:1").minLogLevel())
                .isEqualTo(LogLevel.INFO);
        assertThat(ProcessorConfig.bind(ConfigSource.of(Map.of("processor.min-log-level", "debug"), Map.of()), "h:1")
                .minLogLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(ProcessorConfig.bind(ConfigSource.of(Map.of(), Map.of("LUNAR_PROCESSOR_MIN_LOG_LEVEL", "TRACE")),
                "h:1").minLogLevel()).isEqualTo(LogLevel.TRACE);
    }

    @Test
    void anUnknownMinLogLevelNamesTheKeyAndTheAllowedValues() {
        assertThatThrownBy(() -> ProcessorConfig.bind(ConfigSource.of(Map.of("processor.min-log-level", "chatty"),
                Map.of()), "h:1"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.key())
                        .isEqualTo("processor.min-log-level"))
                .hasMessageContaining("expected one of trace, debug, info, warn, error")
                .hasMessageContaining("'chatty'");
    }
}
