package dev.lunar.telemetry.controlplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import dev.lunar.telemetry.settings.InvalidSettingException;
import dev.lunar.telemetry.settings.Setting;
import dev.lunar.telemetry.settings.SettingsTable;

/**
 * Settings of the control plane, immutable and validated on construction: a bad value throws
 * {@link InvalidSettingException} naming the key, the bound and the fix. Each key is defined once below; the
 * builder's defaults, the launcher's binding and the README's table come from those definitions. Besides them,
 * {@code data-dir}: the embedded database lives in {@code <data-dir>/control-plane/} (file {@code aggregates.mv.db})
 * unless a JDBC URL is set.
 *
 * <p>{@link #toString()} never shows tokens or the password.
 */
public record ControlPlaneSettings(
        String host,
        int port,
        Path dataDir,
        Optional<String> jdbcUrl,
        Optional<String> jdbcUser,
        Optional<String> jdbcPassword,
        int poolSize,
        Map<String, String> tenantTokens,
        int maxBodyBytes,
        Duration queryMaxRange,
        int queryMaxRows,
        Duration shutdownTimeout,
        Duration sentRetention) {

    public static final Setting<String> HOST = Setting.text("control-plane.host", "127.0.0.1",
            "where the API and dashboards listen");
    public static final Setting<Integer> PORT = Setting.integer("control-plane.port", 8480, 0, 65535,
            "HTTP port (0 = any free port)");
    public static final String DATA_DIR = "data-dir";
    public static final Setting<String> JDBC_URL = Setting.text("control-plane.storage.jdbc-url", null,
            "`jdbc:postgresql://db:5432/lunar` keeps aggregates in PostgreSQL (`jdbc:h2:` is accepted too)")
            .defaultShown("unset (embedded H2)");
    public static final Setting<String> JDBC_USER = Setting.text("control-plane.storage.user", null,
            "database user (`sa` for the embedded H2)");
    public static final Setting<String> JDBC_PASSWORD = Setting.text("control-plane.storage.password", null,
            "database password; best given as the environment variable `LUNAR_CONTROL_PLANE_STORAGE_PASSWORD`");
    public static final Setting<Integer> POOL_SIZE = Setting.integer("control-plane.storage.pool-size", 4, 1, 64,
            "JDBC connections");
    public static final Setting<Map<String, String>> TENANT_TOKENS = Setting.entries("control-plane.tenant-tokens",
            "tenant", "the tenant's dashboard/API bearer token: at least 16 characters, or `sha256:<64 hex digits>`"
                    + " to keep the token itself out of the configuration; a tenant without one can neither send"
                    + " nor read");
    public static final Setting<Integer> MAX_BODY_SIZE = Setting.integer("control-plane.max-body-size",
            4 * 1024 * 1024, 1024, 64 * 1024 * 1024, "largest accepted request body, bytes; larger bodies get 413");
    public static final Setting<Duration> QUERY_MAX_RANGE = Setting.positiveDuration("control-plane.query.max-range",
            Duration.ofDays(31), Duration.ofDays(3660), "longest time range one query may ask for");
    public static final Setting<Integer> QUERY_MAX_ROWS = Setting.integer("control-plane.query.max-rows", 10_000, 1,
            1_000_000, "most endpoint rows one query returns (the answer says `\"truncated\": true` beyond)");
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.positiveDuration(
            "control-plane.shutdown-timeout", Duration.ofSeconds(10), Duration.ofHours(1),
            "how long a stop waits for requests in flight");
    public static final Setting<Duration> SENT_RETENTION = Setting.duration("control-plane.sent-retention",
            Duration.ofDays(7), Duration.ofMinutes(1), Duration.ofDays(3660),
            "how long the copy of what was sent (`/sent`, table `cp_sent_requests`) is kept; older rows are deleted"
                    + " at start-up and then every hundredth of it (1 s .. 1 h)");

    /** The control plane's keys, in the README's order. */
    public static final SettingsTable SETTINGS = SettingsTable.of("control-plane", HOST, PORT, JDBC_URL, JDBC_USER,
            JDBC_PASSWORD, POOL_SIZE, TENANT_TOKENS, MAX_BODY_SIZE, QUERY_MAX_RANGE, QUERY_MAX_ROWS,
            SHUTDOWN_TIMEOUT, SENT_RETENTION);

    public ControlPlaneSettings {
        HOST.require(host != null && !host.isBlank(), "must be set: use 127.0.0.1 (the default) or another local"
                + " address to bind to");
        PORT.check(port);
        Objects.requireNonNull(dataDir, DATA_DIR + " must be set: the embedded database lives under it");
        Objects.requireNonNull(jdbcUrl, JDBC_URL.key());
        Objects.requireNonNull(jdbcUser, JDBC_USER.key());
        Objects.requireNonNull(jdbcPassword, JDBC_PASSWORD.key());
        jdbcUrl.ifPresent(url -> {
            try {
                SqlDialect.forJdbcUrl(url);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(JDBC_URL.key(), e.getMessage());
            }
        });
        POOL_SIZE.check(poolSize);
        Objects.requireNonNull(tenantTokens, TENANT_TOKENS.key());
        Map<String, String> tokens = new TreeMap<>();
        tenantTokens.forEach((tenant, token) -> {
            try {
                TenantTokens.checkTenantAndToken(tenant, token);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(TENANT_TOKENS.prefix() + "." + tenant, e.getMessage());
            }
            tokens.put(tenant, token);
        });
        try {
            TenantTokens.checkDistinct(tokens);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(TENANT_TOKENS.prefix(), e.getMessage());
        }
        tenantTokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        MAX_BODY_SIZE.check(maxBodyBytes);
        QUERY_MAX_RANGE.check(queryMaxRange);
        QUERY_MAX_ROWS.check(queryMaxRows);
        SHUTDOWN_TIMEOUT.check(shutdownTimeout);
        SENT_RETENTION.check(sentRetention);
    }

    /** The embedded H2 database file's base path (H2 adds {@code .mv.db}). */
    public Path embeddedDatabaseBase() {
        return dataDir.resolve("control-plane").resolve("aggregates");
    }

    /** The JDBC URL in use: the configured one, or the embedded H2 file under {@code data-dir}. */
    public String effectiveJdbcUrl() {
        return jdbcUrl.orElseGet(() -> "jdbc:h2:file:" + embeddedDatabaseBase().toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE");
    }

    @Override
    public String toString() {
        return "ControlPlaneSettings[host=" + host + ", port=" + port + ", dataDir=" + dataDir
                + ", jdbcUrl=" + jdbcUrl.orElse("(embedded H2)") + ", jdbcUser=" + jdbcUser.orElse("(default)")
                + ", jdbcPassword=" + (jdbcPassword.isPresent() ? "(set)" : "(none)")
                + ", poolSize=" + poolSize + ", tenantTokens=" + tenantTokens.keySet() + " (tokens hidden)"
                + ", maxBodyBytes=" + maxBodyBytes + ", queryMaxRange=" + queryMaxRange
                + ", queryMaxRows=" + queryMaxRows + ", shutdownTimeout=" + shutdownTimeout + ", sentRetention=" + sentRetention + "]";
    }

    public static ControlPlaneSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.dataDir = dataDir;
        b.jdbcUrl = jdbcUrl.orElse(null);
        b.jdbcUser = jdbcUser.orElse(null);
        b.jdbcPassword = jdbcPassword.orElse(null);
        b.poolSize = poolSize;
        b.tenantTokens = new LinkedHashMap<>(tenantTokens);
        b.maxBodyBytes = maxBodyBytes;
        b.queryMaxRange = queryMaxRange;
        b.queryMaxRows = queryMaxRows;
        b.shutdownTimeout = shutdownTimeout;
        b.sentRetention = sentRetention;
        return b;
    }

    /** Builds {@link ControlPlaneSettings}, starting from the definitions' defaults. */
    public static final class Builder {
        private String host = HOST.defaultValue();
        private int port = PORT.defaultValue();
        private Path dataDir = Path.of("data");
        private String jdbcUrl = JDBC_URL.defaultValue();
        private String jdbcUser = JDBC_USER.defaultValue();
        private String jdbcPassword = JDBC_PASSWORD.defaultValue();
        private int poolSize = POOL_SIZE.defaultValue();
        private Map<String, String> tenantTokens = new LinkedHashMap<>(TENANT_TOKENS.defaultValue());
        private int maxBodyBytes = MAX_BODY_SIZE.defaultValue();
        private Duration queryMaxRange = QUERY_MAX_RANGE.defaultValue();
        private int queryMaxRows = QUERY_MAX_ROWS.defaultValue();
        private Duration shutdownTimeout = SHUTDOWN_TIMEOUT.defaultValue();
        private Duration sentRetention = SENT_RETENTION.defaultValue();

        private Builder() {}

        /** {@code control-plane.host}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** {@code control-plane.port}; 0 = any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** {@code data-dir}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** {@code control-plane.storage.jdbc-url}; null = embedded H2 under the data directory. */
        public Builder jdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /** {@code control-plane.storage.user}. */
        public Builder jdbcUser(String jdbcUser) {
            this.jdbcUser = jdbcUser;
            return this;
        }

        /** {@code control-plane.storage.password}. */
        public Builder jdbcPassword(String jdbcPassword) {
            this.jdbcPassword = jdbcPassword;
            return this;
        }

        /** {@code control-plane.storage.pool-size}. */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /** {@code control-plane.tenant-tokens.<tenant-id>} for every tenant (replaces earlier ones). */
        public Builder tenantTokens(Map<String, String> tenantTokens) {
            this.tenantTokens = new LinkedHashMap<>(tenantTokens);
            return this;
        }

        /** {@code control-plane.tenant-tokens.<tenant-id>} for one tenant. */
        public Builder tenantToken(String tenantId, String token) {
            this.tenantTokens.put(tenantId, token);
            return this;
        }

        /** {@code control-plane.max-body-size}, bytes. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** {@code control-plane.query.max-range}. */
        public Builder queryMaxRange(Duration queryMaxRange) {
            this.queryMaxRange = queryMaxRange;
            return this;
        }

        /** {@code control-plane.query.max-rows}. */
        public Builder queryMaxRows(int queryMaxRows) {
            this.queryMaxRows = queryMaxRows;
            return this;
        }

        /** {@code control-plane.shutdown-timeout}. */
        /** How long rows of {@code cp_sent_requests} are kept (at least 1m). */
        public Builder sentRetention(Duration sentRetention) {
            this.sentRetention = sentRetention;
            return this;
        }

        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        public ControlPlaneSettings build() {
            return new ControlPlaneSettings(host, port, dataDir, Optional.ofNullable(jdbcUrl),
                    Optional.ofNullable(jdbcUser), Optional.ofNullable(jdbcPassword), poolSize, tenantTokens,
                    maxBodyBytes, queryMaxRange, queryMaxRows, shutdownTimeout, sentRetention);
        }
    }
}
