package dev.lunar.telemetry.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * {@code topic(topic, type, prepare)}: the handler gets prepared values, prepared on the reading thread, and they are
 * delivered, retried and acknowledged exactly like decoded records.
 */
class PreparedRecordsTest {

    private static final String TOPIC = "telemetry.logs.v1";

    /** What the handler gets instead of the record. */
    record Prepared(int number, String thread) {}

    private final List<List<Integer>> handled = new CopyOnWriteArrayList<>();
    private final FakeDeadLetterSink deadLetters = new FakeDeadLetterSink();
    private FakeRecordSource source;
    private TelemetryConsumer<Prepared> consumer;

    @AfterEach
    void close() {
        if (consumer != null) {
            consumer.close();
        }
    }

    private void start(int records, java.util.function.Function<EnrichedLog, Prepared> prepare,
                       BatchHandler<Prepared> handler) {
        List<byte[]> values = new ArrayList<>();
        List<RecordHeaders> headers = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            values.add(TestRecords.encoded(i));
            headers.add(new RecordHeaders());
        }
        source = new FakeRecordSource(TOPIC, values, headers);
        TelemetryConsumer.Builder<Prepared> builder = TelemetryConsumer.builder("prepared", Prepared.class)
                .groupId("test-group")
                .topic(TOPIC, EnrichedLog.class, prepare)
                .batching(10, Long.MAX_VALUE, Duration.ofMillis(50))
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .shutdownTimeout(Duration.ofSeconds(5))
                .meterRegistry(new SimpleMeterRegistry())
                .handler(batch -> {
                    handled.add(batch.stream().map(Prepared::number).toList());
                    return handler.handle(batch);
                });
        builder.sourceFactory = b -> source;
        builder.deadLetterSink = deadLetters;
        consumer = builder.start();
    }

    private static Prepared prepare(EnrichedLog log) {
        return new Prepared(TestRecords.number(log), Thread.currentThread().getName());
    }

    @Test
    void theHandlerGetsPreparedValuesInOrderAndEveryRecordIsAcknowledged() {
        Set<String> preparedOn = ConcurrentHashMap.newKeySet();
        start(25, log -> {
            Prepared p = prepare(log);
            preparedOn.add(p.thread());
            return p;
        }, batch -> Mono.just(BatchResult.accepted()));

        await().until(() -> source.acknowledged.size() == 25);
        assertThat(handled.stream().flatMap(List::stream).toList()).isEqualTo(java.util.stream.IntStream.range(0, 25)
                .boxed().toList());
        assertThat(handled).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 10));
        assertThat(preparedOn).isNotEmpty();
    }

    @Test
    void positionedTopicHandsPrepareWhereEachRecordWasRead() {
        List<RecordPosition> positions = new CopyOnWriteArrayList<>();
        List<byte[]> values = new ArrayList<>();
        List<RecordHeaders> headers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            values.add(TestRecords.encoded(i));
            headers.add(new RecordHeaders());
        }
        source = new FakeRecordSource(TOPIC, values, headers);
        TelemetryConsumer.Builder<Prepared> builder = TelemetryConsumer.builder("positioned", Prepared.class)
                .groupId("test-group")
                .positionedTopic(TOPIC, EnrichedLog.class, (log, position) -> {
                    positions.add(position);
                    return new Prepared(TestRecords.number(log), Thread.currentThread().getName());
                })
                .batching(10, Long.MAX_VALUE, Duration.ofMillis(50))
                .shutdownTimeout(Duration.ofSeconds(5))
                .handler(batch -> Mono.just(BatchResult.accepted()));
        builder.sourceFactory = b -> source;
        builder.deadLetterSink = deadLetters;
        consumer = builder.start();

        await().until(() -> source.acknowledged.size() == 3);
        assertThat(positions).containsExactly(new RecordPosition(TOPIC, 0, 0), new RecordPosition(TOPIC, 0, 1),
                new RecordPosition(TOPIC, 0, 2));
    }

    @Test
    void aRetriedBatchIsHandedOverAgainWithTheSamePreparedValues() {
        AtomicInteger calls = new AtomicInteger();
        start(5, PreparedRecordsTest::prepare, batch -> Mono.just(calls.getAndIncrement() < 2
                ? BatchResult.retry("not yet") : BatchResult.accepted()));

        await().until(() -> source.acknowledged.size() == 5);
        assertThat(handled.get(0)).isEqualTo(handled.get(1)).isEqualTo(handled.get(2));
        assertThat(handled.stream().skip(3).flatMap(List::stream).toList()).doesNotContainAnyElementsOf(handled.get(0));
    }

    @Test
    void aBadRecordExceptionFromPrepareDeadLettersTheRecordLikeADecodingFailure() {
        start(5, log -> {
            if (TestRecords.number(log) == 3) {
                throw new BadRecordException(BadRecordException.Reason.INVALID, "record 3 cannot be prepared");
            }
            return prepare(log);
        }, batch -> Mono.just(BatchResult.accepted()));

        await().until(() -> source.acknowledged.size() == 5);
        assertThat(handled.stream().flatMap(List::stream).toList()).containsExactly(0, 1, 2, 4);
        assertThat(deadLetters.letters).singleElement().satisfies(letter -> {
            assertThat(letter.offset()).isEqualTo(3);
            assertThat(letter.stage()).isEqualTo("decode");
            assertThat(letter.reason()).isEqualTo("INVALID");
        });
    }
}
