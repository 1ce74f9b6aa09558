package dev.lunar.telemetry.cli.config;

import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import java.nio.file.Path;

/** Reads the {@code control-plane.*} keys (documented in {@link ControlPlaneSettings} and the README). */
public final class ControlPlaneConfig {
    private ControlPlaneConfig() {}

    public static ControlPlaneSettings bind(ConfigSource config, Path dataDir) {
        ControlPlaneSettings d = ControlPlaneSettings.defaults();
        ControlPlaneSettings.Builder b = ControlPlaneSettings.builder()
                .host(config.string(ControlPlaneSettings.HOST, d.host()))
                .port(config.integer(ControlPlaneSettings.PORT, d.port(), 0, 65535))
                .dataDir(dataDir)
                .poolSize(config.integer(ControlPlaneSettings.POOL_SIZE, d.poolSize(), 1, 256))
                .tenantTokens(config.map(ControlPlaneSettings.TENANT_TOKENS))
                .maxBodyBytes(config.integer(ControlPlaneSettings.MAX_BODY_SIZE, d.maxBodyBytes(), 1024,
                        256 * 1024 * 1024))
                .queryMaxRange(config.duration(ControlPlaneSettings.QUERY_MAX_RANGE, d.queryMaxRange()))
                .queryMaxRows(config.integer(ControlPlaneSettings.QUERY_MAX_ROWS, d.queryMaxRows(), 1, 10_000_000))
                .shutdownTimeout(config.duration(ControlPlaneSettings.SHUTDOWN_TIMEOUT, d.shutdownTimeout()))
                .sentRetention(config.duration(ControlPlaneSettings.SENT_RETENTION, d.sentRetention()));
        config.string(ControlPlaneSettings.JDBC_URL).ifPresent(b::jdbcUrl);
        config.string(ControlPlaneSettings.JDBC_USER).ifPresent(b::jdbcUser);
        config.string(ControlPlaneSettings.JDBC_PASSWORD).ifPresent(b::jdbcPassword);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyIn(e.getMessage()), e.getMessage());
        }
    }

    private static String keyIn(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("control-plane\\.[a-z.-]+")
                .matcher(message == null ? "" : message);
        return m.find() ? m.group() : "control-plane";
    }
}
