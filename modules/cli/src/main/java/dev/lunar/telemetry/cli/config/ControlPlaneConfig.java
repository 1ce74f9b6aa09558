package dev.lunar.telemetry.cli.config;

import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.HOST;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.JDBC_PASSWORD;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.JDBC_URL;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.JDBC_USER;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.MAX_BODY_SIZE;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.POOL_SIZE;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.PORT;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.QUERY_MAX_RANGE;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.QUERY_MAX_ROWS;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.SENT_RETENTION;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.SHUTDOWN_TIMEOUT;
import static dev.lunar.telemetry.controlplane.ControlPlaneSettings.TENANT_TOKENS;

import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import java.nio.file.Path;

/** Reads the {@code control-plane.*} keys defined in {@link ControlPlaneSettings}. */
public final class ControlPlaneConfig {
    private ControlPlaneConfig() {}

    public static ControlPlaneSettings bind(ConfigSource config, Path dataDir) {
        return ControlPlaneSettings.builder()
                .host(config.get(HOST))
                .port(config.get(PORT))
                .dataDir(dataDir)
                .poolSize(config.get(POOL_SIZE))
                .tenantTokens(config.entries(TENANT_TOKENS))
                .maxBodyBytes(config.get(MAX_BODY_SIZE))
                .queryMaxRange(config.get(QUERY_MAX_RANGE))
                .queryMaxRows(config.get(QUERY_MAX_ROWS))
                .shutdownTimeout(config.get(SHUTDOWN_TIMEOUT))
                .sentRetention(config.get(SENT_RETENTION))
                .jdbcUrl(config.get(JDBC_URL))
                .jdbcUser(config.get(JDBC_USER))
                .jdbcPassword(config.get(JDBC_PASSWORD))
                .build();
    }
}
