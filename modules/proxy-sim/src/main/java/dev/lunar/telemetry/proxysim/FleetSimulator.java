package dev.lunar.telemetry.proxysim;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A seeded fleet of simulated proxies that publishes realistic raw telemetry of all five kinds at a target rate —
 * including planted secrets ({@link #canaries()}) that the processor must remove.
 *
 * <pre>{@code
 * FleetSimulator fleet = FleetSimulator.create(new FleetSpec(20, 6, 500, Optional.of(Duration.ofMinutes(1)), 42));
 * fleet.writeTenants(bootstrap, Duration.ofSeconds(30));            // tenants.v1 first, so events can be attributed
 * try (TelemetryPublisher publisher = TelemetryPublisher.create(PublisherSettings.builder(bootstrap).build())) {
 *     FleetSimulator.Summary summary = fleet.run(publisher, new PrintWriter(System.out, true));
 * }
 * }</pre>
 *
 * <p><b>What is generated</b> follows from the seed: tenants (plans cycling OPEN_SOURCE, CONTROL_PLANE, SANDBOX; a
 * GitHub user name for SANDBOX only; one API key each), proxies (half of them name their tenant id, all carry the
 * tenant's API key in a tag), and the event sequence ({@link #events()}); only time stamps come from the clock.
 *
 * <p><b>Pacing.</b> Event {@code k} is due {@code k / rate} seconds after the start; {@link #run} sends every due
 * event, then waits for the next one, so a run of duration {@code D} sends at most {@code ceil(rate × D)} events and,
 * unless Kafka pushes back, about that many. A run ends at its duration or on {@link #stop()}, then waits until every
 * sent event is acknowledged or failed.
 */
public final class FleetSimulator {

    private final FleetSpec spec;
    private final Clock clock;
    private final Fleet fleet;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final Map<Class<?>, EventKind> kindsByType = new HashMap<>();

    private FleetSimulator(FleetSpec spec, Clock clock) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fleet = new Fleet(spec, Instant.ofEpochMilli(clock.millis()));
        for (EventKind kind : EventKind.values()) {
            kindsByType.put(kind.rawType(), kind);
        }
    }

    /** A simulator whose events carry the current time. */
    public static FleetSimulator create(FleetSpec spec) {
        return new FleetSimulator(spec, Clock.systemUTC());
    }

    /** A simulator reading time from {@code clock}; with a fixed clock its events are fully reproducible. */
    public static FleetSimulator create(FleetSpec spec, Clock clock) {
        return new FleetSimulator(spec, clock);
    }

    public FleetSpec spec() {
        return spec;
    }

    /**
     * The simulated tenants as {@code tenants.v1} values (key = {@code id}): plan, GitHub user name (SANDBOX only),
     * tags, and the SHA-256 of the API key their proxies send. New objects on every call.
     */
    public List<TenantMetadata> tenants() {
        return fleet.tenantMetadata();
    }

    /** The simulated proxies, in the order they take turns. */
    public List<ProxyIdentity> proxies() {
        return fleet.proxies().stream().map(Fleet.Proxy::identity).toList();
    }

    /** Every secret this fleet plants. */
    public Canaries canaries() {
        return fleet.canaries();
    }

    /**
     * The fleet's event sequence from its beginning, without Kafka: the exact events {@link #run} publishes, in
     * order (given the same clock readings). Infinite; each call starts afresh.
     */
    public Stream<SpecificRecordBase> events() {
        FleetTraffic traffic = new FleetTraffic(fleet, spec.seed(), clock);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(traffic,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * Writes {@link #tenants()} to {@code tenants.v1} (key = tenant id, Avro single-object value) and waits until
     * Kafka acknowledged all of them.
     *
     * @return the number of tenants written
     * @throws IllegalStateException naming the cluster and the cause when they were not acknowledged within
     *         {@code timeout}
     */
    public int writeTenants(String bootstrapServers, Duration timeout) {
        AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "lunar-fleet-simulator-tenants",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TenantMetadata> tenants = tenants();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (TenantMetadata tenant : tenants) {
                sends.add(producer.send(new ProducerRecord<>(Topics.TENANTS, tenant.getId(), codec.encode(tenant))));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write the simulated tenants to " + Topics.TENANTS + " at "
                    + bootstrapServers + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not acknowledge the simulated"
                    + " tenants within " + timeout + "; is it running, and does " + Topics.TENANTS + " exist?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the simulated tenants", e);
        }
        return tenants.size();
    }

    /**
     * Publishes the fleet's traffic through {@code publisher} at the spec's rate until the spec's duration has passed
     * or {@link #stop()} is called, printing a progress line to {@code progress} at most once per second; then
     * flushes and returns what was sent. Each event is keyed by its own proxy's id; the publisher's identity, if any,
     * is not used. A simulator runs once.
     *
     * @throws IllegalStateException if this simulator has already run
     */
    public Summary run(TelemetryPublisher publisher, PrintWriter progress) {
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(progress, "progress");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("this simulator has already run; create a new one (same spec and seed,"
                    + " same traffic) to run again");
        }
        FleetTraffic traffic = new FleetTraffic(fleet, spec.seed(), clock);
        long[] sent = new long[EventKind.values().length];
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        double nanosPerEvent = 1e9 / spec.ratePerSecond();
        long start = System.nanoTime();
        long end = spec.duration().map(d -> start + Math.min(d.toNanos(), Long.MAX_VALUE / 4)).orElse(Long.MAX_VALUE);
        boolean bounded = spec.duration().isPresent();
        ProgressLine line = new ProgressLine(progress, spec.ratePerSecond(), start);
        long count = 0;
        boolean interrupted = false;
        try {
            sending:
            while (!stopRequested()) {
                long now = System.nanoTime();
                if (bounded && now - end >= 0) {
                    break;
                }
                long due = (long) Math.floor((now - start) / nanosPerEvent) + 1;
                while (count < due) {
                    SpecificRecordBase event = traffic.next();
                    sent[kindsByType.get(event.getClass()).ordinal()]++;
                    count++;
                    publisher.publishAny(event).whenComplete((metadata, error) -> {
                        if (error == null) {
                            acknowledged.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, error);
                        }
                    });
                    if ((count & 255) == 0) {
                        long t = System.nanoTime();
                        if (stopRequested() || (bounded && t - end >= 0)) {
                            break sending;
                        }
                        line.maybePrint(t, sent, acknowledged.get(), failed.get());
                    }
                }
                line.maybePrint(System.nanoTime(), sent, acknowledged.get(), failed.get());
                long nextDue = start + (long) Math.ceil(count * nanosPerEvent);
                long wakeAt = Math.min(nextDue, line.nextAt());
                if (bounded) {
                    wakeAt = Math.min(wakeAt, end);
                }
                long wait = wakeAt - System.nanoTime();
                if (wait > 0) {
                    stopSignal.await(wait, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        try {
            publisher.flush();
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Map<EventKind, Long> perKind = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            perKind.put(kind, sent[kind.ordinal()]);
        }
        return new Summary(Collections.unmodifiableMap(perKind), acknowledged.get(), failed.get(), elapsed,
                stopRequested() || interrupted, Optional.ofNullable(firstError.get()).map(Throwable::toString));
    }

    /** Ends a {@link #run} early (from any thread, e.g. a shutdown hook); it then flushes and returns. */
    public void stop() {
        stopSignal.countDown();
    }

    private boolean stopRequested() {
        return stopSignal.getCount() == 0;
    }

    /**
     * What a run sent.
     *
     * @param sent         events handed to Kafka, per kind
     * @param acknowledged events Kafka acknowledged
     * @param failed       events whose delivery failed (see {@link TelemetryPublisher})
     * @param elapsed      time spent sending (without the final flush)
     * @param stopped      whether {@link #stop()} ended the run before its duration
     * @param firstError   the first delivery error, if any
     */
    public record Summary(Map<EventKind, Long> sent, long acknowledged, long failed, Duration elapsed, boolean stopped,
            Optional<String> firstError) {

        public long total() {
            return sent.values().stream().mapToLong(Long::longValue).sum();
        }

        public double ratePerSecond() {
            long nanos = Math.max(1, elapsed.toNanos());
            return total() * 1e9 / nanos;
        }

        /** One line, e.g. {@code Sent 3,000 events in 30.0 s (100 events/s): logs 1,490, ...; 3,000 acknowledged, 0 failed.} */
        public String describe() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Sent %,d events in %.1f s (%,.0f events/s): ",
                    total(), elapsed.toMillis() / 1000.0, ratePerSecond()));
            long[] perKind = new long[EventKind.values().length];
            sent.forEach((kind, n) -> perKind[kind.ordinal()] = n);
            ProgressLine.appendKinds(line, perKind);
            line.append(String.format(Locale.ROOT, "; %,d acknowledged, %,d failed", acknowledged, failed));
            firstError.ifPresent(e -> line.append(" (first error: ").append(e).append(')'));
            return line.append('.').toString();
        }
    }
}
