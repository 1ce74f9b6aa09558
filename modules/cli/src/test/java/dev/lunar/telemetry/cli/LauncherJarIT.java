package dev.lunar.telemetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar itself, run as a user runs it ({@code java -jar lunar-telemetry.jar …}), after the shade plugin
 * built it: the unit tests run on Maven's class path, which can hold what the jar leaves out (a test-scoped
 * dependency once left the bench's Datadog intake out of the jar, and {@code bench} failed with
 * ClassNotFoundException while every test passed).
 */
class LauncherJarIT {

    private static final Path JAR = Path.of("target", "lunar-telemetry.jar");

    @TempDir
    Path work;

    @Test
    void theJarPrintsItsVersion() throws Exception {
        Run run = java("--version");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("lunar-telemetry");
    }

    /** The bench drives the processor and the Datadog forwarder in child JVMs started from the jar. */
    @Test
    void benchRunsEveryStageFromTheJar() throws Exception {
        Run run = java("bench", "--records", "2000", "--stages", "mirror,processor,datadog",
                "--work-dir", work.resolve("bench").toString());
        assertThat(run.output()).doesNotContain("ClassNotFoundException", "NoClassDefFoundError");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("End-to-end benchmark");
    }

    private record Run(int exit, String output) {}

    private Run java(String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("run after package: mvn verify").exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path log = work.resolve("output.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("java -jar " + String.join(" ", args) + " did not end within 10 minutes:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
