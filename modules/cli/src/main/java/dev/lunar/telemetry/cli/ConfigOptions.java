package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config}: the YAML file; without it {@code ./lunar-telemetry.yaml} is read when present. */
final class ConfigOptions {
    static final Path DEFAULT_FILE = Path.of("lunar-telemetry.yaml");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: ./lunar-telemetry.yaml if present). Every key can be"
                    + " overridden by an environment variable: LUNAR_ + the key in upper case, dots and dashes as underscores"
                    + " (the README lists every key).")
    Path file;

    ConfigSource load() {
        return ConfigSource.load(chosenFile(), System.getenv());
    }

    /** {@code --config}, else {@code ./lunar-telemetry.yaml} when present, else none. */
    Optional<Path> chosenFile() {
        return Optional.ofNullable(file)
                .or(() -> Files.isRegularFile(DEFAULT_FILE) ? Optional.of(DEFAULT_FILE) : Optional.empty());
    }
}
