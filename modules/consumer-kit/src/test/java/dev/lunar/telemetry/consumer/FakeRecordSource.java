package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A record source without a broker: emits the given values as partition 0 of one topic, strictly on demand (like a
 * paused Kafka consumer), and records acknowledgements in the order they happen. Like Kafka after a cancel (which
 * commits what was acknowledged), a new subscription starts after the last acknowledged record.
 */
final class FakeRecordSource implements RecordSource {
    final String topic;
    final List<byte[]> values;
    final List<RecordHeaders> headers;
    final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    final AtomicBoolean paused = new AtomicBoolean();
    final AtomicInteger subscriptions = new AtomicInteger();
    /** Records emitted downstream, over all subscriptions. */
    final AtomicInteger emitted = new AtomicInteger();

    FakeRecordSource(String topic, List<byte[]> values, List<RecordHeaders> headers) {
        this.topic = topic;
        this.values = values;
        this.headers = headers;
    }

    @Override
    public Flux<SourceRecord> receive(AcknowledgementLedger ledger) {
        return Flux.defer(() -> {
            subscriptions.incrementAndGet();
            int committed = acknowledged.size();
            return Flux.range(committed, values.size() - committed)
                    .map(i -> {
                        AcknowledgementLedger.Ticket ticket = ledger.register(
                                new org.apache.kafka.common.TopicPartition(topic, 0), i,
                                () -> acknowledged.add((long) i));
                        emitted.incrementAndGet();
                        return new SourceRecord(topic, 0, i, TestRecords.key(i), values.get(i), headers.get(i),
                                ticket);
                    })
                    .concatWith(Flux.never());
        });
    }

    @Override
    public Mono<Void> pause() {
        return Mono.fromRunnable(() -> paused.set(true));
    }

    @Override
    public Mono<Void> commitAcknowledged() {
        return Mono.empty();
    }

    @Override
    public long lag() {
        return values.size() - acknowledged.size();
    }

    @Override
    public int maxRecordsPerPoll() {
        return 0;
    }
}
