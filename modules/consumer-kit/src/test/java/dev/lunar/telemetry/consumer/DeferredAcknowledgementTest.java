package dev.lunar.telemetry.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.avro.EnrichedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link BatchResult#acceptedWhen}: records are acknowledged only when their settlement completes, in offset order,
 * while later batches flow; a failed settlement re-reads from the last commit; held records stay bounded.
 */
class DeferredAcknowledgementTest {

    private static final String TOPIC = "telemetry.logs.v1";
    private final List<List<Integer>> handled = new CopyOnWriteArrayList<>();
    /** One per batch answered acceptedWhen, in the order batches were handed over. */
    private final List<Sinks.Empty<Void>> settlements = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FakeRecordSource source;
    private TelemetryConsumer<EnrichedLog> consumer;

    @AfterEach
    void close() {
        if (consumer != null) {
            consumer.close();
        }
    }

    private void start(int records, int maxBatch, int maxHeld, BatchHandler<EnrichedLog> handler) {
        List<byte[]> values = new ArrayList<>();
        List<RecordHeaders> headers = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            values.add(TestRecords.encoded(i));
            headers.add(new RecordHeaders());
        }
        source = new FakeRecordSource(TOPIC, values, headers);
        TelemetryConsumer.Builder<EnrichedLog> builder = TelemetryConsumer.builder("deferred", EnrichedLog.class)
                .groupId("test-group")
                .topic(TOPIC, EnrichedLog.class)
                .batching(maxBatch, Long.MAX_VALUE, Duration.ofMillis(50))
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .shutdownTimeout(Duration.ofSeconds(30))
                .meterRegistry(registry)
                .handler(batch -> {
                    handled.add(batch.stream().map(TestRecords::number).toList());
                    return handler.handle(batch);
                });
        if (maxHeld >= 0) {
            builder.maxHeldRecords(maxHeld);
        }
        builder.sourceFactory = b -> source;
        builder.deadLetterSink = new FakeDeadLetterSink();
        consumer = builder.start();
    }

    /** Answers every batch with a new pending settlement. */
    private Mono<BatchResult> deferEach(List<EnrichedLog> batch) {
        Sinks.Empty<Void> settled = Sinks.empty();
        settlements.add(settled);
        return Mono.just(BatchResult.acceptedWhen(settled.asMono()));
    }

    private static List<Long> offsets(int from, int to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static List<Integer> numbers(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void deferredRecordsAreAcknowledgedOnlyWhenSettledInOrderWhileLaterBatchesFlow() {
        start(30, 10, 100, this::deferEach);

        await().until(() -> consumer.heldRecords() == 30);
        assertThat(handled).containsExactly(numbers(0, 10), numbers(10, 20), numbers(20, 30));
        assertThat(source.acknowledged).isEmpty();
        assertThat(consumer.inFlightRecords()).isEqualTo(30);

        settlements.get(2).tryEmitEmpty();
        assertThat(source.acknowledged).as("settled early, waits for the earlier batches").isEmpty();

        settlements.get(0).tryEmitEmpty();
        assertThat(source.acknowledged).isEqualTo(offsets(0, 10));

        settlements.get(1).tryEmitEmpty();
        assertThat(source.acknowledged).isEqualTo(offsets(0, 30));
        assertThat(consumer.heldRecords()).isZero();
        assertThat(consumer.inFlightRecords()).isZero();
        assertThat(handled).hasSize(3);
        assertThat(registry.get("lunar.consumer.records").tag("outcome", "accepted").counter().count())
                .isEqualTo(30);
    }

    @Test
    void aFailedSettlementRedeliversFromTheLastCommitAndNothingIsAcknowledgedPastIt() {
        AtomicBoolean firstPass = new AtomicBoolean(true);
        start(30, 10, 100, batch -> {
            int first = TestRecords.number(batch.get(0));
            if (first == 0) {
                return Mono.just(BatchResult.accepted());
            }
            if (first == 10 && firstPass.get()) {
                return deferEach(batch);
            }
            return Mono.just(BatchResult.accepted());
        });
        await().until(() -> handled.size() == 3);
        assertThat(source.acknowledged).as("20..29 were accepted but wait behind 10..19").isEqualTo(offsets(0, 10));

        firstPass.set(false);
        settlements.get(0).tryEmitError(new IOException("the control plane went away"));

        await().atMost(Duration.ofSeconds(30)).until(() -> source.acknowledged.size() == 30);
        assertThat(source.subscriptions.get()).isEqualTo(2);
        assertThat(handled).containsExactly(numbers(0, 10), numbers(10, 20), numbers(20, 30),
                numbers(10, 20), numbers(20, 30));
        assertThat(source.acknowledged).as("each offset once, in order").isEqualTo(offsets(0, 30));
        assertThat(registry.get("lunar.consumer.retries").tag("cause", "settlement").counter().count())
                .isEqualTo(1);
        await().until(() -> consumer.inFlightRecords() == 0 && consumer.heldRecords() == 0);
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.UP);
    }

    @Test
    void heldRecordsStayBoundedAndTheSourceIsPausedUntilSettlementsComplete() {
        int backlog = 5_000;
        AtomicBoolean destinationUp = new AtomicBoolean(false);
        start(backlog, 20, 200, batch -> destinationUp.get() ? Mono.just(BatchResult.accepted()) : deferEach(batch));

        await().until(() -> consumer.heldRecords() > 200);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> source.emitted.get() <= consumer.inFlightBound());
        assertThat(consumer.inFlightBound()).isLessThan(backlog / 10);
        assertThat(consumer.maxInFlightRecords()).isLessThanOrEqualTo(consumer.inFlightBound());
        assertThat(registry.get("lunar.consumer.held").gauge().value()).isEqualTo(consumer.heldRecords());
        assertThat(source.acknowledged).isEmpty();

        destinationUp.set(true);
        settlements.forEach(Sinks.Empty::tryEmitEmpty);
        await().atMost(Duration.ofSeconds(60)).until(() -> source.acknowledged.size() == backlog);
        assertThat(source.acknowledged).isEqualTo(offsets(0, backlog));
        assertThat(consumer.maxInFlightRecords()).isLessThanOrEqualTo(consumer.inFlightBound());
    }

    @Test
    void byDefaultEachSettlementIsAwaitedBeforeTheNextBatch() {
        start(30, 10, -1, this::deferEach);

        await().until(() -> handled.size() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);

        settlements.get(0).tryEmitEmpty();
        await().until(() -> handled.size() == 2);
        assertThat(source.acknowledged).isEqualTo(offsets(0, 10));
        assertThat(consumer.inFlightBound()).isEqualTo(5 * 10);
    }

    @Test
    void closeDoesNotWaitForPendingSettlementsAndNeverAcknowledgesThem() {
        start(30, 10, 5, this::deferEach);
        await().until(() -> consumer.heldRecords() == 10); // over the limit: the loop waits, 20 records buffered

        // Close while every settlement is still pending: were close to wait for them, it would return only at the
        // 30 s shutdown timeout, and never before the settlements below are emitted.
        java.util.concurrent.CompletableFuture<Void> closing =
                java.util.concurrent.CompletableFuture.runAsync(consumer::close);
        await().atMost(Duration.ofSeconds(20)).until(closing::isDone);
        settlements.forEach(Sinks.Empty::tryEmitEmpty);

        assertThat(closing).isCompleted();
        assertThat(source.acknowledged).isEmpty();
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.STOPPED);
        consumer = null;
    }
}
