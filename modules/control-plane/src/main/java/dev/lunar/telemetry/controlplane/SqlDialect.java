package dev.lunar.telemetry.controlplane;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place where H2 and PostgreSQL SQL differ: the conditional upsert. Everything else (DDL, queries) is the
 * same standard SQL for both.
 *
 * <p>An upsert inserts the row, or replaces the stored row with the same key unless the stored row was computed from
 * more source events than the incoming one: a redelivery (same events) or a correction (more events, after late
 * data) replaces, a stale or partial recomputation (fewer events, e.g. a replay that started in the middle of a
 * window) is ignored. Its update count is 1 when the row was written and 0 when it was ignored.
 *
 * <ul>
 *   <li>PostgreSQL: {@code INSERT ... ON CONFLICT (key) DO UPDATE SET ... WHERE stored.source_events <=
 *       EXCLUDED.source_events} — atomic under concurrent writers.</li>
 *   <li>H2: standard {@code MERGE INTO ... USING (VALUES ...) ON key WHEN MATCHED AND ... THEN UPDATE WHEN NOT
 *       MATCHED THEN INSERT}; H2 has no {@code ON CONFLICT ... DO UPDATE}. A concurrent insert of the same key
 *       fails with a unique-key violation, which the store retries.</li>
 * </ul>
 */
enum SqlDialect {
    H2 {
        @Override
        String upsert(Table table) {
            String cols = table.columnNames();
            String sourceValues = table.columns().stream()
                    .map(c -> "CAST(? AS " + c.type() + ")").collect(Collectors.joining(", "));
            String on = table.keyColumns().stream().map(c -> "t." + c.name() + " = s." + c.name())
                    .collect(Collectors.joining(" AND "));
            String set = table.valueColumns().stream().map(c -> c.name() + " = s." + c.name())
                    .collect(Collectors.joining(", "));
            String insertValues = table.columns().stream().map(c -> "s." + c.name())
                    .collect(Collectors.joining(", "));
            return "MERGE INTO " + table.name() + " t USING (VALUES (" + sourceValues + ")) AS s(" + cols + ")"
                    + " ON " + on
                    + " WHEN MATCHED AND t.source_events <= s.source_events THEN UPDATE SET " + set
                    + " WHEN NOT MATCHED THEN INSERT (" + cols + ") VALUES (" + insertValues + ")";
        }
    },
    POSTGRESQL {
        @Override
        String upsert(Table table) {
            String params = table.columns().stream().map(c -> "?").collect(Collectors.joining(", "));
            String key = table.keyColumns().stream().map(Column::name).collect(Collectors.joining(", "));
            String set = table.valueColumns().stream().map(c -> c.name() + " = EXCLUDED." + c.name())
                    .collect(Collectors.joining(", "));
            return "INSERT INTO " + table.name() + " (" + table.columnNames() + ") VALUES (" + params + ")"
                    + " ON CONFLICT (" + key + ") DO UPDATE SET " + set
                    + " WHERE " + table.name() + ".source_events <= EXCLUDED.source_events";
        }
    };

    /** An upsert of every column of {@code table}, parameters in {@link Table#columns()} order. */
    abstract String upsert(Table table);

    /** Drops {@code table}'s primary key (H2 and PostgreSQL name it differently). */
    String dropPrimaryKey(String table) {
        return this == H2 ? "ALTER TABLE " + table + " DROP PRIMARY KEY"
                : "ALTER TABLE " + table + " DROP CONSTRAINT " + table + "_pkey";
    }

    static SqlDialect forJdbcUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        throw new IllegalArgumentException(ControlPlaneSettings.JDBC_URL + " must start with jdbc:postgresql: or"
                + " jdbc:h2: (was " + url.replaceAll("password=[^&;]*", "password=***") + "): use"
                + " jdbc:postgresql://host:5432/database, or leave it unset for the embedded database");
    }

    /** @param nullable whether the column may hold NULL (never a key column) */
    record Column(String name, String type, boolean key, boolean nullable) {
        Column(String name, String type, boolean key) {
            this(name, type, key, false);
        }
    }

    record Table(String name, List<Column> columns) {
        List<Column> keyColumns() {
            return columns.stream().filter(Column::key).toList();
        }

        List<Column> valueColumns() {
            return columns.stream().filter(c -> !c.key()).toList();
        }

        String columnNames() {
            return columns.stream().map(Column::name).collect(Collectors.joining(", "));
        }

        String keyColumnNames() {
            return keyColumns().stream().map(Column::name).collect(Collectors.joining(", "));
        }

        /** {@code CREATE TABLE IF NOT EXISTS}, the same for both databases. */
        String createTable() {
            String defs = columns.stream()
                    .map(c -> c.name() + " " + c.type() + (c.nullable() ? "" : " NOT NULL"))
                    .collect(Collectors.joining(", "));
            String key = keyColumns().stream().map(Column::name).collect(Collectors.joining(", "));
            return "CREATE TABLE IF NOT EXISTS " + name + " (" + defs + ", PRIMARY KEY (" + key + "))";
        }
    }
}
