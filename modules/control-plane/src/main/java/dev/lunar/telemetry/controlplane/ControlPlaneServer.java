package dev.lunar.telemetry.controlplane;

import dev.lunar.telemetry.health.HealthCheck;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The running control plane: the receiving API, the query API and the per-tenant dashboard on one Reactor Netty
 * server, over the aggregate store. Start it with {@link #start}, stop it with {@link #close()}.
 *
 * <p>Delivery contract: a {@code PUT}/{@code POST} of an aggregate batch is answered 200 only after the whole batch
 * is committed to the database (one transaction), so a sender that got 200 may commit its input; any other answer
 * means nothing of the batch was stored. Storing is an upsert by idempotency key, so sending the same batch again
 * (redelivery, replay) never double-counts and a correction replaces its row.
 *
 * <p>Blocking JDBC calls run on a dedicated {@code boundedElastic} scheduler, never on Netty's event loops.
 */
public final class ControlPlaneServer implements AutoCloseable, HealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneServer.class);

    private final ControlPlaneSettings settings;
    private final TenantTokens tokens;
    private final AggregateStore store;
    private final Scheduler blocking;
    private final DisposableServer server;
    private final URI url;
    private final StorageHealth storageHealth;
    private final SentStore sent;
    private final MeterRegistry meters;
    private volatile AuditFollower auditFollower;
    private final reactor.core.Disposable sentRetention;
    private volatile boolean closed;

    private ControlPlaneServer(ControlPlaneSettings settings, TenantTokens tokens, AggregateStore store,
            Scheduler blocking, DisposableServer server, StorageHealth storageHealth, SentStore sent,
            MeterRegistry meters) {
        this.settings = settings;
        this.sent = sent;
        this.meters = meters;
        this.storageHealth = storageHealth;
        this.tokens = tokens;
        this.store = store;
        this.blocking = blocking;
        this.server = server;
        String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
        this.url = URI.create("http://" + host + ":" + server.port());
        this.sentRetention = reactor.core.publisher.Flux.interval(java.time.Duration.ZERO,
                        retentionPeriod(settings.sentRetention()), blocking)
                .subscribe(tick -> deleteExpiredSent(Clock.systemUTC()));
    }

    /** How often expired sent rows are deleted: a hundredth of the retention, between 1 s and 1 h. */
    static java.time.Duration retentionPeriod(java.time.Duration retention) {
        java.time.Duration period = retention.dividedBy(100);
        java.time.Duration second = java.time.Duration.ofSeconds(1);
        java.time.Duration hour = java.time.Duration.ofHours(1);
        return period.compareTo(second) < 0 ? second : period.compareTo(hour) > 0 ? hour : period;
    }

    private void deleteExpiredSent(Clock clock) {
        try {
            int deleted = sent.deleteRecordedBefore(clock.millis() - settings.sentRetention().toMillis());
            if (deleted > 0) {
                LOG.info("Deleted {} sent rows older than {} ({})", deleted, settings.sentRetention(),
                        ControlPlaneSettings.SENT_RETENTION.key());
            }
        } catch (RuntimeException e) {
            // the next period tries again; a failure here must not stop the schedule
            LOG.warn("Deleting expired sent rows failed: {}", e.getMessage());
        }
    }

    /**
     * Opens the store (creating its tables if needed), binds the HTTP server and returns once it accepts
     * connections.
     *
     * @param registry where the control plane's meters go ({@code lunar.controlplane.*} and the JDBC pool's);
     *                 null for none
     * @throws IllegalStateException when the database cannot be opened or the port cannot be bound; the message
     *                               names the setting to fix
     */
    public static ControlPlaneServer start(ControlPlaneSettings settings, MeterRegistry registry) {
        Objects.requireNonNull(settings, "settings");
        MeterRegistry meters = registry == null ? new SimpleMeterRegistry() : registry;
        Clock clock = Clock.systemUTC();
        TenantTokens tokens = new TenantTokens(settings.tenantTokens());
        DashboardAssets assets = DashboardAssets.load();
        AggregateStore store = AggregateStore.open(settings, meters, clock);
        SentStore sent = new SentStore(store.dataSource(), store.dialect(), store.description());
        try {
            sent.createSchema();
        } catch (java.sql.SQLException e) {
            store.close();
            throw new IllegalStateException("cannot create the control plane's tables in " + store.description() + ": "
                    + e.getMessage(), e);
        }
        Scheduler blocking = Schedulers.newBoundedElastic(Math.max(4, settings.poolSize() * 2), 10_000,
                "control-plane-jdbc", 60, true);
        StorageHealth health = new StorageHealth(store, blocking);
        HttpApi api = new HttpApi(tokens, store, sent, settings, blocking, clock, meters, assets, health);
        DisposableServer server;
        try {
            server = HttpServer.create()
                    .host(settings.host())
                    .port(settings.port())
                    .route(api::routes)
                    .bindNow(java.time.Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            health.close();
            blocking.dispose();
            store.close();
            throw new IllegalStateException("the control plane cannot listen on " + settings.host() + ":"
                    + settings.port() + " (" + e.getMessage() + "): choose a free "
                    + ControlPlaneSettings.PORT + ", or 0 for any free port", e);
        }
        ControlPlaneServer cp = new ControlPlaneServer(settings, tokens, store, blocking, server, health, sent, meters);
        LOG.info("Control plane listening on {} (storage: {}, {} tenant token(s), dashboard: {}/dashboard/<tenant>)",
                cp.url, store.description(), settings.tenantTokens().size(), cp.url);
        return cp;
    }

    /** Where the control plane listens, e.g. {@code http://127.0.0.1:8480}. */
    public URI url() {
        return url;
    }

    /** The dashboard page of {@code tenantId}; the token is given in the page or as {@code #token=...}. */
    public URI dashboardUrl(String tenantId) {
        return url.resolve("/dashboard/" + tenantId);
    }

    /**
     * Whether the server is listening and the database answered its last probe (every
     * 5 s, in the background). Never blocks: safe on an event loop.
     */
    @Override
    public boolean isHealthy() {
        return !closed && !server.isDisposed() && storageHealth.isHealthy();
    }

    /** One line for operators: where it listens and whether its database answers, and what to do if not. */
    @Override
    public String healthDetail() {
        if (closed || server.isDisposed()) {
            return "control plane on " + url + " is stopped";
        }
        return storageHealth.isHealthy()
                ? "control plane on " + url + ", storage " + store.description() + " answers"
                : "control plane on " + url + " cannot reach its database (" + store.description() + "): check "
                        + ControlPlaneSettings.JDBC_URL + " and that the database is running";
    }

    /**
     * Adds or replaces the token of {@code tenantId} at run time (tests, or an operator tool); only its hash is
     * kept. {@code token} may also be {@code sha256:<hex>}.
     *
     * @throws IllegalArgumentException for an invalid tenant id, a weak token or another tenant's token
     */
    public void registerTenantToken(String tenantId, String token) {
        tokens.register(tenantId, token);
    }

    /**
     * Follows the audit trail ({@code topic}, normally {@code telemetry.audit.v1}) into this control plane's storage,
     * so that {@code GET /api/v1/tenants/{tenant}/sent} can show each tenant what was sent about it. Reading the
     * topic on demand instead would scan every tenant's traffic of the range for each query and lose everything
     * past the topic's retention; a copy split per tenant at ingest answers from an index and keeps no other
     * tenant's entries next to a tenant's. Delivery: at least once (consumer group {@code control-plane-audit});
     * a record stored twice is stored once. Stopped by {@link #close()}.
     *
     * @throws IllegalStateException when called twice
     */
    public synchronized void followAuditTrail(dev.lunar.telemetry.kafka.runtime.KafkaClientSettings kafka, String topic) {
        if (auditFollower != null) {
            throw new IllegalStateException("the control plane already follows the audit trail");
        }
        auditFollower = new AuditFollower(kafka, topic, sent, blocking, meters);
        LOG.info("Control plane follows the audit trail {} (group {})", topic, AuditFollower.GROUP_ID);
    }

    /** A description of where aggregates are stored (no password). */
    public String storageDescription() {
        return store.description();
    }

    /** Stops accepting requests, waits up to {@code control-plane.shutdown-timeout} for those in flight, closes the store. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        AuditFollower follower = auditFollower;
        if (follower != null) {
            follower.close();
        }
        sentRetention.dispose();
        try {
            server.disposeNow(settings.shutdownTimeout());
        } catch (RuntimeException e) {
            LOG.warn("control plane did not stop within {}: {}", settings.shutdownTimeout(), e.getMessage());
        } finally {
            storageHealth.close();
            blocking.dispose();
            store.close();
            LOG.info("Control plane on {} stopped", url);
        }
    }
}
