package dev.lunar.telemetry.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingTest {
    private static final Setting<Integer> PORT = Setting.integer("x.port", 8125, 1, 65535, "a port");
    private static final Setting<Duration> WAIT = Setting.positiveDuration("x.wait", Duration.ofMillis(200),
            Duration.ofMinutes(1), "a wait");

    @Test
    void checkNamesKeyBoundValueAndFix() {
        assertThat(PORT.check(80)).isEqualTo(80);
        assertThatThrownBy(() -> PORT.check(0))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo("x.port"))
                .hasMessageStartingWith("x.port must be a whole number from 1 to 65535 (was 0)")
                .hasMessageContaining("LUNAR_X_PORT");
        assertThatThrownBy(() -> WAIT.check(Duration.ZERO)).hasMessageContaining("a positive duration of at most 1m (was 0s)");
    }

    @Test
    void parseSaysWhereTheTextCameFrom() {
        assertThat(WAIT.parse("2s", "f.yaml")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> PORT.parse("ninety", "environment variable LUNAR_X_PORT"))
                .hasMessage("x.port = 'ninety' (from environment variable LUNAR_X_PORT) is not valid: expected a"
                        + " whole number from 1 to 65535. Fix: set x.port in the configuration file or LUNAR_X_PORT"
                        + " in the environment.");
        assertThatThrownBy(() -> WAIT.parse("2m", "f.yaml")).hasMessageContaining("expected a positive duration of at most 1m");
    }

    @Test
    void listsEnumsAndBooleansReadTheUsualSpellings() {
        assertThat(Setting.list("l", List.of(), "d").parse(" a, b ,,c", "o")).containsExactly("a", "b", "c");
        assertThat(Setting.choice("c", java.time.DayOfWeek.class, java.time.DayOfWeek.MONDAY, "d")
                .parse("tuesday", "o")).isEqualTo(java.time.DayOfWeek.TUESDAY);
        assertThat(Setting.bool("b", false, "d").parse("yes", "o")).isTrue();
        assertThatThrownBy(() -> Setting.bool("b", false, "d").parse("maybe", "o")).hasMessageContaining("true or false");
    }

    @Test
    void tableRowsShowKeyDefaultAndMeaning() {
        String md = SettingsTable.of("x", PORT, WAIT, Setting.text("x.id", null, "an id").defaultShown("derived"),
                Setting.entries("x.kafka", "property", "extra")).markdown();

        assertThat(md).isEqualTo("""
                | key | default | meaning |
                |---|---|---|
                | `x.port` | `8125` | a port |
                | `x.wait` | `200ms` | a wait |
                | `x.id` | derived | an id |
                | `x.kafka.<property>` | none | extra |
                """);
    }

    @Test
    void durationsFormatAsTheyAreWritten() {
        assertThat(Durations.format(Duration.ofDays(31))).isEqualTo("31d");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.parse("PT1M")).contains(Duration.ofMinutes(1));
    }
}
