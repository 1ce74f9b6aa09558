package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A running consumer of enriched topics that hands batches of decoded records to a {@link BatchHandler}.
 *
 * <h2>Delivery contract</h2>
 * At least once, in offset order per partition. An offset is committed only when its record and every earlier
 * record of its partition are done: accepted by the destination, or written to {@code telemetry.dlq.v1} (with the
 * original bytes and the reason in headers) because it could not be decoded or the destination refused it. A
 * retriable failure or a rejected credential commits nothing and retries the same batch — forever — while Kafka holds
 * the backlog; the consumer is paused meanwhile, so no more than {@link #inFlightBound()} records are held in
 * memory. After a crash or a rebalance, records after the last commit are delivered again. A handler that must hold
 * records (a window sent when it closes) answers {@link BatchResult#acceptedWhen(reactor.core.publisher.Mono)
 * acceptedWhen(settled)}: the kit reads on while at most {@link Builder#maxHeldRecords(int)} records wait, and those
 * records are done — acknowledged, still in offset order — only when {@code settled} completes; if it fails, the
 * consumer reads again from the last commit.
 *
 * <pre>{@code
 * TelemetryConsumer<EnrichedLog> consumer = TelemetryConsumer.builder("audit-logs", EnrichedLog.class)
 *         .kafka(KafkaClientSettings.of("127.0.0.1:9092"))
 *         .groupId("audit-forwarder")
 *         .topic(EventKind.LOGS.enrichedTopic(), EnrichedLog.class)
 *         .handler(batch -> auditStore.save(batch).thenReturn(BatchResult.accepted()))
 *         .start();
 * }</pre>
 *
 * <p>Closing stops polling, waits (up to the shutdown timeout) for the batches in flight to finish, commits what is
 * done and closes the Kafka clients. It does not wait for deferred settlements: records still waiting for one (and
 * later records of their partitions) are delivered again after the next start. Thread-safe.
 *
 * @param <T> the common type of the decoded records
 */
public final class TelemetryConsumer<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TelemetryConsumer.class);
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,100}");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** Defaults, in one place. */
    public static final int DEFAULT_MAX_BATCH_RECORDS = 500;
    public static final long DEFAULT_MAX_BATCH_BYTES = 4L * 1024 * 1024;
    public static final Duration DEFAULT_MAX_BATCH_WAIT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_AUTH_RETRY_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** By default every deferred settlement is awaited before the next batch. */
    public static final int DEFAULT_MAX_HELD_RECORDS = 0;
    /** Kafka's own default; a poll never returns more. */
    static final int MAX_POLL_RECORDS_CAP = 500;

    private final String name;
    private final RecordSource source;
    private final DeadLetterSink deadLetters;
    private final ConsumerMetrics metrics;
    private final HealthState health;
    private final Duration shutdownTimeout;
    private final int inFlightBound;
    private final DeliveryLoop<T> loop;
    private final Disposable running;
    private final Scheduler decoding;
    private final Sinks.Empty<Void> terminated = Sinks.empty();
    private final AtomicBoolean closed = new AtomicBoolean();

    private TelemetryConsumer(Builder<T> b) {
        this.name = b.name;
        this.shutdownTimeout = b.shutdownTimeout;
        int maxPollRecords = Math.min(b.maxRecords, MAX_POLL_RECORDS_CAP);
        String clientId = b.name + "-" + INSTANCES.incrementAndGet();
        this.source = b.sourceFactory != null ? b.sourceFactory.apply(b)
                : new KafkaRecordSource(b.kafka, b.groupId, clientId, b.codecs.keySet(), maxPollRecords,
                        b.shutdownTimeout);
        this.deadLetters = b.deadLetterSink != null ? b.deadLetterSink
                : new KafkaDeadLetterSink(b.kafka, b.deadLetterTopic, clientId + "-dlq");
        // The batcher prefetches 4 batches, one batch is being delivered, the source holds a few polls, the decoding
        // thread's queue one more (a source that buffers nothing ahead is decoded where it emits); the loop stops
        // reading once more than maxHeldRecords wait for settlements (the batch that crossed it is the one "being
        // delivered").
        this.inFlightBound = 5 * b.maxRecords + 4 * source.maxRecordsPerPoll() + b.maxHeldRecords;
        this.decoding = Schedulers.newSingle(clientId + "-decode", true);
        this.health = new HealthState(Clock.systemUTC());
        this.metrics = new ConsumerMetrics(b.registry, b.name, source::lag);
        this.loop = new DeliveryLoop<>(b.name, b.destination, source, deadLetters, b.codecs,
                b.skipHeaders, b.handler, b.maxRecords, b.maxBytes, b.maxWait,
                new Backoff(b.initialBackoff, b.maxBackoff), b.authRetryInterval, metrics, health, b.random,
                b.maxHeldRecords, decoding, source.maxRecordsPerPoll());
        this.running = loop.run()
                .doFinally(signal -> terminated.tryEmitEmpty())
                .subscribe(v -> { }, e -> {
                    log.error("{}: stopped by an unexpected error", name, e);
                    health.set(ConsumerHealth.Status.DOWN, "stopped by an unexpected error: " + e);
                });
        log.info("{}: consuming {} as group {} (batches of at most {} records / {} bytes / {} ms)", name,
                b.codecs.keySet(), b.groupId, b.maxRecords, b.maxBytes, b.maxWait.toMillis());
    }

    public static <T> Builder<T> builder(String name, Class<T> recordType) {
        return new Builder<>(name, recordType);
    }

    public String name() {
        return name;
    }

    public ConsumerHealth health() {
        return health.get();
    }

    /**
     * Records read from Kafka and not yet acknowledged (done: accepted, settled or dead-lettered, and so is every
     * earlier record of their partition); also the gauge {@code lunar.consumer.in.flight}.
     */
    public int inFlightRecords() {
        return metrics.inFlight.get();
    }

    /**
     * Of {@link #inFlightRecords()}, those handed over and waiting for a deferred settlement (or for an earlier record
     * of their partition); also the gauge {@code lunar.consumer.held}.
     */
    public int heldRecords() {
        return metrics.held.get();
    }

    /** The largest {@link #inFlightRecords()} since start; also the gauge {@code lunar.consumer.in.flight.max}. */
    public int maxInFlightRecords() {
        return metrics.inFlightMax.get();
    }

    /**
     * What {@link #inFlightRecords()} never exceeds, however large the backlog: it depends only on the batch size and
     * {@link Builder#maxHeldRecords(int)}.
     */
    public int inFlightBound() {
        return inFlightBound;
    }

    /** Records behind the end of the assigned partitions, as last measured (every 2 s). */
    public long lag() {
        return source.lag();
    }

    /**
     * Graceful shutdown: stop polling, let the batches in flight finish (up to the shutdown timeout), commit what is
     * done, close the Kafka clients. Records not done by then — including those still waiting for a deferred
     * settlement — are delivered again after the next start.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        loop.stopping();
        try {
            source.pause().block(shutdownTimeout);
            if (health.get().status() == ConsumerHealth.Status.DOWN) {
                // credentials rejected: nothing in flight can finish; stop now, nothing is committed
                throw new IllegalStateException("destination down");
            }
            // every record read has been handed over; deferred settlements are not waited for
            Flux.interval(Duration.ofMillis(20))
                    .filter(t -> metrics.inFlight.get() - metrics.held.get() <= 0)
                    .next()
                    .block(remaining(deadline));
        } catch (RuntimeException e) {
            log.warn("{}: {} records were still in flight at shutdown; they will be delivered again", name,
                    metrics.inFlight.get());
        }
        if (metrics.held.get() > 0) {
            log.info("{}: {} records were still waiting for a deferred settlement; they will be delivered again", name,
                    metrics.held.get());
        }
        try {
            source.commitAcknowledged().block(remaining(deadline));
        } catch (RuntimeException e) {
            log.warn("{}: the final commit did not complete ({}); records after the last commit will be delivered"
                    + " again", name, e.toString());
        }
        running.dispose();
        try {
            terminated.asMono().block(remaining(deadline).plusSeconds(5));
        } catch (RuntimeException e) {
            log.warn("{}: the Kafka consumer did not close in time", name);
        }
        decoding.dispose();
        deadLetters.close();
        health.stopped();
        log.info("{}: closed", name);
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), 1_000_000));
    }

    /**
     * Configures and starts a {@link TelemetryConsumer}. Required: {@link #kafka}, {@link #groupId}, at least one
     * {@link #topic}, {@link #handler}. Everything else has a default ({@code DEFAULT_*} above).
     */
    public static final class Builder<T> {
        private final String name;
        private final Class<T> recordType;
        private KafkaClientSettings kafka;
        private String groupId;
        private final Map<String, BiFunction<byte[], RecordPosition, T>> codecs = new LinkedHashMap<>();
        private BatchHandler<T> handler;
        private String destination;
        private int maxRecords = DEFAULT_MAX_BATCH_RECORDS;
        private long maxBytes = DEFAULT_MAX_BATCH_BYTES;
        private Duration maxWait = DEFAULT_MAX_BATCH_WAIT;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration authRetryInterval = DEFAULT_AUTH_RETRY_INTERVAL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int maxHeldRecords = DEFAULT_MAX_HELD_RECORDS;
        private String deadLetterTopic = Topics.DEAD_LETTERS;
        private final Set<String> skipHeaders = new LinkedHashSet<>();
        private MeterRegistry registry;
        // test seams (package-private)
        Function<Builder<T>, RecordSource> sourceFactory;
        DeadLetterSink deadLetterSink;
        DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(String name, Class<T> recordType) {
            if (name == null || !LEGAL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("consumer name '" + name
                        + "' must be 1-100 characters of [a-zA-Z0-9._-]; it names metrics and Kafka client ids");
            }
            this.name = name;
            this.recordType = Objects.requireNonNull(recordType, "recordType");
        }

        /** Where Kafka is. Required. */
        public Builder<T> kafka(KafkaClientSettings kafka) {
            this.kafka = Objects.requireNonNull(kafka, "kafka");
            return this;
        }

        /** The consumer group; its committed offsets are the consumer's progress. Required. */
        public Builder<T> groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Reads {@code topic}, whose values are Avro single-object encoded {@code type}. At least one is required. */
        public Builder<T> topic(String topic, Class<? extends T> type) {
            Objects.requireNonNull(topic, "topic");
            if (!recordType.isAssignableFrom(type) || !SpecificRecordBase.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("topic " + topic + ": " + type.getName()
                        + " must be a generated Avro class and a " + recordType.getName());
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            AvroCodec<?> codec = AvroCodec.of((Class) type);
            codecs.put(topic, (bytes, position) -> recordType.cast(codec.decode(bytes)));
            return this;
        }

        /**
         * Reads {@code topic}, whose values are Avro single-object encoded {@code type}, and hands the handler
         * {@code prepare(record)} instead of the record. {@code prepare} runs as each record is read, on the
         * consumer's thread, before batching — so while earlier batches are being delivered: per-record work done
         * here (mapping, serialising) overlaps delivery instead of adding to it. Nothing else changes: the prepared
         * value is batched, delivered, retried, split and acknowledged exactly like a decoded record, and a record read
         * again is prepared again, so {@code prepare} must be a function of the record alone. A
         * {@link dev.lunar.telemetry.events.BadRecordException} from it dead-letters the record like one from
         * decoding; it should throw nothing else (anything else fails the read loop, which restarts from the last
         * commit).
         */
        public <R extends SpecificRecordBase> Builder<T> topic(String topic, Class<R> type,
                                                               Function<? super R, ? extends T> prepare) {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(prepare, "prepare");
            return topic(topic, AvroCodec.of(type), prepare);
        }

        /**
         * Like {@link #topic(String, Class, Function)}, decoding with {@code codec} — e.g. one that
         * {@linkplain AvroCodec#leavingUnread leaves unread} the fields {@code prepare} never looks at.
         */
        public <R extends SpecificRecordBase> Builder<T> topic(String topic, AvroCodec<R> codec,
                                                               Function<? super R, ? extends T> prepare) {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(codec, "codec");
            Objects.requireNonNull(prepare, "prepare");
            codecs.put(topic, (bytes, position) -> recordType.cast(prepare.apply(codec.decode(bytes))));
            return this;
        }

        /**
         * Like {@link #topic(String, Class, Function)}, with the record's position: {@code prepare(record, position)}.
         * For a consumer whose result depends on where a record was read — the control-plane forwarder keys its
         * partial aggregates by source partition. {@code prepare} must be a function of the record and its position
         * alone.
         */
        public <R extends SpecificRecordBase> Builder<T> positionedTopic(String topic, Class<R> type,
                BiFunction<? super R, RecordPosition, ? extends T> prepare) {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(prepare, "prepare");
            AvroCodec<R> codec = AvroCodec.of(type);
            codecs.put(topic, (bytes, position) -> recordType.cast(prepare.apply(codec.decode(bytes), position)));
            return this;
        }

        /** Reads the enriched topic of each kind ({@code telemetry.<kind>.v1}) with its enriched record type. */
        public Builder<T> enrichedKinds(EventKind... kinds) {
            for (EventKind kind : kinds) {
                @SuppressWarnings("unchecked")
                Class<? extends T> type = (Class<? extends T>) kind.enrichedType();
                topic(kind.enrichedTopic(), type);
            }
            return this;
        }

        /** The consumer's logic. Required. */
        public Builder<T> handler(BatchHandler<T> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Names the destination in dead letters ({@code dlq.stage=deliver:<destination>}); default: the consumer name. */
        public Builder<T> destination(String destination) {
            this.destination = destination;
            return this;
        }

        /**
         * A batch closes at {@code maxRecords} records or when {@code maxWait} has passed since its first record,
         * and is split so that no part exceeds {@code maxBytes} of encoded values (a single larger record goes alone).
         */
        public Builder<T> batching(int maxRecords, long maxBytes, Duration maxWait) {
            this.maxRecords = maxRecords;
            this.maxBytes = maxBytes;
            this.maxWait = maxWait;
            return this;
        }

        /** Backoff for retriable failures: starts at {@code initial}, doubles up to {@code max}, with jitter. */
        public Builder<T> retryBackoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** How often a batch is retried while the destination rejects our credentials. */
        public Builder<T> authRetryInterval(Duration interval) {
            this.authRetryInterval = interval;
            return this;
        }

        /** How long {@link TelemetryConsumer#close()} waits for batches in flight. */
        public Builder<T> shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * How many records answered {@link BatchResult#acceptedWhen acceptedWhen} may wait for their settlement (with
         * later records of their partitions) while the consumer reads on; beyond that it stops reading — Kafka holds
         * the backlog — until settlements complete. Default {@value TelemetryConsumer#DEFAULT_MAX_HELD_RECORDS}: each
         * settlement is awaited before the next batch. Raises {@link TelemetryConsumer#inFlightBound()} by as much;
         * what is held per record is a few dozen bytes (its position), not its value.
         */
        public Builder<T> maxHeldRecords(int maxHeldRecords) {
            this.maxHeldRecords = maxHeldRecords;
            return this;
        }

        /** Where undecodable and refused records go; default {@code telemetry.dlq.v1}. */
        public Builder<T> deadLetterTopic(String topic) {
            this.deadLetterTopic = topic;
            return this;
        }

        /** Records carrying a header with this name are acknowledged without being decoded or handled. */
        public Builder<T> skipRecordsWithHeader(String headerName) {
            this.skipHeaders.add(Objects.requireNonNull(headerName, "headerName"));
            return this;
        }

        /** Where the kit's meters go; default a private {@code SimpleMeterRegistry}. */
        public Builder<T> meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Validates the configuration and starts consuming. */
        public TelemetryConsumer<T> start() {
            validate();
            if (destination == null) {
                destination = name;
            }
            if (registry == null) {
                registry = new SimpleMeterRegistry();
            }
            return new TelemetryConsumer<>(this);
        }

        private void validate() {
            if (kafka == null && sourceFactory == null) {
                throw new IllegalArgumentException(name + ": kafka settings are missing: call kafka(...)");
            }
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException(name + ": groupId is empty: name the consumer group");
            }
            if (codecs.isEmpty()) {
                throw new IllegalArgumentException(name + ": no topic to read: call topic(...) or enrichedKinds(...)");
            }
            if (handler == null) {
                throw new IllegalArgumentException(name + ": no handler: call handler(...)");
            }
            if (maxRecords < 1 || maxRecords > 100_000) {
                throw new IllegalArgumentException(name + ": batch maxRecords must be 1..100000, was " + maxRecords);
            }
            if (maxHeldRecords < 0 || maxHeldRecords > 10_000_000) {
                throw new IllegalArgumentException(name + ": maxHeldRecords must be 0..10000000, was " + maxHeldRecords);
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException(name + ": batch maxBytes must be positive, was " + maxBytes);
            }
            requirePositive("batch maxWait", maxWait);
            requirePositive("retry initial backoff", initialBackoff);
            requirePositive("retry max backoff", maxBackoff);
            requirePositive("auth retry interval", authRetryInterval);
            requirePositive("shutdown timeout", shutdownTimeout);
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(name + ": retry max backoff " + maxBackoff
                        + " is shorter than the initial backoff " + initialBackoff);
            }
            if (deadLetterTopic == null || deadLetterTopic.isBlank()) {
                throw new IllegalArgumentException(name + ": dead-letter topic is empty");
            }
        }

        private void requirePositive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + what + " must be positive, was " + d);
            }
        }
    }
}
