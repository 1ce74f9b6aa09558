package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import dev.lunar.telemetry.kafka.runtime.KafkaRuntime;
import dev.lunar.telemetry.kafka.runtime.OutgoingRecord;
import dev.lunar.telemetry.kafka.runtime.PartitionedWork;
import dev.lunar.telemetry.kafka.runtime.ReceiverSettings;
import dev.lunar.telemetry.kafka.runtime.RecordReceiver;
import dev.lunar.telemetry.kafka.runtime.RecordSender;
import dev.lunar.telemetry.kafka.runtime.SenderSettings;
import dev.lunar.telemetry.processor.DeliveryGuarantee;
import dev.lunar.telemetry.processor.ProcessorSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link StreamTransport} on the shared Kafka runtime: one {@link RecordReceiver} (group {@code processor.group-id})
 * and one {@link RecordSender} (transactional in exactly-once mode, with {@code processor.transactional-id} or an id
 * derived per instance). The runtime's revocation handling replaces the former RevocationDrain: a revocation waits for
 * the revoked partitions' records still in flight, and transactions carry the consumer's real group metadata.
 */
public final class RuntimeTransport implements StreamTransport {

    private final RecordReceiver receiver;
    private final RecordSender<OutboundRecord> sender;
    private final boolean exactlyOnce;

    public RuntimeTransport(ProcessorSettings settings, TopicNames topics, MeterRegistry registry, int instance,
                     String transactionalId) {
        this.exactlyOnce = settings.delivery() == DeliveryGuarantee.EXACTLY_ONCE;
        String clientId = settings.clientId() + "-" + instance;
        ReceiverSettings receiving = ReceiverSettings.of(settings.groupId(), clientId + "-consumer", topics.allRaw())
                .withCommitInterval(settings.commitInterval())
                .withTimeouts(settings.shutdownTimeout(), settings.shutdownTimeout())
                .withTransactional(exactlyOnce)
                .withRegistry(registry);
        this.receiver = KafkaRuntime.receiver(settings.kafka(), receiving);
        this.sender = KafkaRuntime.sender(settings.kafka(), new SenderSettings(clientId + "-producer",
                settings.maxInFlight(), exactlyOnce ? transactionalId : null,
                settings.shutdownTimeout(), registry));
    }

    @Override
    public Flux<InboundRecord> receive(AcknowledgementLedger ledger) {
        return receiver.receive(ledger, r -> {
            List<Header> headers = List.of(r.headers().toArray());
            return new InboundRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), headers,
                    r.receivedAtNanos(), r.ticket());
        });
    }

    @Override
    public PartitionedWork.Pauser pauser() {
        return PartitionedWork.Pauser.of(receiver);
    }

    @Override
    public Flux<Delivery> send(Flux<OutboundRecord> records) {
        return sender.send(records.map(RuntimeTransport::outgoing))
                .map(d -> new Delivery(d.correlation(), d.error()));
    }

    @Override
    public Mono<Void> commitAcknowledged() {
        return receiver.commitAcknowledged();
    }

    @Override
    public Mono<Void> commitTransaction(List<OutboundRecord> records, Map<TopicPartition, Long> nextOffsets) {
        List<OutgoingRecord<OutboundRecord>> outgoing = new ArrayList<>(records.size());
        records.forEach(r -> outgoing.add(outgoing(r)));
        return sender.commitTransaction(outgoing, nextOffsets, receiver.groupMetadata());
    }

    private static OutgoingRecord<OutboundRecord> outgoing(OutboundRecord r) {
        return new OutgoingRecord<>(r.topic(), r.key(), r.value(), r.headers(), r);
    }

    @Override
    public void close() {
        sender.close();
    }
}
