package dev.lunar.telemetry.processor.tenants;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower.MissingTopic;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower.RejectedRecord;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.internal.ProcessorMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link TenantTable} in step with {@code tenants.v1} through the runtime's {@link CompactedTopicFollower}:
 * {@link #loaded()} completes once everything in the topic at start is in the table (processing waits for it, and
 * for the topic to exist); a tombstone deletes the tenant. A tenant record that cannot be read is logged (partition
 * and offset only) and counted, and the table keeps the previous version.
 */
public final class TenantFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TenantFeed.class);

    private final TenantTable table;
    private final Counter badRecords;
    private final AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
    private final CompactedTopicFollower<TenantMetadata> follower;

    public TenantFeed(ProcessorSettings settings, String topic, TenantTable table, ProcessorMetrics metrics) {
        this.table = table;
        this.badRecords = Counter.builder("lunar.processor.tenants.bad")
                .description("tenant records that could not be read").register(metrics.registry());
        this.follower = new CompactedTopicFollower<>(settings.kafka(), settings.clientId() + "-tenants", topic,
                this::decode, new Changes(), MissingTopic.WAIT, settings.shutdownTimeout());
    }

    public void start() {
        follower.start();
    }

    /** Completes once the table holds everything that was in the topic when the feed started. */
    public CompletableFuture<Void> loaded() {
        return follower.caughtUp();
    }

    public String status() {
        return follower.status();
    }

    private TenantMetadata decode(String id, byte[] value) throws RejectedRecord {
        TenantMetadata tenant;
        try {
            tenant = codec.decode(value);
        } catch (BadRecordException e) {
            throw new RejectedRecord("cannot be read (" + e.reason() + ": " + e.getMessage() + ")");
        }
        if (!id.equals(tenant.getId())) {
            throw new RejectedRecord("has key " + id + " but id " + tenant.getId() + " (write it with `lunar-telemetry"
                    + " tenants put`)");
        }
        return tenant;
    }

    /** Mirrors the follower's changes into the table the stream reads. */
    private final class Changes implements CompactedTopicFollower.Listener<TenantMetadata> {
        @Override
        public void changed(String id, TenantMetadata tenant) {
            if (tenant == null) {
                table.remove(id);
                log.info("tenant {} deleted", id);
            } else {
                table.put(tenant);
                log.info("tenant {} updated (plan {})", id, tenant.getPlan());
            }
        }

        @Override
        public void rejected(String where, String id, String reason) {
            badRecords.increment();
            log.warn("tenant record {} {}; {}", where, reason, id == null ? "ignored (the key is the tenant id)"
                    : "keeping the previous version of tenant " + id);
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
