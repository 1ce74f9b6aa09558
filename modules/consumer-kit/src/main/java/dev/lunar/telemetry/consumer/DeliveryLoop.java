package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.BiFunction;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * The kit's engine: decode → batch → deliver with retries and splits → dead-letter → acknowledge, one batch at a
 * time. Records are decoded (and prepared) on a thread of their own, ahead of delivery, so that work overlaps the
 * delivery of earlier batches. Acknowledgements happen only after every record of a batch is done, in the order the records were read
 * (per partition, through an {@link AcknowledgementLedger}), so a commit never passes a record that is still being
 * worked on. A batch answered {@link BatchResult#acceptedWhen} is done when its settlement completes; the loop goes
 * on meanwhile while at most {@code maxHeldRecords} records are held, and re-reads the source from the last commit
 * when a settlement fails.
 */
final class DeliveryLoop<T> {

    private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);
    static final String STAGE_DECODE = "decode";
    static final String REASON_REJECTED = "REJECTED_BY_DESTINATION";

    private final String name;
    private final String deliverStage;
    private final RecordSource source;
    private final DeadLetterSink deadLetters;
    private final Map<String, BiFunction<byte[], RecordPosition, T>> codecs;
    private final Set<String> skipHeaders;
    private final BatchHandler<T> handler;
    private final int maxRecords;
    private final long maxBytes;
    private final Duration maxWait;
    private final Backoff backoff;
    private final Duration authRetryInterval;
    private final ConsumerMetrics metrics;
    private final HealthState health;
    private final DoubleSupplier random;
    private final int maxHeldRecords;
    private final Scheduler decoding;
    private final int decodePrefetch;
    private volatile boolean stopping;
    private volatile AcknowledgementLedger ledger;

    DeliveryLoop(String name, String destination, RecordSource source, DeadLetterSink deadLetters,
                 Map<String, BiFunction<byte[], RecordPosition, T>> codecs, Set<String> skipHeaders, BatchHandler<T> handler,
                 int maxRecords, long maxBytes, Duration maxWait, Backoff backoff, Duration authRetryInterval,
                 ConsumerMetrics metrics, HealthState health, DoubleSupplier random, int maxHeldRecords,
                 Scheduler decoding, int decodePrefetch) {
        this.name = name;
        this.deliverStage = "deliver:" + destination;
        this.source = source;
        this.deadLetters = deadLetters;
        this.codecs = Map.copyOf(codecs);
        this.skipHeaders = Set.copyOf(skipHeaders);
        this.handler = handler;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.maxWait = maxWait;
        this.backoff = backoff;
        this.authRetryInterval = authRetryInterval;
        this.metrics = metrics;
        this.health = health;
        this.random = random;
        this.maxHeldRecords = maxHeldRecords;
        this.decoding = decoding;
        this.decodePrefetch = decodePrefetch;
    }

    /** Graceful shutdown has begun: a failed settlement no longer re-reads the source. */
    void stopping() {
        stopping = true;
        AcknowledgementLedger current = ledger;
        if (current != null) {
            current.stopping();
        }
    }

    /**
     * The whole consumer as one stream; completes only when cancelled. Re-subscribes — so reads again from the last
     * committed offsets — after a source failure or a failed settlement.
     */
    Mono<Void> run() {
        return Flux.defer(() -> {
                    AcknowledgementLedger ledger = new AcknowledgementLedger(metrics.ledgerListener(), maxHeldRecords,
                            () -> stopping);
                    this.ledger = ledger;
                    Flux<SourceRecord> read = source.receive(ledger);
                    if (decodePrefetch > 0) {
                        // decoding (and preparing) runs on a thread of its own, overlapping delivery
                        read = read.publishOn(decoding, decodePrefetch);
                    }
                    return read
                            .map(this::decode)
                            .bufferTimeout(maxRecords, maxWait, true)
                            .concatMap(buffer -> process(buffer, ledger), 0)
                            .mergeWith(ledger.failures())
                            .doFinally(signal -> ledger.close());
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                        .doBeforeRetry(signal -> {
                            if (signal.failure() instanceof AcknowledgementLedger.SettlementFailed failed) {
                                String detail = failed.getMessage() + "; reading again from the last committed"
                                        + " offsets";
                                log.warn("{}: {}", name, detail);
                                health.set(ConsumerHealth.Status.RETRYING, detail);
                                metrics.retry("settlement");
                                return;
                            }
                            String detail = "Kafka consumer failed and is being restarted: " + signal.failure();
                            log.error("{}: {}", name, detail, signal.failure());
                            health.set(ConsumerHealth.Status.DOWN, detail);
                        }))
                .then();
    }

    Envelope<T> decode(SourceRecord record) {
        if (record.headers() != null) {
            for (Header header : record.headers()) {
                if (skipHeaders.contains(header.key())) {
                    return new Envelope<>(record, null, null);
                }
            }
        }
        BiFunction<byte[], RecordPosition, T> codec = codecs.get(record.topic());
        if (codec == null) {
            return new Envelope<>(record, null, new BadRecordException(BadRecordException.Reason.WRONG_TYPE,
                    "no record type is configured for topic " + record.topic()));
        }
        try {
            return new Envelope<>(record, codec.apply(record.value(),
                    new RecordPosition(record.topic(), record.partition(), record.offset())), null);
        } catch (BadRecordException e) {
            return new Envelope<>(record, null, e);
        }
    }

    /** One buffer from the batcher: split by bytes, then each part in turn. */
    private Mono<Void> process(List<Envelope<T>> buffer, AcknowledgementLedger ledger) {
        return Flux.fromIterable(splitByBytes(buffer, maxBytes)).concatMap(part -> processBatch(part, ledger), 0)
                .then();
    }

    static <T> List<List<Envelope<T>>> splitByBytes(List<Envelope<T>> buffer, long maxBytes) {
        List<List<Envelope<T>>> parts = new ArrayList<>();
        List<Envelope<T>> current = new ArrayList<>();
        long bytes = 0;
        for (Envelope<T> e : buffer) {
            int size = e.source().valueSize();
            if (!current.isEmpty() && bytes + size > maxBytes) {
                parts.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(e);
            bytes += size;
        }
        if (!current.isEmpty()) {
            parts.add(current);
        }
        return parts;
    }

    private static List<AcknowledgementLedger.Ticket> tickets(List<? extends Envelope<?>> batch) {
        List<AcknowledgementLedger.Ticket> tickets = new ArrayList<>(batch.size());
        for (Envelope<?> e : batch) {
            tickets.add(e.source().ticket());
        }
        return tickets;
    }

    /**
     * Dead-letters the undecodable records, delivers the others, then hands the whole batch to the ledger — done
     * now, or when the handler's settlements complete — and waits until the ledger holds no more than
     * {@code maxHeldRecords}.
     */
    private Mono<Void> processBatch(List<Envelope<T>> batch, AcknowledgementLedger ledger) {
        List<Envelope<T>> decoded = new ArrayList<>();
        List<Envelope<T>> bad = new ArrayList<>();
        int skipped = 0;
        for (Envelope<T> e : batch) {
            if (e.decoded()) {
                decoded.add(e);
            } else if (e.bad()) {
                bad.add(e);
            } else {
                skipped++;
            }
        }
        int skippedCount = skipped;
        List<Mono<Void>> settlements = Collections.synchronizedList(new ArrayList<>());
        return Flux.fromIterable(bad)
                .concatMap(e -> deadLetter(e.source(), STAGE_DECODE, e.error().reason().name(), e.error().getMessage()))
                .then(deliver(decoded, settlements))
                .then(Mono.fromRunnable(() -> {
                    metrics.records("skipped", skippedCount);
                    ledger.handedOver(tickets(batch),
                            settlements.isEmpty() ? null : Mono.when(List.copyOf(settlements)));
                }))
                .then(ledger.capacity());
    }

    /**
     * Completes when every record is accepted, dead-lettered or taken by the handler with a deferred settlement
     * (added to {@code settlements}); retries for as long as it takes.
     */
    Mono<Void> deliver(List<Envelope<T>> records, List<Mono<Void>> settlements) {
        if (records.isEmpty()) {
            return Mono.empty();
        }
        List<T> values = records.stream().map(Envelope::value).toList();
        AtomicInteger attempt = new AtomicInteger();
        return Mono.defer(() -> callHandler(values))
                .flatMap(result -> {
                    if (result instanceof BatchResult.Retry retry) {
                        metrics.batch("retried");
                        metrics.retry("retriable");
                        Duration delay = backoff.delay(attempt.getAndIncrement(), retry.retryAfter(), random);
                        health.set(ConsumerHealth.Status.RETRYING, retry.reason());
                        log.warn("{}: batch of {} records not delivered ({}); retrying in {} ms", name, values.size(),
                                retry.reason(), delay.toMillis());
                        return Mono.error(new RetryLater(delay));
                    }
                    if (result instanceof BatchResult.AuthFailed auth) {
                        metrics.batch("auth_failed");
                        metrics.retry("auth");
                        attempt.getAndIncrement();
                        health.set(ConsumerHealth.Status.DOWN, auth.message());
                        log.error("{}: {} (trying again in {} ms)", name, auth.message(),
                                authRetryInterval.toMillis());
                        return Mono.error(new RetryLater(authRetryInterval));
                    }
                    return Mono.just(result);
                })
                .retryWhen(Retry.from(signals -> signals.concatMap(signal -> signal.failure() instanceof RetryLater later
                        ? Mono.delay(later.delay)
                        : Mono.error(signal.failure()))))
                .flatMap(result -> settle(records, result, settlements));
    }

    private Mono<BatchResult> callHandler(List<T> values) {
        long start = System.nanoTime();
        Mono<BatchResult> call;
        try {
            call = handler.handle(values);
        } catch (RuntimeException e) {
            call = Mono.error(e);
        }
        if (call == null) {
            call = Mono.error(new IllegalStateException("handler returned null instead of a Mono"));
        }
        return call
                .switchIfEmpty(Mono.error(new IllegalStateException("handler completed without a result")))
                .onErrorResume(e -> Mono.just(BatchResult.retry("handler failed: " + e)))
                .doOnNext(r -> metrics.latency(Duration.ofNanos(System.nanoTime() - start)));
    }

    private Mono<Void> settle(List<Envelope<T>> records, BatchResult result, List<Mono<Void>> settlements) {
        int n = records.size();
        if (result instanceof BatchResult.AcceptedWhen deferred) {
            metrics.batch("deferred");
            health.set(ConsumerHealth.Status.UP, "ok");
            settlements.add(deferred.settled().doOnSuccess(v -> metrics.records("accepted", n)));
            return Mono.empty();
        }
        if (result instanceof BatchResult.Accepted) {
            metrics.batch("accepted");
            metrics.records("accepted", n);
            health.set(ConsumerHealth.Status.UP, "ok");
            return Mono.empty();
        }
        if (result instanceof BatchResult.Refused refused) {
            metrics.batch("refused");
            health.set(ConsumerHealth.Status.UP, "ok");
            List<Mono<Void>> letters = new ArrayList<>();
            int accepted = n;
            for (Map.Entry<Integer, String> e : new TreeMap<>(refused.reasonsByIndex()).entrySet()) {
                int i = e.getKey();
                if (i >= 0 && i < n) {
                    accepted--;
                    letters.add(deadLetter(records.get(i).source(), deliverStage, REASON_REJECTED, e.getValue()));
                }
            }
            metrics.records("accepted", accepted);
            return Flux.concat(letters).then();
        }
        BatchResult.Rejected rejected = (BatchResult.Rejected) result;
        metrics.batch("rejected");
        health.set(ConsumerHealth.Status.UP, "ok");
        List<Envelope<T>> suspects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rejected.suspects().isEmpty() || rejected.suspects().contains(i)) {
                suspects.add(records.get(i));
            }
        }
        if (suspects.isEmpty()) {
            suspects.addAll(records);
        }
        metrics.records("accepted", n - suspects.size());
        if (suspects.size() == 1) {
            return deadLetter(suspects.get(0).source(), deliverStage, REASON_REJECTED, rejected.reason());
        }
        int half = suspects.size() / 2;
        log.info("{}: destination refused part of a batch ({}); splitting {} suspect records to isolate it", name,
                rejected.reason(), suspects.size());
        return Flux.just(suspects.subList(0, half), suspects.subList(half, suspects.size()))
                .concatMap(part -> deliver(part, settlements), 0)
                .then();
    }

    private Mono<Void> deadLetter(SourceRecord record, String stage, String reason, String detail) {
        return Mono.defer(() -> deadLetters.send(record, stage, reason, detail))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(30))
                        .doBeforeRetry(s -> log.warn("{}: cannot write dead letter for {} yet: {}", name,
                                record.position(), s.failure().toString())))
                .doOnSuccess(v -> {
                    metrics.deadLetter(stage.startsWith("deliver") ? "deliver" : stage);
                    metrics.records("dead_lettered", 1);
                    log.warn("{}: {} dead-lettered at stage {} ({}): {}", name, record.position(), stage, reason,
                            detail);
                });
    }

    /** Internal signal: the same batch goes again after {@code delay}. */
    static final class RetryLater extends RuntimeException {
        final transient Duration delay;

        RetryLater(Duration delay) {
            super("retry in " + delay, null, false, false);
            this.delay = delay;
        }
    }
}
