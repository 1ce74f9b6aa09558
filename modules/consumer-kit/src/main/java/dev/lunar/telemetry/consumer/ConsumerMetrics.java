package dev.lunar.telemetry.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The kit's meters, all tagged {@code consumer=<name>}:
 * <ul>
 *   <li>{@code lunar.consumer.batches} (counter, {@code outcome}=accepted|deferred|retried|rejected|refused|auth_failed)</li>
 *   <li>{@code lunar.consumer.records} (counter, {@code outcome}=accepted|dead_lettered|skipped)</li>
 *   <li>{@code lunar.consumer.retries} (counter, {@code cause}=retriable|auth|settlement — the last one a
 *       deferred batch whose settlement failed, so the source was re-read from the last commit)</li>
 *   <li>{@code lunar.consumer.dead.letters} (counter, {@code stage}=decode|deliver)</li>
 *   <li>{@code lunar.consumer.lag} (gauge, records behind the end of the assigned partitions)</li>
 *   <li>{@code lunar.consumer.in.flight} and {@code lunar.consumer.in.flight.max} (gauges, records read from
 *       Kafka and not yet acknowledged; the maximum since start)</li>
 *   <li>{@code lunar.consumer.held} (gauge, of those, records handed over and waiting for a deferred
 *       settlement, or for an earlier record of their partition)</li>
 *   <li>{@code lunar.consumer.destination.latency} (timer, one handler call)</li>
 * </ul>
 */
final class ConsumerMetrics {

    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger inFlightMax = new AtomicInteger();
    final AtomicInteger held = new AtomicInteger();
    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer latency;

    ConsumerMetrics(MeterRegistry registry, String consumer, LongSupplier lag) {
        this.registry = registry;
        this.tags = Tags.of("consumer", consumer);
        Gauge.builder("lunar.consumer.in.flight", inFlight, AtomicInteger::get).tags(tags)
                .description("Records read from Kafka and not yet done").register(registry);
        Gauge.builder("lunar.consumer.in.flight.max", inFlightMax, AtomicInteger::get).tags(tags)
                .description("Largest number of records in flight since start").register(registry);
        Gauge.builder("lunar.consumer.held", held, AtomicInteger::get).tags(tags)
                .description("Records handed over and waiting for a deferred settlement").register(registry);
        Gauge.builder("lunar.consumer.lag", lag, s -> s.getAsLong()).tags(tags)
                .description("Records behind the end of the assigned partitions").register(registry);
        this.latency = Timer.builder("lunar.consumer.destination.latency").tags(tags)
                .description("Time the destination took for one batch").register(registry);
        // Every outcome at zero from the start, so rate()/increase() and alerts see 0, not "no data", before the first.
        for (String outcome : List.of("accepted", "deferred", "retried", "rejected", "refused", "auth_failed")) {
            counter("lunar.consumer.batches", "outcome", outcome);
        }
        for (String outcome : List.of("accepted", "dead_lettered", "skipped")) {
            counter("lunar.consumer.records", "outcome", outcome);
        }
        for (String cause : List.of("retriable", "auth", "settlement")) {
            counter("lunar.consumer.retries", "cause", cause);
        }
        for (String stage : List.of("decode", "deliver")) {
            counter("lunar.consumer.dead.letters", "stage", stage);
        }
    }

    /** The ledger's counts go to the in-flight and held gauges. */
    dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger.Listener ledgerListener() {
        return new dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger.Listener() {
            @Override
            public void received(int n) {
                ConsumerMetrics.this.received(n);
            }

            @Override
            public void done(int n) {
                ConsumerMetrics.this.done(n);
            }

            @Override
            public void held(int delta) {
                held.addAndGet(delta);
            }
        };
    }

    void received(int n) {
        int now = inFlight.addAndGet(n);
        inFlightMax.accumulateAndGet(now, Math::max);
    }

    void done(int n) {
        inFlight.addAndGet(-n);
    }

    void batch(String outcome) {
        counter("lunar.consumer.batches", "outcome", outcome).increment();
    }

    void records(String outcome, int n) {
        if (n > 0) {
            counter("lunar.consumer.records", "outcome", outcome).increment(n);
        }
    }

    void retry(String cause) {
        counter("lunar.consumer.retries", "cause", cause).increment();
    }

    void deadLetter(String stage) {
        counter("lunar.consumer.dead.letters", "stage", stage).increment();
    }

    void latency(Duration d) {
        latency.record(d);
    }

    private Counter counter(String name, String key, String value) {
        return Counter.builder(name).tags(tags).tag(key, value).register(registry);
    }
}
