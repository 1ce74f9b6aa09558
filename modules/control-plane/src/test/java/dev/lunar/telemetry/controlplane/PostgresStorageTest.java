package dev.lunar.telemetry.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on a real PostgreSQL server, the one {@code .ci/services} installs and starts from Debian
 * packages. Coordinates come from {@code LUNAR_TEST_POSTGRES_URL}, {@code _USER}, {@code _PASSWORD} (defaults: what
 * {@code .ci/services} creates). Each run works in its own schema, dropped at the end. Without a reachable server
 * the tests fail — they are never skipped.
 */
class PostgresStorageTest extends ControlPlaneStorageContract {
    static final String URL = env("LUNAR_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/lunar_test");
    static final String USER = env("LUNAR_TEST_POSTGRES_USER", "lunar");
    static final String PASSWORD = env("LUNAR_TEST_POSTGRES_PASSWORD", "lunar");
    static final String SCHEMA = "cp_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void createSchema() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + URL + " as " + USER + " (" + e.getMessage() + "). Run"
                    + " .ci/services (as root) to install and start it, or point LUNAR_TEST_POSTGRES_URL / _USER /"
                    + " _PASSWORD at a server", e);
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Override
    ControlPlaneSettings.Builder storage() {
        return ControlPlaneSettings.builder().dataDir(dataDir)
                .jdbcUrl(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA)
                .jdbcUser(USER).jdbcPassword(PASSWORD);
    }

    @Test
    void tablesAreCreatedInPostgresqlAndNothingInTheDataDirectory() throws SQLException {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            assertThat(cp.storageDescription()).startsWith("postgresql jdbc:postgresql:");
        }
        try (Connection c = connect(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                        + SCHEMA + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
        assertThat(dataDir.resolve("control-plane")).doesNotExist();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
