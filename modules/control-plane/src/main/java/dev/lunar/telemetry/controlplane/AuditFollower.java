package dev.lunar.telemetry.controlplane;

import dev.lunar.telemetry.consumer.BatchResult;
import dev.lunar.telemetry.consumer.ConsumerHealth;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.consumer.TelemetryConsumer;
import dev.lunar.telemetry.events.avro.AuditRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Follows the audit topic into {@link SentStore}, split per tenant ({@link SentEntries}), so that a tenant can see
 * what was sent about it. Built on the consumer kit: a batch's offsets are committed only after its rows are
 * committed to the database; a database failure retries the batch; storing a record again changes nothing.
 */
final class AuditFollower implements AutoCloseable {

    /** The consumer group: its committed offsets are how far the control plane has read the audit trail. */
    static final String GROUP_ID = "control-plane-audit";

    private final TelemetryConsumer<AuditRecord> consumer;

    AuditFollower(KafkaClientSettings kafka, String topic, SentStore store, Scheduler blocking,
                  MeterRegistry registry) {
        this.consumer = TelemetryConsumer.builder("control-plane-audit", AuditRecord.class)
                .kafka(kafka)
                .groupId(GROUP_ID)
                .topic(topic, AuditRecord.class)
                .destination("control-plane-storage")
                .batching(500, 16L * 1024 * 1024, Duration.ofMillis(500))
                .meterRegistry(registry)
                .handler(batch -> Mono.fromCallable(() -> {
                    List<SentEntries.Share> shares = new ArrayList<>();
                    batch.forEach(record -> shares.addAll(SentEntries.shares(record)));
                    store.store(shares);
                    return BatchResult.accepted();
                }).subscribeOn(blocking))
                .start();
    }

    ConsumerHealth health() {
        return consumer.health();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
