package dev.lunar.telemetry.controlplane;

import static dev.lunar.telemetry.controlplane.Batches.batch;
import static dev.lunar.telemetry.controlplane.Batches.ep;
import static dev.lunar.telemetry.controlplane.Batches.partial;
import static dev.lunar.telemetry.controlplane.Batches.window;
import static dev.lunar.telemetry.controlplane.Batches.withSourceEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written before partial aggregates (no {@code source_partition}) is migrated at start-up, on H2 and on
 * a real PostgreSQL: its rows answer exactly as before, partials of new windows are merged at query time, partials of
 * an old window replace its whole row once they hold more events, and a second start changes nothing.
 */
class SchemaMigrationTest {
    static final String TENANT = "acme-old";
    static final String TOKEN = "token-of-acme-old-0123456789";
    static final Instant W0 = Instant.parse("2026-01-05T10:00:00Z");
    static final Instant W1 = W0.plusSeconds(60);
    static final Instant W2 = W0.plusSeconds(120);

    /** The tables as the control plane created them before partials, and two whole windows written then. */
    static final List<String> OLD_SCHEMA_AND_ROWS = List.of(
            "CREATE TABLE cp_endpoint_aggregates (tenant_id VARCHAR(128) NOT NULL, window_start_ms BIGINT NOT NULL,"
                    + " window_length_ms BIGINT NOT NULL, provider VARCHAR(255) NOT NULL, method VARCHAR(16) NOT NULL,"
                    + " path_template VARCHAR(1024) NOT NULL, idempotency_key VARCHAR(2000) NOT NULL,"
                    + " source_events BIGINT NOT NULL, calls BIGINT NOT NULL, errors BIGINT NOT NULL,"
                    + " status_2xx BIGINT NOT NULL, status_3xx BIGINT NOT NULL, status_4xx BIGINT NOT NULL,"
                    + " status_5xx BIGINT NOT NULL, latency_sum_ms BIGINT NOT NULL, latency_max_ms BIGINT NOT NULL,"
                    + " latency_p95_ms DOUBLE PRECISION, updated_at_ms BIGINT NOT NULL, PRIMARY KEY (tenant_id,"
                    + " window_start_ms, window_length_ms, provider, method, path_template))",
            "CREATE TABLE cp_window_overviews (tenant_id VARCHAR(128) NOT NULL, window_start_ms BIGINT NOT NULL,"
                    + " window_length_ms BIGINT NOT NULL, idempotency_key VARCHAR(400) NOT NULL,"
                    + " source_events BIGINT NOT NULL, calls BIGINT NOT NULL, errors BIGINT NOT NULL,"
                    + " providers INTEGER NOT NULL, top_endpoints VARCHAR(200000) NOT NULL,"
                    + " updated_at_ms BIGINT NOT NULL, PRIMARY KEY (tenant_id, window_start_ms, window_length_ms))",
            "CREATE INDEX IF NOT EXISTS cp_endpoint_aggregates_by_time ON cp_endpoint_aggregates (tenant_id,"
                    + " window_start_ms)",
            endpointRow(W0, 3, 100, 5, 193.75),
            overviewRow(W0, 3, 100, 5),
            endpointRow(W1, 2, 40, 1, 80.0),
            overviewRow(W1, 2, 40, 1));

    static String endpointRow(Instant start, long events, long calls, long errors, double p95) {
        long t = start.toEpochMilli();
        return "INSERT INTO cp_endpoint_aggregates VALUES ('" + TENANT + "', " + t + ", 60000, 'api.stripe.com', 'GET',"
                + " '/v1/charges', '" + TENANT + "|" + start + "|60000|api.stripe.com|GET /v1/charges', " + events + ", "
                + calls + ", " + errors + ", " + (calls - errors) + ", 0, " + errors + ", 0, " + (calls * 10) + ", 400, "
                + p95 + ", " + t + ")";
    }

    static String overviewRow(Instant start, long events, long calls, long errors) {
        long t = start.toEpochMilli();
        return "INSERT INTO cp_window_overviews VALUES ('" + TENANT + "', " + t + ", 60000, '" + TENANT + "|" + start
                + "|60000', " + events + ", " + calls + ", " + errors + ", 1, '[{\"provider\":\"api.stripe.com\","
                + "\"method\":\"GET\",\"pathTemplate\":\"/v1/charges\",\"calls\":" + calls + ",\"errors\":" + errors
                + "}]', " + t + ")";
    }

    @TempDir
    Path dataDir;

    @Test
    void anH2DatabaseOfTheOldSchemaIsMigratedAndItsRowsStayReadable() throws SQLException {
        ControlPlaneSettings.Builder storage = ControlPlaneSettings.builder().dataDir(dataDir);
        String url = storage.build().effectiveJdbcUrl();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            for (String sql : OLD_SCHEMA_AND_ROWS) {
                s.execute(sql);
            }
        }
        migratedDatabaseAnswersOldRowsAndMergesNewPartials(storage);
    }

    @Test
    void aPostgresqlDatabaseOfTheOldSchemaIsMigratedAndItsRowsStayReadable() throws SQLException {
        String schema = "cp_migration_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = PostgresStorageTest.URL + (PostgresStorageTest.URL.contains("?") ? "&" : "?") + "currentSchema="
                + schema;
        try (Connection c = DriverManager.getConnection(PostgresStorageTest.URL, PostgresStorageTest.USER,
                PostgresStorageTest.PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            try (Connection c = DriverManager.getConnection(url, PostgresStorageTest.USER, PostgresStorageTest.PASSWORD);
                    Statement s = c.createStatement()) {
                for (String sql : OLD_SCHEMA_AND_ROWS) {
                    s.execute(sql);
                }
            }
            migratedDatabaseAnswersOldRowsAndMergesNewPartials(ControlPlaneSettings.builder().dataDir(dataDir)
                    .jdbcUrl(url).jdbcUser(PostgresStorageTest.USER).jdbcPassword(PostgresStorageTest.PASSWORD));
        } finally {
            try (Connection c = DriverManager.getConnection(PostgresStorageTest.URL, PostgresStorageTest.USER,
                    PostgresStorageTest.PASSWORD); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private void migratedDatabaseAnswersOldRowsAndMergesNewPartials(ControlPlaneSettings.Builder storage) {
        try (ControlPlaneServer cp = start(storage)) {
            // the old rows, as before
            JsonNode rows = get(cp, "aggregates").get("endpoints");
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).get("idempotencyKey").asText())
                    .isEqualTo(TENANT + "|" + W0 + "|60000|api.stripe.com|GET /v1/charges");
            assertThat(rows.get(0).at("/latency/p95Ms").asDouble()).isEqualTo(193.75);
            JsonNode windows = get(cp, "windows").get("windows");
            assertThat(windows.get(0).get("topEndpoints").get(0).get("calls").asLong()).isEqualTo(100);
            assertThat(get(cp, "summary").at("/totals/calls").asLong()).isEqualTo(140);

            // W2 arrives as two partials, W1 as partials that together hold more events than its old whole row
            put(cp, batch(TENANT,
                    partial(window(TENANT, W2, List.of(ep("api.stripe.com", "GET", "/v1/charges", 10, 0, 0, 0, 100,
                            40, 30.0))), 0, new long[] {25, 4, 50, 6}),
                    partial(window(TENANT, W2, List.of(ep("api.stripe.com", "GET", "/v1/charges", 5, 0, 1, 0, 60, 120,
                            90.0))), 1, new long[] {100, 6}),
                    partial(window(TENANT, W1, List.of(withSourceEvents(ep("api.stripe.com", "GET", "/v1/charges", 30,
                            0, 1, 0, 310, 400, 80.0), 2))), 0, new long[] {100, 31}),
                    partial(window(TENANT, W1, List.of(ep("api.stripe.com", "GET", "/v1/charges", 15, 0, 0, 0, 150,
                            20, 20.0))), 3, new long[] {25, 15})));
            assertMigratedAndMerged(cp);
        }
        // a second start finds the schema current and answers the same
        try (ControlPlaneServer cp = start(storage)) {
            assertMigratedAndMerged(cp);
        }
    }

    private static void assertMigratedAndMerged(ControlPlaneServer cp) {
        JsonNode rows = get(cp, "aggregates").get("endpoints");
        assertThat(rows).extracting(r -> r.get("windowStart").asText() + " " + r.get("sourceEvents").asLong() + " "
                + r.get("calls").asLong() + " " + r.get("errors").asLong())
                .containsExactly(W0 + " 3 100 5", W1 + " 3 46 1", W2 + " 2 16 1");
        // W2's histograms merged: 25:4, 50:6, 100:6 (N = 16): rank 15.2 lies in (50, 100] after 10
        assertThat(rows.get(2).at("/latency/p95Ms").asDouble()).isCloseTo(50 + 50 * (15.2 - 10) / 6,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rows.get(2).at("/latency/maxMs").asLong()).isEqualTo(120);
        JsonNode summary = get(cp, "summary");
        assertThat(summary.at("/totals/calls").asLong()).isEqualTo(162);
        assertThat(summary.at("/totals/errors").asLong()).isEqualTo(7);
        assertThat(summary.at("/totals/windows").asLong()).isEqualTo(3);
        JsonNode windows = get(cp, "windows").get("windows");
        assertThat(windows).extracting(w -> w.get("idempotencyKey").asText() + " " + w.get("sourceEvents").asLong()
                + " " + w.get("calls").asLong() + " " + w.at("/topEndpoints/0/calls").asLong())
                .containsExactly(TENANT + "|" + W0 + "|60000 3 100 100", TENANT + "|" + W1 + "|60000 3 46 46",
                        TENANT + "|" + W2 + "|60000 2 16 16");
    }

    private static ControlPlaneServer start(ControlPlaneSettings.Builder storage) {
        return ControlPlaneServer.start(storage.port(0).tenantToken(TENANT, TOKEN).build(), new SimpleMeterRegistry());
    }

    private static JsonNode get(ControlPlaneServer cp, String what) {
        TestHttp.Answer a = TestHttp.get(cp.url(), HttpApi.API + "/tenants/" + TENANT + "/" + what + "?from=" + W0
                + "&to=" + W0.plusSeconds(3600), TOKEN);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json();
    }

    private static void put(ControlPlaneServer cp, JsonNode body) {
        TestHttp.Answer a = TestHttp.put(cp.url(), TOKEN, body);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }
}
