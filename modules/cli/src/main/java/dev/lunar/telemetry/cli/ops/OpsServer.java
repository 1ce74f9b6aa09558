package dev.lunar.telemetry.cli.ops;

import dev.lunar.telemetry.health.HealthCheck;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Loopback HTTP endpoint for operators: {@code GET /metrics} (Prometheus text format) and {@code GET /health}
 * (JSON; 200 when every registered component is healthy, 503 otherwise). Binds 127.0.0.1 unless told otherwise.
 */
public final class OpsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
    private final DisposableServer server;
    private final PrometheusMeterRegistry registry;

    private OpsServer(String host, int port, PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.server = HttpServer.create()
                .host(host)
                .port(port)
                .route(routes -> routes
                        .get("/metrics", (req, res) -> res
                                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                .sendString(Mono.fromCallable(registry::scrape)))
                        .get("/health", (req, res) -> {
                            ObjectNode body = healthJson();
                            boolean up = "UP".equals(body.get("status").asText());
                            return res.status(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                                    .header("Content-Type", "application/json")
                                    .sendString(Mono.just(body.toString()));
                        }))
                .bindNow();
    }

    /** Starts on 127.0.0.1:{@code port} (0 = any free port). */
    public static OpsServer start(int port, PrometheusMeterRegistry registry) {
        return new OpsServer("127.0.0.1", port, registry);
    }

    /** Starts on {@code host}:{@code port}; a container binds 0.0.0.0 so Prometheus can scrape it. */
    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry) {
        return new OpsServer(host, port, registry);
    }

    /**
     * Adds a component to {@code /health}, and to {@code /metrics} as {@code lunar_health_up{component}} (1 UP, 0
     * DOWN) so Prometheus can alert on it.
     */
    public void register(String component, HealthCheck check) {
        checks.put(component, check);
        // Reads the map, so a component registered again is reported by its newest check.
        io.micrometer.core.instrument.Gauge.builder("lunar.health.up", checks, m -> upValue(m.get(component)))
                .tag("component", component).description("1 when the component's health check is UP, else 0")
                .register(registry);
    }

    private static double upValue(HealthCheck check) {
        try {
            return check != null && check.isHealthy() ? 1 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public int port() {
        return server.port();
    }

    public String url() {
        String host = server.host();
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + server.port();
    }

    ObjectNode healthJson() {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode components = body.putObject("components");
        boolean allUp = true;
        for (Map.Entry<String, HealthCheck> entry : new java.util.TreeMap<>(checks).entrySet()) {
            boolean up;
            String detail;
            try {
                up = entry.getValue().isHealthy();
                detail = entry.getValue().healthDetail();
            } catch (RuntimeException e) {
                up = false;
                detail = "health check failed: " + e.getClass().getSimpleName();
            }
            allUp &= up;
            ObjectNode component = components.putObject(entry.getKey());
            component.put("status", up ? "UP" : "DOWN");
            component.put("detail", detail);
        }
        body.put("status", allUp ? "UP" : "DOWN");
        return body;
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
