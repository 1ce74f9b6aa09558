package dev.lunar.telemetry.controlplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What was sent about each tenant: the control plane's copy of the audit trail, one row per (audit record, tenant),
 * holding only that tenant's entries. Rows are keyed by (chain, sequence, tenant), so storing the same audit record
 * again (a redelivery) changes nothing. Every method blocks.
 */
final class SentStore {

    static final String TABLE = "cp_sent_requests";

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String description;

    SentStore(DataSource dataSource, SqlDialect dialect, String description) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.description = description;
    }

    void createSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (chain_id VARCHAR(200) NOT NULL,"
                    + " sequence_no BIGINT NOT NULL, tenant_id VARCHAR(128) NOT NULL, recorded_at_ms BIGINT NOT NULL,"
                    + " destination VARCHAR(64) NOT NULL, destination_host VARCHAR(300) NOT NULL,"
                    + " body_sha256 VARCHAR(64) NOT NULL, body_entries INT NOT NULL, entries INT NOT NULL,"
                    + " entries_json TEXT NOT NULL, PRIMARY KEY (chain_id, sequence_no, tenant_id))");
            s.execute("CREATE INDEX IF NOT EXISTS cp_sent_requests_by_time ON " + TABLE
                    + " (tenant_id, recorded_at_ms)");
        }
    }

    /** Deletes the rows recorded before {@code cutoffMs}; answers how many. */
    int deleteRecordedBefore(long cutoffMs) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE recorded_at_ms < ?")) {
            ps.setLong(1, cutoffMs);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new AggregateStore.StorageException("deleting old rows of " + TABLE + " in " + description
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** Stores the shares in one transaction; those already stored are left as they are. */
    void store(List<SentEntries.Share> shares) {
        if (shares.isEmpty()) {
            return;
        }
        String columns = "chain_id, sequence_no, tenant_id, recorded_at_ms, destination, destination_host,"
                + " body_sha256, body_entries, entries, entries_json";
        String sql = dialect == SqlDialect.POSTGRESQL
                ? "INSERT INTO " + TABLE + " (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (chain_id, sequence_no, tenant_id) DO NOTHING"
                : "MERGE INTO " + TABLE + " (" + columns + ") KEY (chain_id, sequence_no, tenant_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (SentEntries.Share s : shares) {
                    int i = 1;
                    ps.setString(i++, s.chainId());
                    ps.setLong(i++, s.sequence());
                    ps.setString(i++, s.tenantId());
                    ps.setLong(i++, s.recordedAtMs());
                    ps.setString(i++, s.destination());
                    ps.setString(i++, s.destinationHost());
                    ps.setString(i++, s.bodySha256());
                    ps.setInt(i++, s.bodyEntries());
                    ps.setInt(i++, s.entries());
                    ps.setString(i, s.entriesJson());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new AggregateStore.StorageException("storing the audit trail in " + description + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** {@code tenant}'s shares recorded in [from, to), oldest first, at most {@code maxRows}. */
    List<SentEntries.Share> sent(String tenant, Instant from, Instant to, int maxRows) {
        String sql = "SELECT chain_id, sequence_no, tenant_id, recorded_at_ms, destination, destination_host,"
                + " body_sha256, body_entries, entries, entries_json FROM " + TABLE
                + " WHERE tenant_id = ? AND recorded_at_ms >= ? AND recorded_at_ms < ?"
                + " ORDER BY recorded_at_ms, chain_id, sequence_no";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
            ps.setMaxRows(maxRows);
            List<SentEntries.Share> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new SentEntries.Share(rs.getString(3), rs.getString(1), rs.getLong(2), rs.getLong(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9),
                            rs.getString(10)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AggregateStore.StorageException("querying " + description + " failed: " + e.getMessage(), e);
        }
    }
}
