package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.health.HealthCheck;
import dev.lunar.telemetry.consumer.BatchResult;
import dev.lunar.telemetry.consumer.ConsumerHealth;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.consumer.TelemetryConsumer;
import dev.lunar.telemetry.consumer.audit.AuditTrail;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.TenantPlan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The control-plane forwarder: reads enriched endpoint stats ({@code control-plane-forwarder.topic}, read_committed)
 * with the consumer kit, aggregates those of {@code CONTROL_PLANE} tenants into event-time windows
 * ({@link WindowedEndpointAggregator}; other plans never leave — P2) and upserts each window into the control plane
 * ({@link ControlPlaneClient}), each tenant's windows in emission order, tenants independently. Windows are partials
 * of one source partition (the partition of the topic their events were read from); the control plane merges them at
 * query time, so any number of instances can share the consumer group: each partition's partials are built by
 * whichever instance reads it, and a partition that moves is read again from its committed offset.
 *
 * <h2>Delivery contract</h2>
 * A record's offset is committed only after every window holding it (and every window emitted before those) has been
 * accepted by the control plane, so a crash or a stop before a window is sent loses nothing: its records are read and
 * aggregated again. Windows are upserts by idempotency key and the control plane keeps the row with more source
 * events, so redelivery and replay never count twice. Retriable answers are retried with backoff (honouring
 * {@code Retry-After}) while Kafka holds the backlog, at most {@code max-held-records} records being held; a rejected
 * token turns health DOWN naming the tenant and the fix, is retried every {@code auth-retry-interval}, and nothing from
 * that window on is committed until it is accepted (other tenants' windows are still sent). Every accepted request
 * is recorded in the audit trail ({@code audit.topic}) before it counts as accepted, so before any commit it allows
 * (see {@link ControlPlaneClient} and {@link AuditTrail}).
 *
 * <p>A window the control plane refuses for itself (400, 413, 415, 422) cannot be fixed by sending it again: it is
 * logged, counted ({@code lunar.forwarder.controlplane.sends{outcome=rejected}}) and named in {@link #healthDetail()},
 * and its records count as done. (Its source records are not dead-lettered: a window is built from many records, and
 * the refusal is about the aggregate, not about any one of them.)
 *
 * <pre>{@code
 * try (ControlPlaneForwarder forwarder = ControlPlaneForwarder.start(settings, KafkaClientSettings.of(bootstrap), registry)) {
 *     ... forwarder.isHealthy(), forwarder.healthDetail() ...
 * }
 * }</pre>
 */
public final class ControlPlaneForwarder implements AutoCloseable, HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneForwarder.class);
    /** The kit consumer's name: its metrics are tagged {@code consumer=control-plane-forwarder}. */
    public static final String CONSUMER_NAME = "control-plane-forwarder";
    private static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private final ControlPlaneForwarderSettings settings;
    private final WindowedEndpointAggregator aggregator;
    private final ControlPlaneClient client;
    private final AuditTrail audit;
    private final HeldBatches held = new HeldBatches();
    private final AtomicReference<Aggregation> aggregation = new AtomicReference<>();
    private final TelemetryConsumer<SourcedStats> consumer;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Per tenant, why its token is rejected; empty when every tenant's last answer was not an auth failure. */
    private final Map<String, String> authProblems = new ConcurrentHashMap<>();
    private final AtomicReference<String> lastRetry = new AtomicReference<>();
    private final AtomicReference<String> lastRejection = new AtomicReference<>();
    private final AtomicReference<String> aggregationFailure = new AtomicReference<>();
    private final AtomicLong windowsAccepted = new AtomicLong();
    private final AtomicLong windowsRejected = new AtomicLong();
    private final Counter sentAccepted;
    private final Counter sentRetry;
    private final Counter sentRejected;
    private final Counter sentAuthFailed;

    private ControlPlaneForwarder(ControlPlaneForwarderSettings settings, KafkaClientSettings kafka,
                                  MeterRegistry registry) {
        this.settings = settings;
        this.aggregator = new WindowedEndpointAggregator(settings, registry);
        this.audit = AuditTrail.kafka(kafka, settings.audit(), CONSUMER_NAME);
        this.client = ControlPlaneClient.create(settings, audit);
        this.sentAccepted = sends(registry, "accepted");
        this.sentRetry = sends(registry, "retry");
        this.sentRejected = sends(registry, "rejected");
        this.sentAuthFailed = sends(registry, "auth_failed");
        Gauge.builder("lunar.forwarder.controlplane.windows.pending", held, HeldBatches::pendingWindows)
                .description("windows emitted and not yet accepted by the control plane").register(registry);
        aggregation.set(new Aggregation());
        this.consumer = TelemetryConsumer.builder(CONSUMER_NAME, SourcedStats.class)
                .kafka(kafka)
                .groupId(settings.groupId())
                // the source partition keys the partial aggregates
                .positionedTopic(settings.topic(), EnrichedEndpointStats.class,
                        (stats, position) -> new SourcedStats(stats, position.partition(), position.offset()))
                .destination("control-plane")
                .deadLetterTopic(settings.deadLetterTopic())
                .batching(settings.batchMaxRecords(), MAX_BATCH_BYTES, settings.batchMaxWait())
                .maxHeldRecords(settings.maxHeldRecords())
                .shutdownTimeout(settings.shutdownTimeout())
                .meterRegistry(registry)
                .handler(this::handle)
                .start();
        log.info("control-plane forwarder: {} → {} (windows of {}, allowed lateness {}, tenants with tokens {})",
                settings.topic(), settings.controlPlaneUrl(), settings.window(), settings.allowedLateness(),
                settings.tenantTokens().keySet());
    }

    /** Starts forwarding. */
    public static ControlPlaneForwarder start(ControlPlaneForwarderSettings settings, KafkaClientSettings kafka,
                                              MeterRegistry registry) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(registry, "registry");
        return new ControlPlaneForwarder(settings, kafka, registry);
    }

    private static Counter sends(MeterRegistry registry, String outcome) {
        return Counter.builder("lunar.forwarder.controlplane.sends").tag("outcome", outcome)
                .description("window upserts sent to the control plane, by answer").register(registry);
    }

    // ---- from the kit: batches in, settlements out ---------------------------------------------------------------

    private Mono<BatchResult> handle(List<SourcedStats> batch) {
        // Only a batch with something the aggregator may keep waits for windows; the aggregator alone decides (P2).
        boolean forwardable = batch.stream().map(SourcedStats::stats).anyMatch(ControlPlaneForwarder::mayBeForwarded);
        HeldBatches.Taken taken = held.take(batch.size(), forwardable);
        Aggregation current = aggregation.get();
        for (int i = 0; i < batch.size(); i++) {
            SourcedStats read = batch.get(i);
            if (current.input.tryEmitNext(new PositionedStats(read.stats(), read.sourcePartition(),
                    read.sourceOffset(), taken.firstRecord() + i)).isFailure()) {
                held.forget(taken);
                return Mono.just(BatchResult.retry("the aggregation is restarting"));
            }
        }
        return Mono.just(forwardable ? BatchResult.acceptedWhen(taken.settled()) : BatchResult.accepted());
    }

    private static boolean mayBeForwarded(EnrichedEndpointStats e) {
        return e.getTenant() != null && e.getTenant().getPlan() == TenantPlan.CONTROL_PLANE && e.getTenant().getKnown();
    }

    // ---- aggregation and sending ---------------------------------------------------------------------------------

    /** One subscription of the aggregator: its input, and the windows it emits being sent. */
    private final class Aggregation {
        final Sinks.Many<PositionedStats> input = Sinks.many().unicast().onBackpressureBuffer();
        final Disposable running;

        Aggregation() {
            running = aggregator.aggregateCommittable(input.asFlux())
                    .map(held::emitted)
                    .groupBy(w -> w.window() == null ? "" : w.window().tenantId())
                    // a commit point has nothing to send: it is done as soon as the windows before it are
                    .flatMap(tenant -> tenant.concatMap(w -> w.window() == null ? Mono.just(w.index()) : send(w, 0)),
                            Integer.MAX_VALUE)
                    .subscribe(held::done, this::failed);
        }

        private void failed(Throwable e) {
            if (closed.get()) {
                return;
            }
            String detail = "aggregation failed (" + e + "); records after the last commit are read again";
            log.error("control-plane forwarder: {}", detail, e);
            aggregationFailure.set(detail);
            aggregation.set(new Aggregation());
            held.reset(e);
        }
    }

    /** Sends one window until the control plane accepted it or refused it for good; answers its number. */
    private Mono<Long> send(HeldBatches.Numbered numbered, int failures) {
        WindowAggregate w = numbered.window();
        String tenant = w.tenantId();
        return client.send(List.of(w))
                .onErrorResume(e -> Mono.just(new SendOutcome.Retry("sending failed: " + e, Optional.empty())))
                .flatMap(outcome -> {
                    if (outcome instanceof SendOutcome.Accepted) {
                        sentAccepted.increment();
                        windowsAccepted.incrementAndGet();
                        if (authProblems.remove(tenant) != null) {
                            log.info("control-plane forwarder: tenant {}'s token is accepted again", tenant);
                        }
                        if (failures > 0) {
                            lastRetry.set(null);
                        }
                        return Mono.just(numbered.index());
                    }
                    if (outcome instanceof SendOutcome.Rejected rejected) {
                        sentRejected.increment();
                        windowsRejected.incrementAndGet();
                        String what = "window " + w.windowStart() + " of tenant " + tenant + " (" + w.endpoints().size()
                                + " endpoints) refused: " + rejected.reason();
                        lastRejection.set(what);
                        log.error("control-plane forwarder: {}; not sent again, its records count as done", what);
                        if (failures > 0) {
                            lastRetry.set(null);
                        }
                        return Mono.just(numbered.index());
                    }
                    if (outcome instanceof SendOutcome.AuthFailed auth) {
                        sentAuthFailed.increment();
                        authProblems.put(tenant, auth.message());
                        log.error("control-plane forwarder: {} (nothing from this window on is committed; trying"
                                + " again in {} s)", auth.message(), settings.authRetryInterval().toSeconds());
                        return Mono.delay(settings.authRetryInterval()).then(Mono.defer(() -> send(numbered,
                                failures + 1)));
                    }
                    SendOutcome.Retry retry = (SendOutcome.Retry) outcome;
                    sentRetry.increment();
                    Duration delay = backoff(failures, retry.retryAfter());
                    lastRetry.set(retry.reason());
                    log.warn("control-plane forwarder: window {} of tenant {} not accepted ({}); trying again in {} ms",
                            w.windowStart(), tenant, retry.reason(), delay.toMillis());
                    return Mono.delay(delay).then(Mono.defer(() -> send(numbered, failures + 1)));
                });
    }

    /** Exponential from the initial backoff up to the maximum, with jitter (50..100 %), never before retryAfter. */
    private Duration backoff(int failures, Optional<Duration> retryAfter) {
        long initial = settings.retryInitialBackoff().toMillis();
        long max = settings.retryMaxBackoff().toMillis();
        long exponential = failures >= 30 ? max : Math.min(max, initial << failures);
        long jittered = (long) (exponential * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
        long floor = retryAfter.map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, floor));
    }

    // ---- health and lifecycle ------------------------------------------------------------------------------------

    /** False while a tenant's token is rejected, when the Kafka consumer is down, or once closed. */
    @Override
    public boolean isHealthy() {
        return !closed.get() && consumer.health().isHealthy() && authProblems.isEmpty();
    }

    /** One or a few sentences for the ops endpoint: status, what is pending, the last problems and their fixes. */
    @Override
    public String healthDetail() {
        ConsumerHealth h = consumer.health();
        StringBuilder b = new StringBuilder();
        b.append(isHealthy() ? "UP" : "DOWN").append(": consumer ").append(h.status()).append(" since ")
                .append(h.since()).append(" (").append(h.detail()).append("); windows accepted ")
                .append(windowsAccepted.get()).append(", pending ").append(held.pendingWindows())
                .append("; records held for open or unsent windows ").append(consumer.heldRecords());
        if (!authProblems.isEmpty()) {
            b.append("; ").append(authProblems.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> "tenant " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")));
        }
        String retry = lastRetry.get();
        if (retry != null) {
            b.append("; retrying: ").append(retry);
        }
        if (windowsRejected.get() > 0) {
            b.append("; ").append(windowsRejected.get()).append(" windows refused by the control plane, last: ")
                    .append(lastRejection.get());
        }
        String failure = aggregationFailure.get();
        if (failure != null) {
            b.append("; ").append(failure);
        }
        return b.toString();
    }

    /** The chain id of this process's audit records ({@code audit.topic}). */
    public String auditChainId() {
        return audit.chainId();
    }

    /** What the aggregator did with the events it read (kept, dropped by plan, duplicates, too late...). */
    AggregatorCounts counts() {
        return aggregator.counts();
    }

    /**
     * A crash, for tests: the aggregation goes first — open windows, emitted ones and sends in flight are lost, as in
     * a kill -9 (a request may have been stored without its answer being seen) — then the consumer stops, committing
     * only what windows accepted before allowed.
     */
    void crash() {
        aggregation.get().running.dispose();
        close();
    }

    /**
     * Stops reading, hands the records already read to the aggregator, commits what accepted windows allow and
     * closes. Windows not yet accepted are not sent early (an early, partial window would hide the rest of its
     * events): their records are read again after the next start.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        consumer.close();
        aggregation.get().running.dispose();
        client.close();
        audit.close();
        log.info("control-plane forwarder: closed");
    }
}
