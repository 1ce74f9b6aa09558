package dev.lunar.telemetry.cli.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings every command shares.
 *
 * @param dataDirectory   {@code data-dir} (default {@code ./data}): the embedded broker's log, the dry-run outboxes
 *                        and the control plane's database live under it.
 * @param bootstrapServers {@code kafka.bootstrap-servers} (default unset): an external Kafka cluster; when unset, an
 *                        embedded single-node broker runs in-process.
 * @param embeddedPort    {@code kafka.embedded.port} (default 9092; 0 = any free port): where the embedded broker
 *                        listens on 127.0.0.1.
 * @param partitions      {@code kafka.partitions} (default 6): partitions of each topic the pipeline creates.
 * @param opsPort         {@code ops.port} (default 9464; 0 = any free port; -1 = off): port of
 *                        {@code /metrics} and {@code /health}.
 * @param opsHost         {@code ops.host} (default 127.0.0.1): address the ops endpoint binds; a container sets
 *                        0.0.0.0 so Prometheus can scrape it.
 */
public record CoreSettings(Path dataDirectory, Optional<String> bootstrapServers, int embeddedPort, int partitions,
        int opsPort, String opsHost) {

    public static final String DATA_DIR = "data-dir";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
    public static final String EMBEDDED_PORT = "kafka.embedded.port";
    public static final String PARTITIONS = "kafka.partitions";
    public static final String OPS_PORT = "ops.port";
    public static final String OPS_HOST = "ops.host";

    public static CoreSettings from(ConfigSource config) {
        Optional<String> bootstrap = config.string(BOOTSTRAP_SERVERS).map(String::trim).filter(s -> !s.isEmpty());
        bootstrap.ifPresent(servers -> {
            for (String server : servers.split(",")) {
                if (!server.trim().matches("[^:\\s]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
                    throw config.invalid(BOOTSTRAP_SERVERS,
                            "a comma-separated list of host:port pairs, e.g. kafka-1:9092,kafka-2:9092");
                }
            }
        });
        return new CoreSettings(
                Path.of(config.string(DATA_DIR, "./data")),
                bootstrap,
                config.integer(EMBEDDED_PORT, 9092, 0, 65535),
                config.integer(PARTITIONS, 6, 1, 1000),
                config.integer(OPS_PORT, 9464, -1, 65535),
                config.string(OPS_HOST, "127.0.0.1"));
    }

    public CoreSettings withDataDirectory(Path directory) {
        return new CoreSettings(directory, bootstrapServers, embeddedPort, partitions, opsPort, opsHost);
    }

    public boolean embedded() {
        return bootstrapServers.isEmpty();
    }
}
