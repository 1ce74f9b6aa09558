package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.kafka.runtime.KafkaRuntime;
import dev.lunar.telemetry.kafka.runtime.ReceiverSettings;
import dev.lunar.telemetry.kafka.runtime.RecordReceiver;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link RecordSource} on the shared Kafka runtime: one {@link RecordReceiver} polling {@code maxPollRecords} at a
 * time, so that without downstream demand the consumer pauses. Commits, rebalances (a revocation waits up to
 * {@link #REVOCATION_WAIT} for the revoked partitions' records being delivered, then commits what is done) and lag
 * are the runtime's.
 */
final class KafkaRecordSource implements RecordSource {

    /** A revocation waits at most this long (or the shutdown timeout, if shorter) for batches in delivery. */
    static final Duration REVOCATION_WAIT = Duration.ofSeconds(10);

    private final RecordReceiver receiver;

    KafkaRecordSource(KafkaClientSettings kafka, String groupId, String clientId, Collection<String> topics,
                      int maxPollRecords, Duration closeTimeout) {
        Duration revocation = closeTimeout.compareTo(REVOCATION_WAIT) < 0 ? closeTimeout : REVOCATION_WAIT;
        this.receiver = KafkaRuntime.receiver(kafka, ReceiverSettings.of(groupId, clientId, List.copyOf(topics))
                .withMaxPollRecords(maxPollRecords)
                .withTimeouts(revocation, closeTimeout));
    }

    @Override
    public Flux<SourceRecord> receive(AcknowledgementLedger ledger) {
        return receiver.receive(ledger, r -> new SourceRecord(r.topic(), r.partition(), r.offset(), r.key(),
                r.value(), r.headers(), r.ticket()));
    }

    @Override
    public Mono<Void> pause() {
        return receiver.pause();
    }

    @Override
    public Mono<Void> commitAcknowledged() {
        return receiver.commitAcknowledged();
    }

    @Override
    public long lag() {
        return receiver.lag();
    }

    @Override
    public int maxRecordsPerPoll() {
        return receiver.maxRecordsPerPoll();
    }
}
