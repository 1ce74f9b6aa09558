package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.events.avro.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * An audit trail in memory, for the forwarders' handler tests without Kafka (consumer-kit's test jar);
 * {@link #failNext} makes writes fail.
 */
public final class RecordingAuditTrail implements AuditTrail {

    public final List<AuditRecord> written = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();

    public void failNext(int writes) {
        failures.set(writes);
    }

    @Override
    public synchronized Mono<AuditRecord> record(AuditEntry entry) {
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Mono.error(new IllegalStateException("audit topic unavailable"));
        }
        String prev = written.isEmpty() ? AuditChain.GENESIS : written.get(written.size() - 1).getHash();
        AuditRecord r = AuditChain.next(chainId(), written.size(), prev, Instant.now(), entry);
        written.add(r);
        return Mono.just(r);
    }

    @Override
    public String chainId() {
        return "test-chain";
    }
}
