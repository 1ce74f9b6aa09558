package dev.lunar.telemetry.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the run's raw records at a steady rate (as a fleet of proxies would), so that the faults hit a pipeline
 * with work in flight. Idempotent, {@code acks=all}, one request in flight per connection and a delivery timeout of
 * several minutes: a broker restart delays records, it never reorders, duplicates or drops them — anything the
 * destinations miss is the pipeline's doing, not the producer's.
 */
final class PacedProducer implements AutoCloseable {

    private final List<Traffic.Raw> records;
    private final Function<Traffic.Raw, String> topicOf;
    private final double perSecond;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fault-suite-producer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile int next;
    /** Records from this index on wait for {@link #release()}; none by default. */
    private volatile int heldFrom = Integer.MAX_VALUE;
    /** Nanos spent waiting for the release; the schedule is shifted by it, so the rate is kept afterwards. */
    private volatile long heldNanos;
    private volatile long holdBegan = -1;
    private final java.util.ArrayDeque<Integer> holds = new java.util.ArrayDeque<>();
    /** When each record was handed to the producer ({@link System#nanoTime()}), by event id. */
    private final Map<String, Long> sentNanos = new java.util.concurrent.ConcurrentHashMap<>();
    private long startNanos;

    PacedProducer(String bootstrapServers, List<Traffic.Raw> records, Function<Traffic.Raw, String> topicOf,
                  double perSecond) {
        this.records = records;
        this.topicOf = topicOf;
        this.perSecond = perSecond;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "fault-suite-fleet",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(5).toMillis()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Starts producing in the background. */
    void start() {
        startNanos = System.nanoTime();
        ticker.scheduleAtFixedRate(this::sendDue, 0, 20, TimeUnit.MILLISECONDS);
    }

    /**
     * Holds back the records from {@code share} of the traffic on until {@link #release()}: a scenario whose faults
     * may outlast the paced traffic keeps a reserve for after its last fault. Call before {@link #start()}.
     */
    void holdFrom(double share) {
        holdAt(List.of(share));
    }

    /**
     * Splits the traffic at these shares (ascending): the records from each one on wait for one more
     * {@link #release()}. Call before {@link #start()}.
     */
    void holdAt(List<Double> shares) {
        holds.clear();
        shares.forEach(share -> holds.add((int) (records.size() * share)));
        heldFrom = holds.isEmpty() ? Integer.MAX_VALUE : holds.poll();
    }

    /** Lets the next held part go, at the same rate as before, from now on. */
    synchronized void release() {
        if (holdBegan >= 0) {
            heldNanos += System.nanoTime() - holdBegan;
            holdBegan = -1;
        }
        Integer next = holds.poll();
        heldFrom = next == null ? Integer.MAX_VALUE : next;
    }

    private synchronized void sendDue() {
        long due = Math.min(records.size(), (long) Math.ceil((System.nanoTime() - startNanos - heldNanos) / 1e9
                * perSecond));
        if (due > heldFrom) {
            due = heldFrom;
            if (next >= heldFrom && holdBegan < 0) {
                holdBegan = System.nanoTime();
            }
        }
        try {
            while (next < due) {
                Traffic.Raw raw = records.get(next++);
                if (raw.eventId() != null) {
                    sentNanos.put(raw.eventId(), System.nanoTime());
                }
                producer.send(new ProducerRecord<>(topicOf.apply(raw), null, raw.key(), raw.value(), raw.headers()),
                        (metadata, error) -> {
                            if (error != null) {
                                firstError.compareAndSet(null, error);
                                done.completeExceptionally(error);
                            } else if (acknowledged.incrementAndGet() == records.size()) {
                                done.complete(null);
                            }
                        });
            }
        } catch (RuntimeException e) {
            firstError.compareAndSet(null, e);
            done.completeExceptionally(e);
        }
        if (next >= records.size() || done.isDone()) {
            ticker.shutdown();
        }
    }

    /** Records handed to the producer so far. */
    int sent() {
        return next;
    }

    /** Event id to the {@link System#nanoTime()} at which it was handed to the producer. */
    Map<String, Long> sentNanos() {
        return Map.copyOf(sentNanos);
    }

    long acknowledged() {
        return acknowledged.get();
    }

    /** Completes when Kafka has acknowledged every record; fails on the first record it did not. */
    CompletableFuture<Void> done() {
        return done;
    }

    String describe() {
        return "producer: " + acknowledged() + "/" + records.size() + " acknowledged"
                + (firstError.get() == null ? "" : ", first error " + firstError.get());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        producer.close(Duration.ofSeconds(30));
    }
}
