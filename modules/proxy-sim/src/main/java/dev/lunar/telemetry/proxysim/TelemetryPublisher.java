package dev.lunar.telemetry.proxysim;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.PolicySnapshot;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a JVM proxy uses to publish its telemetry: one Kafka producer, typed builders that stamp the proxy's header and
 * tags, and an asynchronous {@code publish} per raw kind.
 *
 * <pre>{@code
 * try (TelemetryPublisher telemetry = TelemetryPublisher.create(PublisherSettings.builder("kafka:9092")
 *         .proxyId("proxy-eu-1").proxyVersion("1.4.2").apiKey(System.getenv("LUNAR_API_KEY")).build())) {
 *     telemetry.publish(telemetry.log().setLevel("INFO").setLogger("engine").setMessage("policies loaded").build())
 *             .whenComplete((metadata, error) -> { ... });
 * }
 * }</pre>
 *
 * <p><b>Delivery contract.</b> Each event goes to its kind's raw topic ({@code proxy.<kind>.v1}) as Avro single-object
 * bytes, keyed by {@code header.proxyId}, so one proxy's events stay in order on one partition. The returned future
 * completes with the record's {@link RecordMetadata} once every in-sync replica has it ({@code acks=all}; the
 * idempotent producer writes each record once despite retries). It fails — and the record is dropped — when Kafka has
 * not acknowledged it within {@link PublisherSettings#deliveryTimeout()}, when the buffer stays full for
 * {@link PublisherSettings#maxBlock()}, or when the publisher is closed. {@code publish} never throws for these.
 * Callbacks run on the producer's I/O thread: keep them short or use the {@code *Async} stages.
 *
 * <p>Thread-safe: share one publisher per process.
 */
public final class TelemetryPublisher implements AutoCloseable {

    /** How long {@link #close()} waits for records still in flight. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, byte[]> producer;
    private final Optional<ProxyIdentity> proxy;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AvroCodec<ProxyLog> logs = AvroCodec.of(ProxyLog.class);
    private final AvroCodec<ResourceUsage> resources = AvroCodec.of(ResourceUsage.class);
    private final AvroCodec<Heartbeat> heartbeats = AvroCodec.of(Heartbeat.class);
    private final AvroCodec<PolicySnapshot> policies = AvroCodec.of(PolicySnapshot.class);
    private final AvroCodec<EndpointStats> endpoints = AvroCodec.of(EndpointStats.class);

    TelemetryPublisher(Producer<String, byte[]> producer, Optional<ProxyIdentity> proxy, Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Connects a Kafka producer configured by {@code settings} (no network round trip until the first publish). */
    public static TelemetryPublisher create(PublisherSettings settings) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producerConfig(), new StringSerializer(),
                new ByteArraySerializer());
        return new TelemetryPublisher(producer, settings.proxy(), Clock.systemUTC());
    }

    /** The proxy this publisher speaks for. */
    public ProxyIdentity proxy() {
        return proxy.orElseThrow(() -> new IllegalStateException("this publisher has no proxy identity, so it cannot"
                + " stamp events: set proxyId and tenantId or apiKey in PublisherSettings, or publish events whose"
                + " header you built yourself"));
    }

    /** A fresh header of this proxy: new random UUID, now. */
    public EventHeader newHeader() {
        return header(now());
    }

    private EventHeader header(Instant producedAt) {
        return proxy().header(UUID.randomUUID().toString(), producedAt);
    }

    /** A log line with header, tags and {@code timestamp} (now) filled in; set level, logger and message. */
    public ProxyLog.Builder log() {
        Instant now = now();
        return ProxyLog.newBuilder().setHeader(header(now)).setTags(proxy().eventTags()).setTimestamp(now);
    }

    /** A resource sample with header, tags and {@code sampledAt} (now) filled in; set interval, host and processes. */
    public ResourceUsage.Builder resourceUsage() {
        Instant now = now();
        return ResourceUsage.newBuilder().setHeader(header(now)).setTags(proxy().eventTags()).setSampledAt(now);
    }

    /** A heartbeat with header and tags filled in; set startedAt, uptime, restarts and environment. */
    public Heartbeat.Builder heartbeat() {
        return Heartbeat.newBuilder().setHeader(newHeader()).setTags(proxy().eventTags());
    }

    /** A configuration load with header, tags and {@code loadedAt} (now) filled in; set files and policies. */
    public PolicySnapshot.Builder policySnapshot() {
        Instant now = now();
        return PolicySnapshot.newBuilder().setHeader(header(now)).setTags(proxy().eventTags()).setLoadedAt(now);
    }

    /** Endpoint counters with header and tags filled in; set the window, endpoint and counters. */
    public EndpointStats.Builder endpointStats() {
        return EndpointStats.newBuilder().setHeader(newHeader()).setTags(proxy().eventTags());
    }

    public CompletableFuture<RecordMetadata> publish(ProxyLog event) {
        return send(EventKind.LOGS, event.getHeader(), () -> logs.encode(event));
    }

    public CompletableFuture<RecordMetadata> publish(ResourceUsage event) {
        return send(EventKind.RESOURCES, event.getHeader(), () -> resources.encode(event));
    }

    public CompletableFuture<RecordMetadata> publish(Heartbeat event) {
        return send(EventKind.HEARTBEATS, event.getHeader(), () -> heartbeats.encode(event));
    }

    public CompletableFuture<RecordMetadata> publish(PolicySnapshot event) {
        return send(EventKind.POLICIES, event.getHeader(), () -> policies.encode(event));
    }

    public CompletableFuture<RecordMetadata> publish(EndpointStats event) {
        return send(EventKind.ENDPOINTS, event.getHeader(), () -> endpoints.encode(event));
    }

    /** Any raw event, dispatched by type; for callers that hold events of mixed kinds. */
    CompletableFuture<RecordMetadata> publishAny(SpecificRecordBase event) {
        if (event instanceof ProxyLog e) {
            return publish(e);
        } else if (event instanceof EndpointStats e) {
            return publish(e);
        } else if (event instanceof ResourceUsage e) {
            return publish(e);
        } else if (event instanceof Heartbeat e) {
            return publish(e);
        } else if (event instanceof PolicySnapshot e) {
            return publish(e);
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException(
                event.getClass().getSimpleName() + " is not a raw telemetry kind"));
    }

    /** Sends everything published so far and waits until each of those futures has completed. */
    public void flush() {
        producer.flush();
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops accepting events, waits up to {@code timeout} for those in flight, then releases the producer; records
     * still unacknowledged after that fail their futures. Idempotent.
     */
    public void close(Duration timeout) {
        if (closed.compareAndSet(false, true)) {
            producer.close(timeout);
        }
    }

    private interface Encoding {
        byte[] bytes();
    }

    private CompletableFuture<RecordMetadata> send(EventKind kind, EventHeader header, Encoding encoding) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "telemetry publisher is closed; create a new one to publish again"));
        }
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(kind.rawTopic(), header.getProxyId(),
                    encoding.bytes());
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // Buffer full for maxBlock, metadata unavailable, producer closed concurrently, unencodable event.
            result.completeExceptionally(e);
        }
        return result;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
