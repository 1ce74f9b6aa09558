package dev.lunar.telemetry.controlplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Settings of the control plane, immutable and validated on construction: a bad value throws
 * {@link IllegalArgumentException} naming the key and the fix. Defaults live in {@link Builder} and nowhere else.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code control-plane.host}</td><td>{@code 127.0.0.1}</td><td>address the HTTP server binds to</td></tr>
 *   <tr><td>{@code control-plane.port}</td><td>{@code 8480}</td><td>HTTP port; {@code 0} = any free port (see
 *       {@link ControlPlaneServer#url()})</td></tr>
 *   <tr><td>{@code data-dir}</td><td>{@code ./data}</td><td>the embedded database lives in
 *       {@code <data-dir>/control-plane/} (file {@code aggregates.mv.db}) unless a JDBC URL is set</td></tr>
 *   <tr><td>{@code control-plane.storage.jdbc-url}</td><td>none (embedded H2)</td><td>{@code jdbc:postgresql://...}
 *       to keep aggregates in PostgreSQL ({@code jdbc:h2:...} also accepted)</td></tr>
 *   <tr><td>{@code control-plane.storage.user}</td><td>none ({@code sa} for the embedded H2)</td><td>database
 *       user</td></tr>
 *   <tr><td>{@code control-plane.storage.password}</td><td>none</td><td>database password; best given as the
 *       environment variable {@code LUNAR_CONTROL_PLANE_STORAGE_PASSWORD}</td></tr>
 *   <tr><td>{@code control-plane.storage.pool-size}</td><td>{@code 4}</td><td>JDBC connections (1..64)</td></tr>
 *   <tr><td>{@code control-plane.tenant-tokens.<tenant-id>}</td><td>none</td><td>the bearer token of that tenant:
 *       at least 16 characters, or {@code sha256:<64 hex digits>} (the SHA-256 of the token) to keep the token
 *       itself out of the configuration. Only the hash is kept in memory; a tenant without a token can neither
 *       send nor read.</td></tr>
 *   <tr><td>{@code control-plane.max-body-size}</td><td>{@code 4194304}</td><td>largest accepted request body,
 *       bytes (1 KiB..64 MiB); larger bodies get 413</td></tr>
 *   <tr><td>{@code control-plane.query.max-range}</td><td>{@code 31d}</td><td>longest time range one query may
 *       ask for</td></tr>
 *   <tr><td>{@code control-plane.query.max-rows}</td><td>{@code 10000}</td><td>most endpoint rows one query
 *       returns (the answer says {@code "truncated": true} beyond)</td></tr>
 *   <tr><td>{@code control-plane.shutdown-timeout}</td><td>{@code 10s}</td><td>how long a stop waits for
 *       requests in flight</td></tr>
 *   <tr><td>{@code control-plane.sent-retention}</td><td>{@code 7d}</td><td>how long the copy of what was sent
 *       (table {@code cp_sent_requests}, the {@code /sent} answers) is kept; older rows are deleted at start-up
 *       and then every hundredth of it (at least every second, at most every hour). The audit topic itself is
 *       kept for {@code audit.retention}.</td></tr>
 * </table>
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

    public static final String HOST = "control-plane.host";
    public static final String PORT = "control-plane.port";
    public static final String DATA_DIR = "data-dir";
    public static final String JDBC_URL = "control-plane.storage.jdbc-url";
    public static final String JDBC_USER = "control-plane.storage.user";
    public static final String JDBC_PASSWORD = "control-plane.storage.password";
    public static final String POOL_SIZE = "control-plane.storage.pool-size";
    /** Prefix of the per-tenant token keys: {@code control-plane.tenant-tokens.<tenant-id>}. */
    public static final String TENANT_TOKENS = "control-plane.tenant-tokens";
    public static final String MAX_BODY_SIZE = "control-plane.max-body-size";
    public static final String QUERY_MAX_RANGE = "control-plane.query.max-range";
    public static final String QUERY_MAX_ROWS = "control-plane.query.max-rows";
    public static final String SHUTDOWN_TIMEOUT = "control-plane.shutdown-timeout";
    public static final String SENT_RETENTION = "control-plane.sent-retention";

    public ControlPlaneSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(HOST + " must be set: use 127.0.0.1 (the default) or another local"
                    + " address to bind to");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be 0..65535 (0 = any free port), was " + port);
        }
        Objects.requireNonNull(dataDir, DATA_DIR + " must be set: the embedded database lives under it");
        Objects.requireNonNull(jdbcUrl, JDBC_URL);
        Objects.requireNonNull(jdbcUser, JDBC_USER);
        Objects.requireNonNull(jdbcPassword, JDBC_PASSWORD);
        jdbcUrl.ifPresent(url -> SqlDialect.forJdbcUrl(url)); // throws naming the key
        if (poolSize < 1 || poolSize > 64) {
            throw new IllegalArgumentException(POOL_SIZE + " must be 1..64, was " + poolSize);
        }
        Objects.requireNonNull(tenantTokens, TENANT_TOKENS);
        Map<String, String> tokens = new TreeMap<>();
        tenantTokens.forEach((tenant, token) -> {
            TenantTokens.checkTenantAndToken(tenant, token);
            tokens.put(tenant, token);
        });
        TenantTokens.checkDistinct(tokens);
        tenantTokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        if (maxBodyBytes < 1024 || maxBodyBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException(MAX_BODY_SIZE + " must be 1024..67108864 bytes, was " + maxBodyBytes);
        }
        Objects.requireNonNull(queryMaxRange, QUERY_MAX_RANGE);
        if (queryMaxRange.isNegative() || queryMaxRange.isZero()) {
            throw new IllegalArgumentException(QUERY_MAX_RANGE + " must be positive, e.g. 31d, was " + queryMaxRange);
        }
        if (queryMaxRows < 1 || queryMaxRows > 1_000_000) {
            throw new IllegalArgumentException(QUERY_MAX_ROWS + " must be 1..1000000, was " + queryMaxRows);
        }
        Objects.requireNonNull(sentRetention, SENT_RETENTION);
        if (sentRetention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException(SENT_RETENTION + " must be at least 1m, e.g. 7d, was " + sentRetention);
        }
        Objects.requireNonNull(shutdownTimeout, SHUTDOWN_TIMEOUT);
        if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
            throw new IllegalArgumentException(SHUTDOWN_TIMEOUT + " must be positive, e.g. 10s, was "
                    + shutdownTimeout);
        }
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

    /** Builds {@link ControlPlaneSettings}; every default is written here, once. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8480;
        private Path dataDir = Path.of("data");
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private int poolSize = 4;
        private Map<String, String> tenantTokens = new LinkedHashMap<>();
        private int maxBodyBytes = 4 * 1024 * 1024;
        private Duration queryMaxRange = Duration.ofDays(31);
        private int queryMaxRows = 10_000;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Duration sentRetention = Duration.ofDays(7);

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
