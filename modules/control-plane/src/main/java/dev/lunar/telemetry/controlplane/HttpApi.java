package dev.lunar.telemetry.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lunar.telemetry.controlplane.BatchParser.ForbiddenTenantException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The control plane's HTTP routes. Handlers never block: storage calls run on {@code blocking} (a
 * {@code boundedElastic} scheduler), everything else is cheap.
 *
 * <pre>
 * PUT|POST /api/v1/aggregates                    store a batch (upsert by idempotency key)
 * GET      /api/v1/tenants/{tenant}/aggregates   endpoint rows whose window starts in [from, to)
 * GET      /api/v1/tenants/{tenant}/windows      per-window overviews in [from, to)
 * GET      /api/v1/tenants/{tenant}/summary      totals, per provider, per endpoint, per window (the dashboard's)
 * GET      /api/v1/tenants/{tenant}/sent         what was sent about the tenant: accepted requests in [from, to)
 *                                                from the audit trail, each with only this tenant's entries
 * GET      /dashboard/{tenant}                   the dashboard page (token from #token=... or a login form)
 * GET      /health                               {"status":"UP"} or 503 (storage probed in the background)
 * </pre>
 *
 * Every {@code /api} call needs {@code Authorization: Bearer <tenant token>}: 401 without a known token (nothing is
 * read or stored), 403 for another tenant's data. {@code from}/{@code to} are ISO-8601 instants; the default range
 * is the last 24 hours.
 */
final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    static final String API = "/api/v1";
    private static final Duration DEFAULT_RANGE = Duration.ofHours(24);
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final TenantTokens tokens;
    private final AggregateStore store;
    private final SentStore sent;
    private final ControlPlaneSettings settings;
    private final Scheduler blocking;
    private final Clock clock;
    private final MeterRegistry registry;
    private final DashboardAssets assets;
    private final StorageHealth health;

    HttpApi(TenantTokens tokens, AggregateStore store, SentStore sent, ControlPlaneSettings settings,
            Scheduler blocking, Clock clock, MeterRegistry registry, DashboardAssets assets, StorageHealth health) {
        this.sent = sent;
        this.health = health;
        this.tokens = tokens;
        this.store = store;
        this.settings = settings;
        this.blocking = blocking;
        this.clock = clock;
        this.registry = registry;
        this.assets = assets;
    }

    void routes(HttpServerRoutes r) {
        r.put(API + "/aggregates", this::ingest)
                .post(API + "/aggregates", this::ingest)
                .get(API + "/tenants/{tenant}/aggregates", (req, res) -> query(req, res, "aggregates",
                        q -> Mono.fromCallable(() -> QueryJson.aggregates(q.tenant, q.from, q.to,
                                store.endpoints(q.tenant, q.from, q.to, settings.queryMaxRows())))))
                .get(API + "/tenants/{tenant}/windows", (req, res) -> query(req, res, "windows",
                        q -> Mono.fromCallable(() -> QueryJson.windows(q.tenant, q.from, q.to,
                                store.overviews(q.tenant, q.from, q.to, settings.queryMaxRows())))))
                .get(API + "/tenants/{tenant}/summary", (req, res) -> query(req, res, "summary",
                        q -> Mono.fromCallable(() -> QueryJson.summary(q.tenant, q.from, q.to,
                                store.summary(q.tenant, q.from, q.to)))))
                .get(API + "/tenants/{tenant}/sent", (req, res) -> query(req, res, "sent",
                        q -> Mono.fromCallable(() -> QueryJson.sent(q.tenant, q.from, q.to,
                                sent.sent(q.tenant, q.from, q.to, settings.queryMaxRows())))))
                .get("/health", this::health)
                .get("/", (req, res) -> res.status(HttpResponseStatus.FOUND).header(HttpHeaderNames.LOCATION,
                        "/dashboard").send())
                .get("/dashboard", (req, res) -> asset(res, "index.html"))
                .get("/dashboard/assets/{file}", (req, res) -> asset(res, req.param("file")))
                .get("/dashboard/{tenant}", (req, res) -> asset(res, "index.html"))
                .route(req -> true, (req, res) -> json(res, "other", HttpResponseStatus.NOT_FOUND,
                        QueryJson.error("not-found", req.method() + " " + path(req) + " is not part of this API;"
                                + " see " + API + "/aggregates, " + API + "/tenants/{tenant}/summary, /dashboard/{tenant}")));
    }

    // ---- PUT/POST /api/v1/aggregates -------------------------------------------------------------------------------

    private Publisher<Void> ingest(HttpServerRequest req, HttpServerResponse res) {
        String route = "ingest";
        Optional<String> tenant = tokens.authenticate(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
        if (tenant.isEmpty()) {
            return unauthorized(req, unread(res), route);
        }
        String contentType = req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return json(unread(res), route, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    QueryJson.error("unsupported-media-type",
                            "send the batch as Content-Type: application/json, was \"" + contentType + "\""));
        }
        long declared = contentLength(req);
        if (declared > settings.maxBodyBytes()) {
            return tooLarge(unread(res), route);
        }
        return readBody(req)
                .defaultIfEmpty(new byte[0])
                .map(body -> BatchParser.parse(body, tenant.get()))
                .flatMap(batch -> Mono.fromCallable(() -> store.upsert(batch)).subscribeOn(blocking)
                        .map(result -> {
                            countRows("lunar.controlplane.aggregates.stored", "endpoint", result.endpointsStored());
                            countRows("lunar.controlplane.aggregates.stale", "endpoint", result.endpointsStale());
                            countRows("lunar.controlplane.aggregates.stored", "overview", result.overviewsStored());
                            countRows("lunar.controlplane.aggregates.stale", "overview", result.overviewsStale());
                            return QueryJson.upserted(batch.tenant(), batch.windows().size(), result);
                        }))
                .flatMap(body -> Mono.from(json(res, route, HttpResponseStatus.OK, body)))
                .onErrorResume(e -> Mono.from(failure(res, route, e)));
    }

    private Mono<byte[]> readBody(HttpServerRequest req) {
        int max = settings.maxBodyBytes();
        return req.receive().asByteArray()
                .collect(ByteArrayOutputStream::new, (out, chunk) -> {
                    if (out.size() + chunk.length > max) {
                        throw new BodyTooLargeException();
                    }
                    out.writeBytes(chunk);
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    // ---- GET queries -------------------------------------------------------------------------------------------------

    private record Query(String tenant, Instant from, Instant to) {}

    private Publisher<Void> query(HttpServerRequest req, HttpServerResponse res, String route,
            Function<Query, Mono<JsonNode>> run) {
        Optional<String> tenant = tokens.authenticate(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
        if (tenant.isEmpty()) {
            return unauthorized(req, res, route);
        }
        String asked = req.param("tenant");
        if (!tenant.get().equals(asked)) {
            return json(res, route, HttpResponseStatus.FORBIDDEN, QueryJson.error("forbidden",
                    "this token belongs to tenant " + tenant.get() + ", not to " + asked));
        }
        Query q;
        try {
            q = range(asked, new QueryStringDecoder(req.uri()).parameters());
        } catch (InvalidBodyException e) {
            return json(res, route, HttpResponseStatus.BAD_REQUEST, invalid(e));
        }
        return Mono.defer(() -> run.apply(q)).subscribeOn(blocking)
                .flatMap(body -> Mono.from(json(res, route, HttpResponseStatus.OK, body)))
                .onErrorResume(e -> Mono.from(failure(res, route, e)));
    }

    private Query range(String tenant, Map<String, List<String>> params) {
        Instant to = instant(params, "to").orElseGet(clock::instant);
        Instant from = instant(params, "from").orElse(to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw new InvalidBodyException("from", "must be before to (" + to + "), was " + from);
        }
        if (Duration.between(from, to).compareTo(settings.queryMaxRange()) > 0) {
            throw new InvalidBodyException("from", "the range " + from + " .. " + to + " is longer than "
                    + ControlPlaneSettings.QUERY_MAX_RANGE + " (" + settings.queryMaxRange() + "): ask for less");
        }
        return new Query(tenant, from, to);
    }

    private static Optional<Instant> instant(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(values.get(0)));
        } catch (DateTimeParseException e) {
            throw new InvalidBodyException(name, "must be an ISO-8601 UTC instant such as 2026-01-05T10:00:00Z,"
                    + " was \"" + values.get(0) + "\"");
        }
    }

    // ---- health and assets -------------------------------------------------------------------------------------------

    private Publisher<Void> health(HttpServerRequest req, HttpServerResponse res) {
        boolean up = health.isHealthy();
        var body = QueryJson.MAPPER.createObjectNode().put("status", up ? "UP" : "DOWN")
                .put("storage", store.description());
        return json(res, "health", up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private Publisher<Void> asset(HttpServerResponse res, String name) {
        Optional<DashboardAssets.Asset> asset = assets.get(name);
        if (asset.isEmpty()) {
            return json(res, "asset", HttpResponseStatus.NOT_FOUND, QueryJson.error("not-found", "no asset " + name));
        }
        countRequest("asset", 200);
        return securityHeaders(res)
                .status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, asset.get().contentType())
                .header(HttpHeaderNames.CACHE_CONTROL, name.equals("index.html") ? "no-store" : "max-age=300")
                .sendByteArray(Mono.just(asset.get().bytes()));
    }

    // ---- answers -----------------------------------------------------------------------------------------------------

    /**
     * A refusal answered before the request's body is read: the connection closes after it ({@code Connection:
     * close}), so no client sends its next request on a connection that still carries an unread body — a request
     * sent that way after a 401 went unanswered until the client gave up (ControlPlaneApiTest, 30 s).
     */
    private static HttpServerResponse unread(HttpServerResponse res) {
        return res.keepAlive(false);
    }

    private Publisher<Void> unauthorized(HttpServerRequest req, HttpServerResponse res, String route) {
        boolean missing = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION) == null;
        res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"lunar-control-plane\"");
        return json(res, route, HttpResponseStatus.UNAUTHORIZED, QueryJson.error("unauthorized", missing
                ? "no Authorization header: send Authorization: Bearer <the tenant's token>"
                : "the bearer token is not known: use the token configured for the tenant in "
                        + ControlPlaneSettings.TENANT_TOKENS + ".<tenant-id>"));
    }

    private Publisher<Void> tooLarge(HttpServerResponse res, String route) {
        return json(res, route, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, QueryJson.error("too-large",
                "the body is larger than " + ControlPlaneSettings.MAX_BODY_SIZE + " (" + settings.maxBodyBytes()
                        + " bytes): send fewer windows per request"));
    }

    private Publisher<Void> failure(HttpServerResponse res, String route, Throwable e) {
        if (e instanceof InvalidBodyException invalid) {
            return json(res, route, HttpResponseStatus.BAD_REQUEST, invalid(invalid));
        }
        if (e instanceof ForbiddenTenantException forbidden) {
            return json(res, route, HttpResponseStatus.FORBIDDEN, QueryJson.error("forbidden", forbidden.getMessage()));
        }
        if (e instanceof BodyTooLargeException) {
            return tooLarge(unread(res), route); // reading stopped part-way: the rest of the body is unread
        }
        if (e instanceof AggregateStore.StorageException) {
            LOG.warn("{}: {}", route, e.getMessage());
            res.header(HttpHeaderNames.RETRY_AFTER, "5");
            return json(res, route, HttpResponseStatus.SERVICE_UNAVAILABLE, QueryJson.error("storage-unavailable",
                    "the control plane could not reach its database; retry later"));
        }
        if (e instanceof ArithmeticException) {
            return json(res, route, HttpResponseStatus.BAD_REQUEST, QueryJson.error("invalid-body",
                    "counts overflow a 64-bit integer"));
        }
        LOG.error("{}: unexpected failure", route, e);
        return json(res, route, HttpResponseStatus.INTERNAL_SERVER_ERROR, QueryJson.error("internal",
                "unexpected failure; see the control plane's log"));
    }

    private static JsonNode invalid(InvalidBodyException e) {
        var n = QueryJson.error("invalid", e.getMessage());
        n.put("field", e.field());
        return n;
    }

    private Publisher<Void> json(HttpServerResponse res, String route, HttpResponseStatus status, JsonNode body) {
        countRequest(route, status.code());
        byte[] bytes;
        try {
            bytes = QueryJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            bytes = "{\"error\":\"internal\"}".getBytes(StandardCharsets.UTF_8);
        }
        return securityHeaders(res)
                .status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .sendByteArray(Mono.just(bytes));
    }

    private static HttpServerResponse securityHeaders(HttpServerResponse res) {
        return res.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
    }

    private void countRequest(String route, int status) {
        Counter.builder("lunar.controlplane.requests").tag("route", route).tag("status", Integer.toString(status))
                .description("HTTP requests answered by the control plane").register(registry).increment();
    }

    private void countRows(String name, String kind, long amount) {
        if (amount > 0) {
            Counter.builder(name).tag("kind", kind).register(registry).increment(amount);
        }
    }

    private static long contentLength(HttpServerRequest req) {
        String value = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String path(HttpServerRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static final class BodyTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException() {
            super("body too large", null, false, false);
        }
    }
}
