package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import picocli.CommandLine.Option;

/**
 * {@code --config} and {@code --bootstrap-servers} for the tools that talk to a running pipeline's Kafka: the flag,
 * else {@code kafka.bootstrap-servers} from the configuration, else the embedded default 127.0.0.1:9092.
 */
final class KafkaOptions {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @picocli.CommandLine.Mixin
    ConfigOptions configOptions;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka (default: kafka.bootstrap-servers, else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapServers;

    ConfigSource config() {
        return configOptions.load();
    }

    String bootstrapServers(ConfigSource config) {
        return bootstrapServers != null ? bootstrapServers
                : CoreSettings.from(config).bootstrapServers().orElse(DEFAULT_BOOTSTRAP);
    }
}
