package dev.lunar.telemetry.consumer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.internals.RecordHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A record source without a broker: emits the given values as partition 0 of one topic, strictly on demand (like a
 * paused Kafka consumer), and records acknowledgements in the order they happen.
 */
final class FakeRecordSource implements RecordSource {
    final String topic;
    final List<byte[]> values;
    final List<RecordHeaders> headers;
    final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    final AtomicBoolean paused = new AtomicBoolean();

    FakeRecordSource(String topic, List<byte[]> values, List<RecordHeaders> headers) {
        this.topic = topic;
        this.values = values;
        this.headers = headers;
    }

    @Override
    public Flux<SourceRecord> receive() {
        return Flux.range(0, values.size())
                .map(i -> new SourceRecord(topic, 0, i, TestRecords.key(i), values.get(i), headers.get(i),
                        () -> acknowledged.add((long) i)))
                .concatWith(Flux.never());
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
