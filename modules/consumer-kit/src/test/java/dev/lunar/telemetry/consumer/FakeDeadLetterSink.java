package dev.lunar.telemetry.consumer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

final class FakeDeadLetterSink implements DeadLetterSink {
    record Letter(long offset, String stage, String reason, String detail) {}

    final List<Letter> letters = new CopyOnWriteArrayList<>();

    @Override
    public Mono<Void> send(SourceRecord record, String stage, String reason, String detail) {
        return Mono.fromRunnable(() -> letters.add(new Letter(record.offset(), stage, reason, detail)));
    }

    @Override
    public void close() {
    }
}
