package dev.lunar.telemetry.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lunar.telemetry.controlplane.SqlDialect.Column;
import dev.lunar.telemetry.controlplane.SqlDialect.Table;
import dev.lunar.telemetry.controlplane.StoredRows.EndpointRow;
import dev.lunar.telemetry.controlplane.StoredRows.EndpointRows;
import dev.lunar.telemetry.controlplane.StoredRows.OverviewPartial;
import dev.lunar.telemetry.controlplane.StoredRows.OverviewRow;
import dev.lunar.telemetry.controlplane.StoredRows.PartialRow;
import dev.lunar.telemetry.controlplane.StoredRows.Summary;
import dev.lunar.telemetry.controlplane.StoredRows.UpsertResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates in a relational database (embedded H2 file by default, PostgreSQL by configuration) through a small
 * HikariCP pool. Every method blocks: callers run it on a scheduler meant for blocking work, never on an event loop.
 *
 * <p>Delivery contract: {@link #upsert} writes a whole batch in one transaction — all of it or nothing — keyed by
 * the idempotency key (tenant, window start, window length, source partition, provider, method, path template; the
 * overview by tenant, window start, window length, source partition), so a redelivered or replayed batch replaces
 * rows with identical values instead of adding to them. See {@link SqlDialect} for when a row is replaced and when it
 * is ignored as stale. Rows are partials of one source partition (-1: a whole window, as written before partials);
 * queries answer their merge ({@link PartialMerge}).
 *
 * <p>Schema: tables are created when missing; tables of the schema before partials (no {@code source_partition})
 * are migrated at start-up, their rows kept as whole windows ({@link #migrate}).
 */
final class AggregateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 3;
    private static final int SUMMARY_MAX_ENDPOINTS = 500;

    static final Table ENDPOINTS = new Table("cp_endpoint_aggregates", List.of(
            new Column("tenant_id", "VARCHAR(128)", true),
            new Column("window_start_ms", "BIGINT", true),
            new Column("window_length_ms", "BIGINT", true),
            new Column("source_partition", "INTEGER", true),
            new Column("provider", "VARCHAR(255)", true),
            new Column("method", "VARCHAR(16)", true),
            new Column("path_template", "VARCHAR(1024)", true),
            new Column("idempotency_key", "VARCHAR(2000)", false),
            new Column("source_events", "BIGINT", false),
            new Column("calls", "BIGINT", false),
            new Column("errors", "BIGINT", false),
            new Column("status_2xx", "BIGINT", false),
            new Column("status_3xx", "BIGINT", false),
            new Column("status_4xx", "BIGINT", false),
            new Column("status_5xx", "BIGINT", false),
            new Column("latency_sum_ms", "BIGINT", false),
            new Column("latency_max_ms", "BIGINT", false),
            new Column("latency_p95_ms", "DOUBLE PRECISION", false, true),
            new Column("latency_histogram", "VARCHAR(100000)", false, true),
            new Column("updated_at_ms", "BIGINT", false)));

    static final Table OVERVIEWS = new Table("cp_window_overviews", List.of(
            new Column("tenant_id", "VARCHAR(128)", true),
            new Column("window_start_ms", "BIGINT", true),
            new Column("window_length_ms", "BIGINT", true),
            new Column("source_partition", "INTEGER", true),
            new Column("idempotency_key", "VARCHAR(400)", false),
            new Column("source_events", "BIGINT", false),
            new Column("calls", "BIGINT", false),
            new Column("errors", "BIGINT", false),
            new Column("providers", "INTEGER", false),
            new Column("top_endpoints", "VARCHAR(200000)", false),
            new Column("top_endpoints_limit", "INTEGER", false, true),
            new Column("updated_at_ms", "BIGINT", false)));

    /** The columns partials added to each table (besides {@code source_partition}), for {@link #migrate}. */
    private static final Map<Table, List<Column>> ADDED_FOR_PARTIALS = Map.of(
            ENDPOINTS, List.of(ENDPOINTS.columns().stream().filter(c -> c.name().equals("latency_histogram"))
                    .findFirst().orElseThrow()),
            OVERVIEWS, List.of(OVERVIEWS.columns().stream().filter(c -> c.name().equals("top_endpoints_limit"))
                    .findFirst().orElseThrow()));

    private final HikariDataSource dataSource;
    private final SqlDialect dialect;
    private final String upsertEndpoint;
    private final String upsertOverview;
    private final Clock clock;
    private final String description;

    private AggregateStore(HikariDataSource dataSource, SqlDialect dialect, Clock clock, String description) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.clock = clock;
        this.description = description;
        this.upsertEndpoint = dialect.upsert(ENDPOINTS);
        this.upsertOverview = dialect.upsert(OVERVIEWS);
    }

    /** Opens the pool and creates the tables if they are missing. */
    static AggregateStore open(ControlPlaneSettings settings, MeterRegistry registry, Clock clock) {
        String url = settings.effectiveJdbcUrl();
        SqlDialect dialect = SqlDialect.forJdbcUrl(url);
        String description;
        if (settings.jdbcUrl().isEmpty()) {
            Path dir = settings.embeddedDatabaseBase().getParent();
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create " + dir.toAbsolutePath() + " for the control plane's"
                        + " database: check that " + ControlPlaneSettings.DATA_DIR + " is writable", e);
            }
            description = "embedded H2 " + settings.embeddedDatabaseBase().toAbsolutePath() + ".mv.db";
        } else {
            description = dialect.name().toLowerCase(java.util.Locale.ROOT) + " " + redact(url);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("control-plane");
        config.setJdbcUrl(url);
        config.setUsername(settings.jdbcUser().orElse(settings.jdbcUrl().isEmpty() ? "sa" : null));
        config.setPassword(settings.jdbcPassword().orElse(settings.jdbcUrl().isEmpty() ? "" : null));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setAutoCommit(true);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        if (registry != null) {
            config.setMetricRegistry(registry);
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the control plane's database (" + description + "): "
                    + rootMessage(e) + ". Check " + ControlPlaneSettings.JDBC_URL + ", "
                    + ControlPlaneSettings.JDBC_USER + " and " + ControlPlaneSettings.JDBC_PASSWORD, e);
        }
        AggregateStore store = new AggregateStore(ds, dialect, clock, description);
        try {
            store.createSchema();
        } catch (SQLException | RuntimeException e) {
            ds.close();
            throw new IllegalStateException("cannot create the control plane's tables in " + description + ": "
                    + e.getMessage(), e);
        }
        LOG.info("Control-plane storage: {}", description);
        return store;
    }

    String description() {
        return description;
    }

    SqlDialect dialect() {
        return dialect;
    }

    /** The pool, for the other tables of the same database ({@link SentStore}). */
    javax.sql.DataSource dataSource() {
        return dataSource;
    }

    private void createSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(ENDPOINTS.createTable());
            s.execute(OVERVIEWS.createTable());
            migrate(c, ENDPOINTS);
            migrate(c, OVERVIEWS);
            s.execute("CREATE INDEX IF NOT EXISTS cp_endpoint_aggregates_by_time ON cp_endpoint_aggregates"
                    + " (tenant_id, window_start_ms)");
        }
    }

    /**
     * Brings a table of the schema before partials to the current one: adds {@code source_partition} (existing rows
     * get -1, a whole window) and the other new columns (NULL), and makes the partition part of the primary key.
     * One transaction on PostgreSQL; on H2, where DDL commits at once, each step checks whether it is still needed,
     * so a start interrupted half-way finishes the migration the next time.
     */
    private void migrate(Connection c, Table table) throws SQLException {
        boolean hadPartition = hasColumn(c, table.name(), "source_partition");
        if (hadPartition && primaryKeyHas(c, table.name(), "source_partition")) {
            return;
        }
        LOG.info("Migrating {} to partial aggregates per source partition ({})", table.name(), description);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (!hadPartition) {
                s.execute("ALTER TABLE " + table.name() + " ADD COLUMN source_partition INTEGER DEFAULT -1 NOT NULL");
            }
            for (Column added : ADDED_FOR_PARTIALS.get(table)) {
                if (!hasColumn(c, table.name(), added.name())) {
                    s.execute("ALTER TABLE " + table.name() + " ADD COLUMN " + added.name() + " " + added.type());
                }
            }
            if (primaryKeyHas(c, table.name(), null)) {
                s.execute(dialect.dropPrimaryKey(table.name()));
            }
            s.execute("ALTER TABLE " + table.name() + " ADD PRIMARY KEY (" + table.keyColumnNames() + ")");
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE LOWER(TABLE_SCHEMA) = LOWER(CURRENT_SCHEMA) AND LOWER(TABLE_NAME) = ?"
                + " AND LOWER(COLUMN_NAME) = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /** Whether {@code table}'s primary key holds {@code column} (any column when null). */
    private static boolean primaryKeyHas(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc"
                + " JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME"
                + " AND k.TABLE_SCHEMA = tc.TABLE_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME"
                + " WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY' AND LOWER(tc.TABLE_SCHEMA) = LOWER(CURRENT_SCHEMA)"
                + " AND LOWER(tc.TABLE_NAME) = ?" + (column == null ? "" : " AND LOWER(k.COLUMN_NAME) = ?"))) {
            ps.setString(1, table);
            if (column != null) {
                ps.setString(2, column);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /** Stores {@code batch} in one transaction; retried on a concurrent-insert conflict. */
    UpsertResult upsert(AggregateBatch batch) {
        requireBlockingAllowed();
        SQLException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return upsertOnce(batch);
            } catch (SQLException e) {
                last = e;
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                boolean conflict = state.startsWith("23") || state.startsWith("40") || state.equals("HYT00");
                if (!conflict) {
                    break;
                }
                LOG.debug("upsert conflict (SQLState {}), attempt {} of {}", state, attempt, MAX_ATTEMPTS);
            }
        }
        throw new StorageException("storing aggregates in " + description + " failed: " + last.getMessage(), last);
    }

    private UpsertResult upsertOnce(AggregateBatch batch) throws SQLException {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ep = c.prepareStatement(upsertEndpoint);
                    PreparedStatement ov = c.prepareStatement(upsertOverview)) {
                for (AggregateBatch.Window w : batch.windows()) {
                    for (AggregateBatch.Endpoint e : w.endpoints()) {
                        int i = 1;
                        ep.setString(i++, batch.tenant());
                        ep.setLong(i++, w.windowStart().toEpochMilli());
                        ep.setLong(i++, w.windowLengthMs());
                        ep.setInt(i++, w.sourcePartition());
                        ep.setString(i++, e.provider());
                        ep.setString(i++, e.method());
                        ep.setString(i++, e.pathTemplate());
                        ep.setString(i++, e.idempotencyKey());
                        ep.setLong(i++, e.sourceEvents());
                        ep.setLong(i++, e.calls());
                        ep.setLong(i++, e.errors());
                        ep.setLong(i++, e.status2xx());
                        ep.setLong(i++, e.status3xx());
                        ep.setLong(i++, e.status4xx());
                        ep.setLong(i++, e.status5xx());
                        ep.setLong(i++, e.latencySumMs());
                        ep.setLong(i++, e.latencyMaxMs());
                        if (e.latencyP95Ms() == null) {
                            ep.setNull(i++, Types.DOUBLE);
                        } else {
                            ep.setDouble(i++, e.latencyP95Ms());
                        }
                        if (e.histogram() == null) {
                            ep.setNull(i++, Types.VARCHAR);
                        } else {
                            ep.setString(i++, e.histogram().format());
                        }
                        ep.setLong(i, now);
                        ep.addBatch();
                    }
                    int i = 1;
                    ov.setString(i++, batch.tenant());
                    ov.setLong(i++, w.windowStart().toEpochMilli());
                    ov.setLong(i++, w.windowLengthMs());
                    ov.setInt(i++, w.sourcePartition());
                    ov.setString(i++, w.idempotencyKey());
                    ov.setLong(i++, w.sourceEvents());
                    ov.setLong(i++, w.overview().calls());
                    ov.setLong(i++, w.overview().errors());
                    ov.setInt(i++, w.overview().providers());
                    ov.setString(i++, topEndpointsJson(w.overview().topEndpoints()));
                    if (w.overview().topEndpointsLimit() == null) {
                        ov.setNull(i++, Types.INTEGER);
                    } else {
                        ov.setInt(i++, w.overview().topEndpointsLimit());
                    }
                    ov.setLong(i, now);
                    ov.addBatch();
                }
                int[] endpointCounts = ep.executeBatch();
                int[] overviewCounts = ov.executeBatch();
                c.commit();
                int epStored = written(endpointCounts);
                int ovStored = written(overviewCounts);
                return new UpsertResult(epStored, endpointCounts.length - epStored, ovStored,
                        overviewCounts.length - ovStored);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static int written(int[] counts) {
        int n = 0;
        for (int count : counts) {
            if (count > 0 || count == Statement.SUCCESS_NO_INFO) {
                n++;
            }
        }
        return n;
    }

    /**
     * The tenant's endpoint aggregates whose window starts in {@code [from, to)}, oldest first: per (window,
     * endpoint) the merge of its stored partials ({@link PartialMerge#mergeEndpoint}).
     */
    EndpointRows endpoints(String tenant, Instant from, Instant to, int maxRows) {
        requireBlockingAllowed();
        List<EndpointRow> rows = new ArrayList<>();
        forEachMergedEndpoint(tenant, from, to, row -> {
            rows.add(row);
            return rows.size() <= maxRows;
        });
        boolean truncated = rows.size() > maxRows;
        return new EndpointRows(truncated ? List.copyOf(rows.subList(0, maxRows)) : List.copyOf(rows), truncated);
    }

    /**
     * The tenant's window overviews whose window starts in {@code [from, to)}, oldest first, at most {@code maxRows}:
     * per window the merge of its partials ({@link PartialMerge#mergeWindow}).
     */
    List<OverviewRow> overviews(String tenant, Instant from, Instant to, int maxRows) {
        requireBlockingAllowed();
        String sql = "SELECT window_start_ms, window_length_ms, source_partition, idempotency_key, source_events,"
                + " calls, errors, providers, top_endpoints, top_endpoints_limit, updated_at_ms FROM cp_window_overviews"
                + " WHERE tenant_id = ? AND window_start_ms >= ? AND window_start_ms < ?"
                + " ORDER BY window_start_ms, window_length_ms, source_partition";
        Map<List<Long>, List<OverviewPartial>> windows = query(sql, ps -> {
            ps.setString(1, tenant);
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
        }, rs -> {
            Map<List<Long>, List<OverviewPartial>> byWindow = new LinkedHashMap<>();
            while (rs.next()) {
                List<Long> window = List.of(rs.getLong(1), rs.getLong(2));
                if (!byWindow.containsKey(window) && byWindow.size() == maxRows) {
                    break;
                }
                int limit = rs.getInt(10);
                Integer limitValue = rs.wasNull() ? null : limit;
                byWindow.computeIfAbsent(window, k -> new ArrayList<>()).add(new OverviewPartial(
                        Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2), rs.getInt(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getInt(8), rs.getString(9), limitValue,
                        Instant.ofEpochMilli(rs.getLong(11))));
            }
            return byWindow;
        });
        // only windows with partials are computed from their endpoints; a whole window's row is answered as stored
        Map<List<Long>, List<EndpointRow>> endpointsOf = new HashMap<>();
        long last = Long.MIN_VALUE;
        for (Map.Entry<List<Long>, List<OverviewPartial>> w : windows.entrySet()) {
            if (w.getValue().size() > 1 || !w.getValue().get(0).whole()) {
                endpointsOf.put(w.getKey(), new ArrayList<>());
                last = Math.max(last, w.getKey().get(0));
            }
        }
        if (!endpointsOf.isEmpty()) {
            forEachMergedEndpoint(tenant, from, Instant.ofEpochMilli(last + 1), row -> {
                List<EndpointRow> of = endpointsOf.get(List.of(row.windowStart().toEpochMilli(), row.windowLengthMs()));
                if (of != null) {
                    of.add(row);
                }
                return true;
            });
        }
        List<OverviewRow> rows = new ArrayList<>(windows.size());
        windows.forEach((window, partials) -> rows.add(PartialMerge.mergeWindow(tenant, partials,
                endpointsOf.getOrDefault(window, List.of()))));
        return List.copyOf(rows);
    }

    /** Totals over {@code [from, to)}: overall, per provider, per endpoint, and per window for the chart. */
    Summary summary(String tenant, Instant from, Instant to) {
        requireBlockingAllowed();
        PartialMerge.SummaryBuilder summary = new PartialMerge.SummaryBuilder(SUMMARY_MAX_ENDPOINTS);
        forEachMergedEndpoint(tenant, from, to, row -> {
            summary.add(row);
            return true;
        });
        return summary.build();
    }

    /**
     * Reads the tenant's stored endpoint rows in {@code [from, to)} in (window, endpoint) order, streaming, and hands
     * each (window, endpoint)'s merge to {@code sink} until it answers false.
     */
    private void forEachMergedEndpoint(String tenant, Instant from, Instant to, Predicate<EndpointRow> sink) {
        String sql = "SELECT window_start_ms, window_length_ms, source_partition, provider, method, path_template,"
                + " source_events, calls, errors, status_2xx, status_3xx, status_4xx, status_5xx, latency_sum_ms,"
                + " latency_max_ms, latency_p95_ms, latency_histogram, updated_at_ms FROM cp_endpoint_aggregates"
                + " WHERE tenant_id = ? AND window_start_ms >= ? AND window_start_ms < ?"
                + " ORDER BY window_start_ms, window_length_ms, provider, method, path_template, source_partition";
        try (Connection c = dataSource.getConnection()) {
            // PostgreSQL streams a result set (fetch size) only inside a transaction
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(1000);
                ps.setString(1, tenant);
                ps.setLong(2, from.toEpochMilli());
                ps.setLong(3, to.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    List<PartialRow> group = new ArrayList<>();
                    boolean more = true;
                    while (more && rs.next()) {
                        double p95 = rs.getDouble(16);
                        Double p95Value = rs.wasNull() ? null : p95;
                        PartialRow row = new PartialRow(Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2),
                                rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7),
                                rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                                rs.getLong(13), rs.getLong(14), rs.getLong(15), p95Value, rs.getString(17),
                                Instant.ofEpochMilli(rs.getLong(18)));
                        if (!group.isEmpty() && !PartialMerge.sameEndpoint(group.get(0), row)) {
                            more = sink.test(PartialMerge.mergeEndpoint(tenant, group));
                            group.clear();
                        }
                        group.add(row);
                    }
                    if (more && !group.isEmpty()) {
                        sink.test(PartialMerge.mergeEndpoint(tenant, group));
                    }
                }
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StorageException("querying " + description + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether a connection can be had and answers within two seconds. */
    boolean isHealthy() {
        requireBlockingAllowed();
        if (dataSource.isClosed()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** JDBC blocks: never on a Netty event loop or a Reactor parallel thread. */
    private static void requireBlockingAllowed() {
        if (reactor.core.scheduler.Schedulers.isInNonBlockingThread()) {
            throw new IllegalStateException("blocking JDBC call on the non-blocking thread "
                    + Thread.currentThread().getName() + ": run it on the control plane's boundedElastic scheduler");
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new StorageException("querying " + description + " failed: " + e.getMessage(), e);
        }
    }

    private static String topEndpointsJson(List<AggregateBatch.TopEndpoint> top) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (AggregateBatch.TopEndpoint t : top) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", t.provider());
            m.put("method", t.method());
            m.put("pathTemplate", t.pathTemplate());
            m.put("calls", t.calls());
            m.put("errors", t.errors());
            list.add(m);
        }
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** A storage failure: the API answers 503 and the caller may retry. */
    static final class StorageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StorageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
