package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LauncherTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = LunarTelemetry.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsTheRunCommand() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("Usage: lunar-telemetry").contains("run");
    }

    @Test
    void versionNamesTheBuild() {
        assertThat(execute("--version")).isZero();
        assertThat(out.toString()).containsPattern("lunar-telemetry \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void badConfigurationStopsStartUpWithOneSentence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "kafka:\n  embedded:\n    port: ninety\n");

        int exit = execute("run", "--config", file.toString(), "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("Configuration error: kafka.embedded.port = 'ninety'")
                .doesNotContain("Exception");
    }
}
