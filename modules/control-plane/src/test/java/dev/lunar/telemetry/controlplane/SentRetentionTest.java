package dev.lunar.telemetry.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code control-plane.sent-retention}: the copy of what was sent ({@code cp_sent_requests}) is not kept for ever. */
class SentRetentionTest {
    static final long HOUR = 3_600_000;

    @TempDir
    Path dataDir;

    static SentEntries.Share share(String chain, long recordedAtMs) {
        return new SentEntries.Share("acme", chain, 1, recordedAtMs, "control-plane", "127.0.0.1", "0".repeat(64), 1, 1,
                "[]");
    }

    @Test
    void rowsRecordedBeforeTheCutoffAreDeletedAndNewerOnesKept() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:sent-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        SentStore store = new SentStore(ds, SqlDialect.H2, "test H2");
        store.createSchema();
        long now = System.currentTimeMillis();
        store.store(List.of(share("old", now - 8 * 24 * HOUR), share("new", now - HOUR)));

        int deleted = store.deleteRecordedBefore(now - 7 * 24 * HOUR);

        assertThat(deleted).isEqualTo(1);
        try (Connection c = ds.getConnection()) {
            assertThat(chains(c)).containsExactly("new");
        }
    }

    @Test
    void theRunningControlPlaneDeletesExpiredRowsOnItsOwn() throws SQLException {
        String schema = "cp_sent_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = PostgresStorageTest.URL + (PostgresStorageTest.URL.contains("?") ? "&" : "?") + "currentSchema="
                + schema;
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try (ControlPlaneServer cp = ControlPlaneServer.start(ControlPlaneSettings.builder().dataDir(dataDir).port(0)
                .jdbcUrl(url).jdbcUser(PostgresStorageTest.USER).jdbcPassword(PostgresStorageTest.PASSWORD)
                .sentRetention(Duration.ofSeconds(100)).build(), new SimpleMeterRegistry());
                Connection c = DriverManager.getConnection(url, PostgresStorageTest.USER, PostgresStorageTest.PASSWORD)) {
            long now = System.currentTimeMillis();
            try (Statement s = c.createStatement()) {
                for (SentEntries.Share share : List.of(share("old", now - HOUR), share("new", now + HOUR))) {
                    s.execute("INSERT INTO cp_sent_requests VALUES ('" + share.chainId() + "', 1, 'acme', "
                            + share.recordedAtMs() + ", 'control-plane', '127.0.0.1', '" + share.bodySha256()
                            + "', 1, 1, '[]')");
                }
            }

            // every hundredth of the retention: each second here
            await().atMost(Duration.ofSeconds(60)).until(() -> chains(c).equals(List.of("new")));
        } finally {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void aRetentionUnderAMinuteIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> ControlPlaneSettings.builder().sentRetention(Duration.ofSeconds(5)).build())
                .hasMessageContaining(ControlPlaneSettings.SENT_RETENTION.key());
        assertThat(ControlPlaneSettings.defaults().sentRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void expiredRowsAreLookedForEveryHundredthOfTheRetentionBetweenASecondAndAnHour() {
        assertThat(ControlPlaneServer.retentionPeriod(Duration.ofSeconds(100))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ControlPlaneServer.retentionPeriod(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ControlPlaneServer.retentionPeriod(Duration.ofDays(7))).isEqualTo(Duration.ofHours(1));
        assertThat(ControlPlaneServer.retentionPeriod(Duration.ofHours(10))).isEqualTo(Duration.ofMinutes(6));
    }

    private static List<String> chains(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT chain_id FROM cp_sent_requests ORDER BY chain_id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(PostgresStorageTest.URL, PostgresStorageTest.USER,
                PostgresStorageTest.PASSWORD);
    }
}
