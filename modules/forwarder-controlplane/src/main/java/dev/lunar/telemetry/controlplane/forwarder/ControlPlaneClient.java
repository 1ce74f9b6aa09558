package dev.lunar.telemetry.controlplane.forwarder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lunar.telemetry.consumer.audit.AuditEntry;
import dev.lunar.telemetry.consumer.audit.AuditTrail;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends window aggregates to the control plane's {@code PUT /api/v1/aggregates} with Reactor Netty: one request
 * per tenant (split into requests of at most {@code max-endpoints-per-request} endpoint aggregates, whole windows),
 * each with that tenant's bearer token and an idempotency key per aggregate (see {@link AggregateWire}).
 *
 * <p>Contract: {@link #send} answers {@link SendOutcome.Accepted} only when every request was answered 2xx — only
 * then may the input be committed. It stops at the first request that is not accepted and answers its
 * classification (see {@link SendOutcome}); requests already accepted need no undo, because sending them again is
 * an upsert of the same rows. The client never retries by itself: the caller (the consumer kit) owns backoff, and
 * honours {@link SendOutcome.Retry#retryAfter()}. Tokens only ever go into the {@code Authorization} header.
 *
 * <p>Audit (P7): each accepted request is written to the {@link AuditTrail} — its exact body, one entry per window,
 * all of its tenant — and the write is awaited before the request counts as accepted; a failed write answers
 * {@link SendOutcome.Retry}, so the window is sent again (an upsert: nothing is counted twice) and audited then. Only
 * a process that dies between the control plane's answer and the audit acknowledgement leaves a request unaudited; its
 * window is not committed, so it is sent again after the restart and that copy is audited.
 */
final class ControlPlaneClient implements AutoCloseable {
    static final String PATH = "/api/v1/aggregates";

    private final ControlPlaneForwarderSettings settings;
    private final ConnectionProvider connections;
    private final HttpClient client;
    private final String target;
    private final String targetHost;
    private final AuditTrail audit;

    private ControlPlaneClient(ControlPlaneForwarderSettings settings, AuditTrail audit) {
        this.settings = settings;
        this.audit = audit;
        Duration timeout = settings.requestTimeout();
        this.connections = ConnectionProvider.builder("control-plane-client").maxConnections(8)
                .pendingAcquireTimeout(timeout).maxIdleTime(Duration.ofSeconds(30)).build();
        String base = settings.controlPlaneUrl().toString().replaceAll("/+$", "");
        this.target = base + PATH;
        java.net.URI url = settings.controlPlaneUrl();
        this.targetHost = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        this.client = HttpClient.create(connections)
                .responseTimeout(timeout)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 10_000));
    }

    /** A client whose accepted requests are recorded in {@code audit}. */
    public static ControlPlaneClient create(ControlPlaneForwarderSettings settings, AuditTrail audit) {
        return new ControlPlaneClient(settings, java.util.Objects.requireNonNull(audit, "audit"));
    }

    /**
     * The exact body {@link #send} PUTs for {@code tenantId}'s {@code windows} (one request), byte for byte — for a
     * dry-run / transparency sink (P7).
     *
     * @throws IllegalArgumentException when a window belongs to another tenant
     */
    public static byte[] requestBody(String tenantId, List<WindowAggregate> windows) {
        return AggregateWire.encode(tenantId, windows);
    }

    /** Sends {@code windows} (any tenants, any order); see the class comment for what the outcome means. */
    public Mono<SendOutcome> send(List<WindowAggregate> windows) {
        Map<String, List<WindowAggregate>> byTenant = new LinkedHashMap<>();
        for (WindowAggregate w : windows) {
            byTenant.computeIfAbsent(w.tenantId(), t -> new ArrayList<>()).add(w);
        }
        List<Request> requests = new ArrayList<>();
        for (Map.Entry<String, List<WindowAggregate>> e : byTenant.entrySet()) {
            Optional<String> token = settings.tokenOf(e.getKey());
            if (token.isEmpty()) {
                return Mono.just(new SendOutcome.AuthFailed(0, e.getKey(), "no control-plane token configured for"
                        + " tenant " + e.getKey() + ": set " + ControlPlaneForwarderSettings.TENANT_TOKENS + "."
                        + e.getKey()));
            }
            for (List<WindowAggregate> chunk : split(e.getValue())) {
                requests.add(new Request(e.getKey(), token.get(), chunk));
            }
        }
        if (requests.isEmpty()) {
            return Mono.just(new SendOutcome.Accepted(0, 0, 0));
        }
        return Flux.fromIterable(requests)
                .concatMap(this::sendOne)
                .takeUntil(outcome -> !outcome.isAccepted())
                .reduce(new SendOutcome.Accepted(0, 0, 0), (acc, next) -> {
                    if (acc instanceof SendOutcome.Accepted a && next instanceof SendOutcome.Accepted b) {
                        return new SendOutcome.Accepted(a.requests() + b.requests(),
                                a.endpointsStored() + b.endpointsStored(),
                                a.endpointsIgnoredStale() + b.endpointsIgnoredStale());
                    }
                    return next.isAccepted() ? acc : next;
                });
    }

    private record Request(String tenantId, String token, List<WindowAggregate> windows) {}

    private List<List<WindowAggregate>> split(List<WindowAggregate> windows) {
        List<List<WindowAggregate>> chunks = new ArrayList<>();
        List<WindowAggregate> current = new ArrayList<>();
        int endpoints = 0;
        for (WindowAggregate w : windows) {
            if (!current.isEmpty() && endpoints + w.endpoints().size() > settings.maxEndpointsPerRequest()) {
                chunks.add(current);
                current = new ArrayList<>();
                endpoints = 0;
            }
            current.add(w);
            endpoints += w.endpoints().size();
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private Mono<SendOutcome> sendOne(Request request) {
        String what = "the control plane at " + target + " for tenant " + request.tenantId();
        return Mono.fromCallable(() -> AggregateWire.encode(request.tenantId(), request.windows()))
                .flatMap(body -> client
                        .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + request.token())
                                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .set(HttpHeaderNames.ACCEPT, "application/json")
                                .set(HttpHeaderNames.USER_AGENT, "lunar-telemetry-controlplane-forwarder"))
                        .put()
                        .uri(target)
                        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                        .responseSingle((response, content) -> content.asString().defaultIfEmpty("")
                                .map(text -> classify(response.status().code(),
                                        response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER), text,
                                        request.tenantId(), what)))
                        .timeout(settings.requestTimeout().plusSeconds(1))
                        .flatMap(outcome -> outcome.isAccepted() ? audited(outcome, request, body)
                                : Mono.just(outcome)))
                .onErrorResume(e -> Mono.just(new SendOutcome.Retry("no answer from " + what + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
                        Optional.empty())));
    }

    private Mono<SendOutcome> audited(SendOutcome accepted, Request request, byte[] body) {
        List<String> entryTenants = java.util.Collections.nCopies(request.windows().size(), request.tenantId());
        return audit.record(new AuditEntry(AuditEntry.CONTROL_PLANE, targetHost, entryTenants, body))
                .thenReturn(accepted)
                .onErrorResume(e -> Mono.just(new SendOutcome.Retry("the audit trail did not acknowledge the record"
                        + " of a request the control plane accepted for tenant " + request.tenantId() + ": " + e
                        + "; sending it again (an upsert) and auditing that", Optional.empty())));
    }

    /** The documented meaning of each answer; see {@link SendOutcome}. */
    static SendOutcome classify(int status, String retryAfter, String body, String tenantId, String what) {
        String reason = "HTTP " + status + " from " + what + (body == null || body.isBlank() ? "" : ": " + snippet(body));
        if (status >= 200 && status < 300) {
            return accepted(body);
        }
        if (status == 401 || status == 403) {
            return new SendOutcome.AuthFailed(status, tenantId, reason + ". Check "
                    + ControlPlaneForwarderSettings.TENANT_TOKENS + "." + tenantId
                    + " against the control plane's token for that tenant");
        }
        if (status == 400 || status == 413 || status == 415 || status == 422) {
            return new SendOutcome.Rejected(status, reason);
        }
        // 408, 429, 5xx: retriable by contract. Anything else (3xx, 404, 405...) most likely means a wrong
        // control-plane-forwarder.url: retried too, so nothing is lost while it is fixed.
        return new SendOutcome.Retry(reason, parseRetryAfter(retryAfter));
    }

    private static SendOutcome accepted(String body) {
        try {
            JsonNode n = AggregateWire.MAPPER.readTree(body);
            JsonNode ep = n == null ? null : n.get("endpoints");
            if (ep != null) {
                return new SendOutcome.Accepted(1, ep.path("stored").asLong(), ep.path("ignoredStale").asLong());
            }
        } catch (java.io.IOException | RuntimeException e) {
            // a 2xx is an acceptance whatever its body says
        }
        return new SendOutcome.Accepted(1, 0, 0);
    }

    /** {@code Retry-After} as seconds or an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException ex) {
                return Optional.empty();
            }
        }
    }

    private static String snippet(String body) {
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }

    @Override
    public void close() {
        connections.disposeLater().block(Duration.ofSeconds(5));
    }
}
