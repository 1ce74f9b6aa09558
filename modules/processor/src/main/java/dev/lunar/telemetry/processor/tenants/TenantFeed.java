package dev.lunar.telemetry.processor.tenants;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.internal.ProcessorMetrics;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link TenantTable} in step with {@code tenants.v1}: reads the compacted topic from its beginning to the end
 * offsets seen at start (then {@link #loaded()} completes), and follows it live afterwards; a tombstone deletes the
 * tenant. Uses a plain consumer with manual assignment (no group, no commits) on its own thread. A tenant record that
 * cannot be read is logged (partition and offset only) and counted, and the table keeps the previous version.
 */
public final class TenantFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TenantFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final ProcessorSettings settings;
    private final String topic;
    private final TenantTable table;
    private final Counter badRecords;
    private final AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile String status = "connecting to Kafka";

    public TenantFeed(ProcessorSettings settings, String topic, TenantTable table, ProcessorMetrics metrics) {
        this.settings = settings;
        this.topic = topic;
        this.table = table;
        this.badRecords = Counter.builder("lunar.processor.tenants.bad")
                .description("tenant records that could not be read").register(metrics.registry());
        this.thread = new Thread(this::run, "lunar-tenant-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Completes once the table holds everything that was in the topic when the feed started. */
    public CompletableFuture<Void> loaded() {
        return loaded;
    }

    public String status() {
        return status;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = TenantTopic.consumer(settings, "tenants")) {
            consumer = c;
            if (closing.getCount() == 0) {
                return;
            }
            List<TopicPartition> partitions = awaitTopic(c);
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> end = TenantTopic.assignFromBeginning(c, partitions);
            status = "loading " + topic;
            while (closing.getCount() > 0) {
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                    apply(record);
                }
                if (!loaded.isDone() && TenantTopic.caughtUp(c, end)) {
                    status = "following " + topic;
                    log.info("tenant table loaded from {}: {} tenants", topic, table.size());
                    loaded.complete(null);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            status = "failed: " + e;
            log.error("the tenant feed of {} stopped: {}", topic, e.toString());
            loaded.completeExceptionally(e);
        } finally {
            if (!loaded.isDone()) {
                loaded.completeExceptionally(new IllegalStateException("the tenant feed stopped before " + topic
                        + " was loaded"));
            }
        }
    }

    private List<TopicPartition> awaitTopic(KafkaConsumer<String, byte[]> c) {
        boolean warned = false;
        while (closing.getCount() > 0) {
            List<TopicPartition> partitions = TenantTopic.partitions(c, topic, Duration.ofSeconds(5));
            if (!partitions.isEmpty()) {
                return partitions;
            }
            status = "waiting for topic " + topic + " to exist";
            if (!warned) {
                log.warn("topic {} does not exist on {}; processing waits until it does (create the pipeline topics)",
                        topic, settings.bootstrapServers());
                warned = true;
            }
            try {
                closing.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String id = record.key();
        if (id == null) {
            badRecords.increment();
            log.warn("tenant record {}-{}@{} has no key (the tenant id); ignored", record.topic(), record.partition(),
                    record.offset());
            return;
        }
        if (record.value() == null) {
            table.remove(id);
            log.info("tenant {} deleted", id);
            return;
        }
        try {
            TenantMetadata tenant = codec.decode(record.value());
            if (!id.equals(tenant.getId())) {
                badRecords.increment();
                log.warn("tenant record {}-{}@{} has key {} but id {}; ignored (write it with `lunar-telemetry tenants"
                        + " put`)", record.topic(), record.partition(), record.offset(), id, tenant.getId());
                return;
            }
            table.put(tenant);
            log.info("tenant {} updated (plan {})", id, tenant.getPlan());
        } catch (BadRecordException e) {
            badRecords.increment();
            log.warn("tenant record {}-{}@{} cannot be read ({}: {}); keeping the previous version of tenant {}",
                    record.topic(), record.partition(), record.offset(), e.reason(), e.getMessage(), id);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(settings.shutdownTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
