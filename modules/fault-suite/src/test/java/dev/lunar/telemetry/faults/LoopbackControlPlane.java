package dev.lunar.telemetry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.ControlPlaneConfig;
import dev.lunar.telemetry.controlplane.ControlPlaneServer;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The real control plane ({@link ControlPlaneServer}, embedded H2 under the run's directory, on 127.0.0.1), configured
 * as the product is: one YAML file with {@code control-plane.tenant-tokens.<tenant>} and
 * {@code control-plane-forwarder.tenant-tokens.<tenant>} (as {@code deploy/lunar-telemetry.yaml}), read by the cli's
 * own binder here and by {@code lunar-telemetry forward-controlplane --config} in the forwarder's JVM. The forwarder
 * reaches it through a {@link ControlPlaneRelay}, which can make it time out.
 *
 * <p>Every tenant gets a token on both sides, open-source and sandbox tenants too — as if an operator had configured
 * them by mistake — so that nothing but the forwarder's plan rule keeps their traffic away (P2). What it holds is read
 * back through its JSON query API ({@link #read}) and, once it is stopped, straight from its storage
 * ({@link #storedTenants()}).
 */
final class LoopbackControlPlane implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Calls, errors and status classes over a set of endpoint events or stored rows. */
    record Totals(long events, long calls, long errors, long s2xx, long s3xx, long s4xx, long s5xx) {
        static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0);

        Totals plus(Totals o) {
            return new Totals(events + o.events, calls + o.calls, errors + o.errors, s2xx + o.s2xx, s3xx + o.s3xx,
                    s4xx + o.s4xx, s5xx + o.s5xx);
        }

        static Totals of(Traffic.EndpointEvent e) {
            return new Totals(1, e.calls(), e.errors(), e.s2xx(), e.s3xx(), e.s4xx(), e.s5xx());
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%,d events, %,d calls, %,d errors (2xx %,d, 3xx %,d, 4xx %,d,"
                    + " 5xx %,d)", events, calls, errors, s2xx, s3xx, s4xx, s5xx);
        }
    }

    /**
     * What the query API answers for one tenant over the whole run.
     *
     * @param endpointRows totals over its endpoint rows ({@code /aggregates}), per {@code provider|METHOD path}
     * @param windows      totals over its window overviews ({@code /windows}); status classes are not kept there
     * @param summary      {@code /summary}'s totals (calls, errors only)
     * @param rows         endpoint rows and window rows
     */
    record Held(Map<String, Totals> endpointRows, Totals windows, Totals summary, int rows, boolean truncated) {
        Totals endpointTotals() {
            return endpointRows.values().stream().reduce(Totals.ZERO, Totals::plus);
        }
    }

    final Map<String, String> tokens = new LinkedHashMap<>();
    final Path configFile;
    final ControlPlaneSettings settings;
    private final ControlPlaneServer server;
    final ControlPlaneRelay relay;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * Writes {@code <directory>/control-plane.yaml} with a token for every tenant, starts the control plane on a
     * free port with its storage in {@code <directory>/control-plane-data}, and the relay in front of it.
     */
    LoopbackControlPlane(Path directory, List<TenantMetadata> tenants, long seed, CanaryScanner canaries) {
        SplittableRandom random = new SplittableRandom(seed);
        for (TenantMetadata t : tenants) {
            byte[] secret = new byte[12];
            random.nextBytes(secret);
            tokens.put(t.getId(), "fault-suite-" + HexFormat.of().formatHex(secret));
        }
        StringBuilder yaml = new StringBuilder("# written by the fault suite: every tenant's control-plane token\n");
        for (String section : List.of("control-plane", "control-plane-forwarder")) {
            yaml.append(section).append(":\n  tenant-tokens:\n");
            tokens.forEach((tenant, token) -> yaml.append("    ").append(tenant).append(": ").append(token)
                    .append('\n'));
        }
        try {
            Files.createDirectories(directory);
            configFile = directory.resolve("control-plane.yaml");
            Files.writeString(configFile, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConfigSource config = ConfigSource.load(Optional.of(configFile), Map.of(
                ConfigSource.envName(ControlPlaneSettings.HOST), "127.0.0.1",
                ConfigSource.envName(ControlPlaneSettings.PORT), "0"));
        settings = ControlPlaneConfig.bind(config, directory.resolve("control-plane-data"));
        server = ControlPlaneServer.start(settings, null);
        Map<String, String> tenantOfToken = new LinkedHashMap<>();
        tokens.forEach((tenant, token) -> tenantOfToken.put(token, tenant));
        relay = new ControlPlaneRelay(server.url().toString(), tenantOfToken, canaries);
    }

    /** Where the forwarder sends: the relay. */
    String forwarderUrl() {
        return relay.baseUrl();
    }

    URI url() {
        return server.url();
    }

    /** What the query API holds for {@code tenant} with window starts in {@code [from, to)}, with its own token. */
    Held read(String tenant, Instant from, Instant to) {
        String range = "?from=" + from + "&to=" + to;
        JsonNode aggregates = get(tenant, "aggregates" + range);
        Map<String, Totals> byEndpoint = new TreeMap<>();
        for (JsonNode r : aggregates.path("endpoints")) {
            JsonNode c = r.path("statusClasses");
            Totals t = new Totals(r.path("sourceEvents").asLong(), r.path("calls").asLong(), r.path("errors").asLong(),
                    c.path("2xx").asLong(), c.path("3xx").asLong(), c.path("4xx").asLong(), c.path("5xx").asLong());
            byEndpoint.merge(r.path("provider").asText() + "|" + r.path("method").asText() + " "
                    + r.path("pathTemplate").asText(), t, Totals::plus);
        }
        JsonNode windows = get(tenant, "windows" + range);
        Totals overviews = Totals.ZERO;
        for (JsonNode w : windows.path("windows")) {
            overviews = overviews.plus(new Totals(w.path("sourceEvents").asLong(), w.path("calls").asLong(),
                    w.path("errors").asLong(), 0, 0, 0, 0));
        }
        JsonNode totals = get(tenant, "summary" + range).path("totals");
        Totals summary = new Totals(0, totals.path("calls").asLong(), totals.path("errors").asLong(), 0, 0, 0, 0);
        return new Held(byEndpoint, overviews, summary,
                aggregates.path("endpoints").size() + windows.path("windows").size(),
                aggregates.path("truncated").asBoolean());
    }

    private JsonNode get(String tenant, String what) {
        URI uri = server.url().resolve("/api/v1/tenants/" + tenant + "/" + what);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tokens.get(tenant)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the relay and the control plane (idempotent). */
    void stop() {
        relay.close();
        server.close();
    }

    /**
     * The tenant ids with any row in the control plane's storage (endpoint aggregates or window overviews), read
     * straight from its H2 file. Call after {@link #stop()}.
     */
    java.util.Set<String> storedTenants() {
        java.util.Set<String> tenants = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(settings.effectiveJdbcUrl(), "sa", "");
             Statement s = c.createStatement()) {
            for (String table : List.of("cp_endpoint_aggregates", "cp_window_overviews")) {
                try (ResultSet rs = s.executeQuery("SELECT DISTINCT tenant_id FROM " + table)) {
                    while (rs.next()) {
                        tenants.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the control plane's storage " + settings.effectiveJdbcUrl()
                    + ": " + e.getMessage(), e);
        }
        return tenants;
    }

    @Override
    public void close() {
        stop();
    }
}
