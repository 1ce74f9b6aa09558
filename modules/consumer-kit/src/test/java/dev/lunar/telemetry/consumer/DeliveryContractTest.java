package dev.lunar.telemetry.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.avro.EnrichedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The kit's delivery contract, proven without a broker: a fake source that emits strictly on demand. */
class DeliveryContractTest {

    private static final String TOPIC = "telemetry.logs.v1";
    private final List<List<Integer>> handled = new CopyOnWriteArrayList<>();
    private final FakeDeadLetterSink deadLetters = new FakeDeadLetterSink();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FakeRecordSource source;
    private TelemetryConsumer<EnrichedLog> consumer;

    @AfterEach
    void close() {
        if (consumer != null) {
            consumer.close();
        }
    }

    private TelemetryConsumer<EnrichedLog> start(int records, int maxBatch, long maxBytes,
                                                  BatchHandler<EnrichedLog> handler) {
        List<byte[]> values = new ArrayList<>();
        List<RecordHeaders> headers = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            values.add(TestRecords.encoded(i));
            headers.add(new RecordHeaders());
        }
        return start(values, headers, maxBatch, maxBytes, handler);
    }

    private TelemetryConsumer<EnrichedLog> start(List<byte[]> values, List<RecordHeaders> headers, int maxBatch,
                                                  long maxBytes, BatchHandler<EnrichedLog> handler) {
        source = new FakeRecordSource(TOPIC, values, headers);
        TelemetryConsumer.Builder<EnrichedLog> builder = TelemetryConsumer.builder("test", EnrichedLog.class)
                .groupId("test-group")
                .topic(TOPIC, EnrichedLog.class)
                .batching(maxBatch, maxBytes, Duration.ofMillis(50))
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .authRetryInterval(Duration.ofMillis(20))
                .shutdownTimeout(Duration.ofSeconds(5))
                .skipRecordsWithHeader("lunar.warmup")
                .meterRegistry(registry)
                .handler(batch -> {
                    handled.add(batch.stream().map(TestRecords::number).toList());
                    return handler.handle(batch);
                });
        builder.sourceFactory = b -> source;
        builder.deadLetterSink = deadLetters;
        consumer = builder.start();
        return consumer;
    }

    private static List<Long> offsets(int n) {
        return LongStream.range(0, n).boxed().toList();
    }

    private double counter(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void everyRecordIsHandedOverOnceInBatchesWithinTheLimitsAndAcknowledgedInOrder() {
        start(25, 10, Long.MAX_VALUE, batch -> Mono.just(BatchResult.accepted()));

        await().until(() -> source.acknowledged.size() == 25);
        assertThat(handled).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 10));
        assertThat(handled.stream().flatMap(List::stream).toList()).isEqualTo(IntStream.range(0, 25).boxed().toList());
        assertThat(source.acknowledged).isEqualTo(offsets(25));
        assertThat(counter("lunar.consumer.records", "outcome", "accepted")).isEqualTo(25);
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.UP);
        await().until(() -> consumer.inFlightRecords() == 0);
    }

    @Test
    void batchesAreSplitSoNoPartExceedsTheByteLimit() {
        int recordSize = TestRecords.encoded(0).length;
        start(12, 100, 3L * recordSize + 2, batch -> Mono.just(BatchResult.accepted()));

        await().until(() -> source.acknowledged.size() == 12);
        assertThat(handled).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 3));
    }

    @Test
    void retriableFailureRetriesTheSameBatchAndAcknowledgesNothingUntilAccepted() {
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean destinationUp = new AtomicBoolean(false);
        start(5, 10, Long.MAX_VALUE, batch -> {
            calls.incrementAndGet();
            return Mono.just(destinationUp.get() ? BatchResult.accepted()
                    : BatchResult.retry("503 Service Unavailable", Duration.ofMillis(2)));
        });

        await().until(() -> calls.get() >= 5);
        assertThat(source.acknowledged).isEmpty();
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.RETRYING);
        assertThat(consumer.health().detail()).contains("503");

        destinationUp.set(true);
        await().until(() -> source.acknowledged.size() == 5);
        assertThat(handled).allSatisfy(batch -> assertThat(batch).isEqualTo(List.of(0, 1, 2, 3, 4)));
        assertThat(counter("lunar.consumer.retries", "cause", "retriable")).isGreaterThanOrEqualTo(4);
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.UP);
    }

    @Test
    void handlerErrorsAndEmptyAnswersCountAsRetriableFailures() {
        AtomicInteger calls = new AtomicInteger();
        start(3, 10, Long.MAX_VALUE, batch -> switch (calls.incrementAndGet()) {
            case 1 -> Mono.error(new IllegalStateException("connection reset"));
            case 2 -> Mono.empty();
            case 3 -> throw new IllegalStateException("thrown, not signalled");
            default -> Mono.just(BatchResult.accepted());
        });

        await().until(() -> source.acknowledged.size() == 3);
        assertThat(calls.get()).isEqualTo(4);
    }

    @Test
    void rejectedBatchIsSplitUntilTheRefusedRecordIsIsolatedAndTheRestIsAcceptedOnce() {
        List<Integer> accepted = new CopyOnWriteArrayList<>();
        start(10, 10, Long.MAX_VALUE, batch -> {
            if (batch.stream().anyMatch(r -> TestRecords.number(r) == 6)) {
                return Mono.just(BatchResult.rejected("400 Bad Request: malformed entry"));
            }
            batch.forEach(r -> accepted.add(TestRecords.number(r)));
            return Mono.just(BatchResult.accepted());
        });

        await().until(() -> source.acknowledged.size() == 10);
        assertThat(deadLetters.letters).singleElement().satisfies(letter -> {
            assertThat(letter.offset()).isEqualTo(6);
            assertThat(letter.stage()).isEqualTo("deliver:test");
            assertThat(letter.reason()).isEqualTo("REJECTED_BY_DESTINATION");
            assertThat(letter.detail()).isEqualTo("400 Bad Request: malformed entry");
        });
        assertThat(accepted).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 7, 8, 9);
        assertThat(source.acknowledged).isEqualTo(offsets(10));
    }

    @Test
    void rejectedSuspectsAreTheOnlyRecordsSplitTheOthersAreAccepted() {
        List<Integer> calls = new CopyOnWriteArrayList<>();
        start(8, 8, Long.MAX_VALUE, batch -> {
            calls.add(batch.size());
            if (batch.size() == 8) {
                return Mono.just(BatchResult.rejected("413 Payload Too Large", List.of(4, 5, 6, 7)));
            }
            boolean poison = batch.stream().anyMatch(r -> TestRecords.number(r) == 5);
            return Mono.just(poison ? BatchResult.rejected("413 Payload Too Large") : BatchResult.accepted());
        });

        await().until(() -> source.acknowledged.size() == 8);
        assertThat(deadLetters.letters).extracting(FakeDeadLetterSink.Letter::offset).containsExactly(5L);
        assertThat(calls).containsExactly(8, 2, 1, 1, 2);
    }

    @Test
    void recordsTheDestinationNamesGoStraightToTheDeadLetterTopic() {
        start(4, 4, Long.MAX_VALUE, batch -> Mono.just(BatchResult.refused(Map.of(1, "entry too old", 3, "bad tag"))));

        await().until(() -> source.acknowledged.size() == 4);
        assertThat(deadLetters.letters).extracting(FakeDeadLetterSink.Letter::offset, FakeDeadLetterSink.Letter::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "entry too old"),
                        org.assertj.core.groups.Tuple.tuple(3L, "bad tag"));
        assertThat(handled).hasSize(1);
    }

    @Test
    void rejectedCredentialsTurnHealthDownCommitNothingAndEverythingArrivesOnceFixed() {
        AtomicBoolean keyFixed = new AtomicBoolean(false);
        AtomicInteger calls = new AtomicInteger();
        start(6, 3, Long.MAX_VALUE, batch -> {
            calls.incrementAndGet();
            return Mono.just(keyFixed.get() ? BatchResult.accepted()
                    : BatchResult.authFailed("DD_API_KEY was rejected by datadoghq.eu (403): check the key"));
        });

        await().until(() -> calls.get() >= 3);
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.DOWN);
        assertThat(consumer.health().isHealthy()).isFalse();
        assertThat(consumer.health().detail()).contains("datadoghq.eu", "403");
        assertThat(source.acknowledged).isEmpty();
        assertThat(deadLetters.letters).isEmpty();

        keyFixed.set(true);
        await().until(() -> source.acknowledged.size() == 6);
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.UP);
        assertThat(counter("lunar.consumer.retries", "cause", "auth")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void undecodableRecordsAreDeadLetteredWithTheirReasonAndAcknowledgedInOrder() {
        List<byte[]> values = new ArrayList<>();
        List<RecordHeaders> headers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            values.add(i == 2 ? "not avro".getBytes(StandardCharsets.UTF_8) : TestRecords.encoded(i));
            headers.add(new RecordHeaders());
        }
        start(values, headers, 10, Long.MAX_VALUE, batch -> Mono.just(BatchResult.accepted()));

        await().until(() -> source.acknowledged.size() == 5);
        assertThat(handled.stream().flatMap(List::stream).toList()).containsExactly(0, 1, 3, 4);
        assertThat(deadLetters.letters).singleElement().satisfies(letter -> {
            assertThat(letter.offset()).isEqualTo(2);
            assertThat(letter.stage()).isEqualTo("decode");
            assertThat(letter.reason()).isEqualTo("NOT_SINGLE_OBJECT");
        });
        assertThat(source.acknowledged).isEqualTo(offsets(5));
        assertThat(counter("lunar.consumer.dead.letters", "stage", "decode")).isEqualTo(1);
    }

    @Test
    void warmUpRecordsAreAcknowledgedWithoutReachingTheHandler() {
        List<byte[]> values = new ArrayList<>();
        List<RecordHeaders> headers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            values.add(i == 0 ? new byte[] {1} : TestRecords.encoded(i));
            RecordHeaders h = new RecordHeaders();
            if (i == 0) {
                h.add("lunar.warmup", new byte[0]);
            }
            headers.add(h);
        }
        start(values, headers, 10, Long.MAX_VALUE, batch -> Mono.just(BatchResult.accepted()));

        await().until(() -> source.acknowledged.size() == 3);
        assertThat(handled.stream().flatMap(List::stream).toList()).containsExactly(1, 2);
        assertThat(deadLetters.letters).isEmpty();
        assertThat(counter("lunar.consumer.records", "outcome", "skipped")).isEqualTo(1);
    }

    @Test
    void recordsInFlightStayBoundedWhileTheDestinationIsDownHoweverLargeTheBacklog() {
        AtomicBoolean destinationUp = new AtomicBoolean(false);
        AtomicInteger calls = new AtomicInteger();
        int backlog = 20_000;
        start(backlog, 50, Long.MAX_VALUE, batch -> {
            calls.incrementAndGet();
            return Mono.just(destinationUp.get() ? BatchResult.accepted() : BatchResult.retry("connection refused"));
        });

        await().until(() -> calls.get() >= 30);
        assertThat(consumer.maxInFlightRecords()).isLessThanOrEqualTo(consumer.inFlightBound());
        assertThat(consumer.inFlightBound()).isLessThan(backlog / 10);
        assertThat(registry.get("lunar.consumer.in.flight").gauge().value())
                .isEqualTo(consumer.inFlightRecords()).isLessThanOrEqualTo(consumer.inFlightBound());

        destinationUp.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> source.acknowledged.size() == backlog);
        assertThat(consumer.maxInFlightRecords()).isLessThanOrEqualTo(consumer.inFlightBound());
        assertThat(source.acknowledged).isEqualTo(offsets(backlog));
    }

    @Test
    void closeStopsPollingAndFinishesTheBatchInFlight() {
        start(4, 10, Long.MAX_VALUE, batch -> Mono.just(BatchResult.accepted()));
        await().until(() -> source.acknowledged.size() == 4);

        consumer.close();

        assertThat(source.paused).isTrue();
        assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.STOPPED);
        consumer = null;
    }
}
