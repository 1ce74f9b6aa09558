package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.kafka.runtime.KafkaRuntime;
import dev.lunar.telemetry.processor.internal.ProcessorFlow;
import dev.lunar.telemetry.processor.internal.ProcessorMetrics;
import dev.lunar.telemetry.processor.internal.RuntimeTransport;
import dev.lunar.telemetry.processor.internal.StreamRun;
import dev.lunar.telemetry.processor.internal.StreamTransport;
import dev.lunar.telemetry.processor.internal.TopicNames;
import dev.lunar.telemetry.processor.tenants.TenantFeed;
import dev.lunar.telemetry.processor.tenants.TenantTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The running processor: raw topics → decode → tenant → denylist and redaction → enriched topics, with
 * {@code telemetry.dlq.v1} for what cannot be read. Start it with {@link #start}; {@link #close()} shuts it down
 * gracefully.
 *
 * <p><b>Delivery contract.</b> At-least-once (default): the offset of a raw record is committed only after Kafka has
 * acknowledged its enriched record or dead letter (idempotent producer, {@code acks=all}); acknowledgements that
 * complete out of order never commit past an unfinished record. A crash redelivers what was not committed; sinks
 * de-duplicate by {@code eventId}. Order is kept per key (proxy) from raw to enriched topic.
 *
 * <p>Exactly-once ({@code processor.delivery=exactly-once}): per batch, one Kafka transaction holds the outputs and
 * the consumer offsets, sent with {@code sendOffsets(offsets, ConsumerGroupMetadata)} carrying the consumer's real
 * metadata (generation and member id, read on the consumer's thread); consumers reading with {@code read_committed}
 * see each raw record once. <b>Fencing:</b> the broker refuses the offsets of a member whose generation is over
 * (KIP-447), so a zombie — an instance cut off from the group, or one that finished a batch after its partitions
 * were revoked — aborts its transaction instead of writing twice. Replicas therefore need no hand-assigned
 * transactional id: each instance derives {@code <group-id>-<random UUID>} unless {@code processor.transactional-id}
 * is set. At a revocation the runtime waits (up to {@code processor.shutdown-timeout}) for the revoked partitions'
 * records in flight, so an orderly rebalance commits them before the new owner starts; records of a revoked
 * partition still in flight afterwards are left out of later transactions.
 *
 * <p><b>Partitions are processed independently</b>: in order within a partition, concurrently across partitions
 * ({@code processor.concurrency} at a time), so one slow record delays only its own partition.
 *
 * <p><b>Errors.</b> A record that cannot be read or attributed goes to the dead-letter topic (counted, committed, the
 * stream goes on). Any other error (a failed send, a lost broker) ends the current run; a new run starts from the
 * committed offsets after a backoff ({@code processor.restart-backoff}…{@code restart-backoff-max}), so nothing is
 * dropped. Memory is bounded: without demand the consumer pauses ({@code max-in-flight},
 * {@code max-deferred-commits}); a partition with a long backlog is paused on its own.
 *
 * <p><b>Start-up and shutdown.</b> Processing starts once the tenant table has been read to the end of
 * {@code tenants.v1} ({@link #ready()}). {@link #close()} stops taking records, drains those in flight, commits and
 * closes, within {@code processor.shutdown-timeout}.
 */
public final class TelemetryProcessor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TelemetryProcessor.class);
    private static final int UNHEALTHY_AFTER_FAILURES = 3;

    private final ProcessorSettings settings;
    private final MeterRegistry registry;
    private final ProcessorMetrics metrics;
    private final TopicNames topics;
    private final TenantTable tenants = new TenantTable();
    private final TenantFeed feed;
    private final ProcessorFlow flow;
    /** Where records are processed, {@code processor.concurrency} at a time; one partition at a time per worker. */
    private final Scheduler workers;
    /** Exactly-once: kept across runs, so each new run's producer fences the previous run's. */
    private final String transactionalId;
    private final Sinks.Empty<Void> stop = Sinks.empty();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile String phase = "loading tenants";
    private volatile String lastError;
    private volatile boolean closing;
    private Disposable subscription;

    private TelemetryProcessor(ProcessorSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = new ProcessorMetrics(registry);
        this.topics = new TopicNames(settings.topicPrefix());
        this.flow = new ProcessorFlow(new EnrichmentPipeline(settings, tenants, metrics, Clock.systemUTC()), topics,
                metrics);
        this.feed = new TenantFeed(settings, topics.tenants, tenants, metrics);
        this.transactionalId = settings.transactionalIdOrDerived();
        this.workers = KafkaRuntime.workers(settings.clientId() + "-work", settings.concurrency());
        Gauge.builder("lunar.processor.tenants", tenants, TenantTable::size)
                .description("tenants in the tenant table").register(registry);
    }

    /**
     * Starts the processor in the background and returns at once; see {@link #ready()}.
     *
     * @param settings validated settings (see {@link ProcessorSettings})
     * @param registry where the metrics go (e.g. a Prometheus registry the caller scrapes)
     */
    public static TelemetryProcessor start(ProcessorSettings settings, MeterRegistry registry) {
        TelemetryProcessor processor = new TelemetryProcessor(settings, registry);
        processor.begin();
        return processor;
    }

    private void begin() {
        log.info("processor starting: {} from {} topics with prefix '{}', group {}", settings.delivery(),
                topics.allRaw().size(), settings.topicPrefix(), settings.groupId());
        feed.start();
        subscription = Mono.fromFuture(feed.loaded())
                .doOnSuccess(v -> {
                    phase = "running";
                    ready.complete(null);
                })
                .thenMany(Mono.defer(this::runOnce)
                        .retryWhen(Retry.backoff(Long.MAX_VALUE, settings.restartBackoff())
                                .maxBackoff(settings.restartBackoffMax())
                                .transientErrors(true)
                                .filter(e -> !closing)
                                .doBeforeRetry(signal -> restarting(signal.failure())))
                        .repeat(() -> !closing))
                .subscribe(v -> { }, this::failed, () -> {
                    phase = "stopped";
                    done.complete(null);
                });
    }

    private Mono<Void> runOnce() {
        int run = runs.incrementAndGet();
        // Closing waits for the producer; never on one of the transport's own threads (it would wait for itself).
        return Mono.usingWhen(Mono.fromCallable(() -> new RuntimeTransport(settings, topics, registry, run,
                        transactionalId)),
                transport -> {
                    phase = "running";
                    Runnable progress = () -> failuresInARow.set(0);
                    Mono<Void> stopSignal = stop.asMono();
                    StreamRun.Shape shape = StreamRun.Shape.of(workers, settings);
                    return settings.delivery() == DeliveryGuarantee.EXACTLY_ONCE
                            ? StreamRun.exactlyOnce(transport, flow, metrics, stopSignal, shape,
                                    settings.transactionBatchSize(), settings.transactionBatchTimeout(), progress)
                            : StreamRun.atLeastOnce(transport, flow, metrics, stopSignal, shape, progress);
                },
                TelemetryProcessor::closeAside,
                (transport, error) -> closeAside(transport),
                TelemetryProcessor::closeAside);
    }

    private static Mono<Void> closeAside(StreamTransport transport) {
        return Mono.fromRunnable(transport::close).subscribeOn(Schedulers.boundedElastic()).then();
    }

    private void restarting(Throwable error) {
        int failures = failuresInARow.incrementAndGet();
        metrics.restarted();
        lastError = error.getClass().getSimpleName() + ": " + error.getMessage();
        phase = "restarting";
        log.warn("processor run failed ({} in a row), restarting from the committed offsets: {}", failures,
                lastError);
    }

    private void failed(Throwable error) {
        lastError = error.toString();
        phase = "failed";
        log.error("processor stopped: {}", lastError);
        ready.completeExceptionally(error);
        done.complete(null);
    }

    /** Completes when the tenant table is loaded and processing has started; fails if it never can. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Running and processing (or briefly restarting after an error). */
    public boolean isHealthy() {
        String current = phase;
        return current.equals("running")
                || current.equals("restarting") && failuresInARow.get() < UNHEALTHY_AFTER_FAILURES;
    }

    /** One line for a health endpoint, e.g. {@code UP: running, 12 tenants}; never record contents. */
    public String healthDetail() {
        String current = phase;
        StringBuilder detail = new StringBuilder(isHealthy() ? "UP: " : "DOWN: ").append(current);
        if (current.equals("loading tenants")) {
            detail.append(" (").append(feed.status()).append(')');
        } else {
            detail.append(", ").append(tenants.size()).append(" tenants");
        }
        if (lastError != null && !current.equals("running")) {
            detail.append("; last error: ").append(lastError);
        }
        return detail.toString();
    }

    /**
     * Graceful shutdown: stops taking records, drains and commits what is in flight, closes the clients. Waits at
     * most {@code processor.shutdown-timeout}, then stops hard (uncommitted records are redelivered on the next
     * start). Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        phase = "stopping";
        long began = System.nanoTime();
        stop.tryEmitEmpty();
        if (!ready.isDone()) {
            subscription.dispose();
            done.complete(null);
        }
        try {
            done.get(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("processor did not drain within {}; stopping hard (uncommitted records will be redelivered)",
                    settings.shutdownTimeout());
            subscription.dispose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.dispose();
        } catch (ExecutionException e) {
            // failed() completes normally; nothing to do
        }
        feed.close();
        workers.dispose();
        phase = "stopped";
        log.info("processor stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /** Test hook: stops without draining, as a crash would (in-flight work is neither finished nor committed). */
    void halt() {
        closing = true;
        phase = "stopped";
        subscription.dispose();
        feed.close();
        workers.dispose();
    }
}
