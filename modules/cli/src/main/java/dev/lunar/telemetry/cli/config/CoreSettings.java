package dev.lunar.telemetry.cli.config;

import java.nio.file.Path;
import java.util.Optional;
import dev.lunar.telemetry.settings.Setting;
import dev.lunar.telemetry.settings.SettingsTable;

/**
 * Settings every command shares, defined once below (the README's configuration table comes from them).
 *
 * @param dataDirectory    {@link #DATA_DIR}
 * @param bootstrapServers {@link #BOOTSTRAP_SERVERS}; empty = embedded broker
 * @param embeddedPort     {@link #EMBEDDED_PORT}
 * @param partitions       {@link #PARTITIONS}
 * @param opsPort          {@link #OPS_PORT}
 * @param opsHost          {@link #OPS_HOST}
 */
public record CoreSettings(Path dataDirectory, Optional<String> bootstrapServers, int embeddedPort, int partitions,
        int opsPort, String opsHost) {

    public static final Setting<String> DATA_DIR = Setting.text("data-dir", "./data",
            "state of the embedded broker, outboxes, databases (`run --data-dir` overrides)");
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("kafka.bootstrap-servers", null,
            "an external Kafka cluster as `host:port,host:port`; unset = embedded broker in-process");
    public static final Setting<Integer> EMBEDDED_PORT = Setting.integer("kafka.embedded.port", 9092, 0, 65535,
            "port of the embedded broker on 127.0.0.1 (0 = any free port)");
    public static final Setting<Integer> PARTITIONS = Setting.integer("kafka.partitions", 6, 1, 1000,
            "partitions of each topic the pipeline creates");
    public static final Setting<Integer> OPS_PORT = Setting.integer("ops.port", 9464, -1, 65535,
            "port of `/metrics` (Prometheus) and `/health` (0 = any free port, -1 = off)");
    public static final Setting<String> OPS_HOST = Setting.text("ops.host", "127.0.0.1",
            "address the ops endpoint binds (`0.0.0.0` in a container)");

    /** The keys every command shares, in the README's order. */
    public static final SettingsTable SETTINGS = SettingsTable.of("core", DATA_DIR, BOOTSTRAP_SERVERS,
            EMBEDDED_PORT, PARTITIONS, OPS_PORT, OPS_HOST);

    public static CoreSettings from(ConfigSource config) {
        Optional<String> bootstrap = config.string(BOOTSTRAP_SERVERS.key()).map(String::trim)
                .filter(s -> !s.isEmpty());
        bootstrap.ifPresent(servers -> {
            for (String server : servers.split(",")) {
                if (!server.trim().matches("[^:\\s]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
                    throw config.invalid(BOOTSTRAP_SERVERS.key(),
                            "a comma-separated list of host:port pairs, e.g. kafka-1:9092,kafka-2:9092");
                }
            }
        });
        return new CoreSettings(
                Path.of(config.get(DATA_DIR)),
                bootstrap,
                config.get(EMBEDDED_PORT),
                config.get(PARTITIONS),
                config.get(OPS_PORT),
                config.get(OPS_HOST));
    }

    public CoreSettings withDataDirectory(Path directory) {
        return new CoreSettings(directory, bootstrapServers, embeddedPort, partitions, opsPort, opsHost);
    }

    public boolean embedded() {
        return bootstrapServers.isEmpty();
    }
}
