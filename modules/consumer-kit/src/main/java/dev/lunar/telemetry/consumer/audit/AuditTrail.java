package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.events.avro.AuditRecord;
import reactor.core.publisher.Mono;

/**
 * The record of what left the pipeline (DESIGN.md P7): every forwarder hands each request its destination accepted
 * to its audit trail <em>before</em> it reports the batch done, so before the kit commits the batch's offsets.
 *
 * <h2>Contract</h2>
 * {@link #record} completes with the written record only once Kafka acknowledged it ({@code acks=all}, idempotent
 * producer); it fails when the write did not complete within the write timeout. A forwarder that gets a failure must
 * not report its batch accepted: the batch is retried (and the request audited on the retry), never committed
 * unaudited. What that guarantees:
 * <ul>
 *   <li>every committed record's accepted requests are in the audit trail;</li>
 *   <li>a request accepted by a process that died before its audit write was acknowledged is sent again after the
 *       restart (its offsets were not committed) and the new copy is audited: the earlier copy is then the one
 *       unaudited transmission, and the destination has it twice (at-least-once);</li>
 *   <li>a write whose acknowledgement was lost is written again unchanged (same sequence, same hash) before
 *       anything else, so a chain may hold an exact duplicate but never a gap or a fork from its own writer.</li>
 * </ul>
 * Records of one trail form one chain ({@link AuditChain}): one chain id per trail, stable for the process life, the
 * record key, so a chain stays in one partition and in order. Thread-safe: concurrent calls are written one after
 * another.
 */
public interface AuditTrail extends AutoCloseable {

    /** Writes {@code entry} as the next record of the chain; see the class comment. */
    Mono<AuditRecord> record(AuditEntry entry);

    /** This trail's chain id. */
    String chainId();

    @Override
    default void close() {
    }

    /**
     * A trail on Kafka: creates {@code settings.topic()} when missing (the broker's default partitions and
     * replication, the settings' retention), then writes to it.
     *
     * @param writer names the chain, e.g. the forwarder's consumer name; a random suffix makes it unique per process
     */
    static AuditTrail kafka(KafkaClientSettings kafka, AuditSettings settings, String writer) {
        return KafkaAuditTrail.start(kafka, settings, writer);
    }
}
