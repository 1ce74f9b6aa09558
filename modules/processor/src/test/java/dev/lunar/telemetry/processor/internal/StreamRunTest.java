package dev.lunar.telemetry.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import dev.lunar.telemetry.kafka.runtime.KafkaRuntime;
import dev.lunar.telemetry.kafka.runtime.PartitionedWork;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.Samples;
import dev.lunar.telemetry.processor.tenants.TenantTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

/** The delivery contract of a stream run, over a fake transport (no Kafka). */
class StreamRunTest {

    private final TopicNames topics = new TopicNames("");
    private final ProcessorMetrics metrics = ProcessorMetrics.detached();
    private final ProcessorFlow flow;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final Scheduler workers = KafkaRuntime.workers("stream-run-test", 4);
    private final StreamRun.Shape shape = new StreamRun.Shape(workers, 256, 64);

    @AfterEach
    void stopWorkers() {
        workers.dispose();
    }

    StreamRunTest() {
        TenantTable tenants = new TenantTable();
        tenants.put(Samples.tenant("t", TenantPlan.CONTROL_PLANE));
        flow = new ProcessorFlow(new EnrichmentPipeline(ProcessorSettings.builder("127.0.0.1:9").build(), tenants,
                metrics, Clock.systemUTC()), topics, metrics);
    }

    private InboundRecord record(long offset, byte[] value) {
        return new InboundRecord("proxy.logs.v1", (int) (offset % 2), offset, "k".getBytes(), value, List.of(),
                System.nanoTime(), null);
    }

    private InboundRecord good(long offset) {
        return record(offset, Samples.encode(Samples.log("e" + offset, "t")));
    }

    private InboundRecord accessLog(long offset) {
        return record(offset, Samples.encode(Samples.accessLog("a" + offset, "t")));
    }

    /** A transport whose receive and send behaviour each test chooses. */
    private final class FakeTransport implements StreamTransport {
        final Flux<InboundRecord> input;
        final Function<Flux<OutboundRecord>, Flux<Delivery>> output;
        final List<List<OutboundRecord>> transactions = new CopyOnWriteArrayList<>();
        final List<Map<TopicPartition, Long>> committedOffsets = new CopyOnWriteArrayList<>();
        final List<OutboundRecord> sent = new CopyOnWriteArrayList<>();

        FakeTransport(Flux<InboundRecord> input, Function<Flux<OutboundRecord>, Flux<Delivery>> output) {
            this.input = input;
            this.output = output;
        }

        /** Registers each record as the runtime does; what the ledger acknowledges lands in {@code acknowledged}. */
        @Override
        public Flux<InboundRecord> receive(AcknowledgementLedger ledger) {
            return input.map(r -> {
                AcknowledgementLedger.Ticket ticket = ledger.register(new TopicPartition(r.topic(), r.partition()),
                        r.offset(), transactional ? () -> { } : () -> acknowledged.add(r.offset()));
                return new InboundRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.headers(),
                        r.receivedAtNanos(), ticket);
            });
        }

        boolean transactional;

        @Override
        public PartitionedWork.Pauser pauser() {
            return PartitionedWork.Pauser.NONE;
        }

        @Override
        public Flux<Delivery> send(Flux<OutboundRecord> records) {
            return output.apply(records.doOnNext(sent::add));
        }

        @Override
        public Mono<Void> commitAcknowledged() {
            return Mono.empty();
        }

        @Override
        public Mono<Void> commitTransaction(List<OutboundRecord> records, Map<TopicPartition, Long> nextOffsets) {
            transactions.add(records);
            committedOffsets.add(nextOffsets);
            return Mono.empty();
        }

        @Override
        public void close() {}
    }

    private static Function<Flux<OutboundRecord>, Flux<StreamTransport.Delivery>> allDelivered() {
        return records -> records.map(r -> new StreamTransport.Delivery(r, null));
    }

    @Test
    void aRecordIsAcknowledgedOnlyAfterItsOutputIsDelivered() {
        Sinks.Many<StreamTransport.Delivery> deliveries = Sinks.many().unicast().onBackpressureBuffer();
        List<OutboundRecord> pending = new CopyOnWriteArrayList<>();
        FakeTransport transport = new FakeTransport(Flux.range(0, 3).map(this::good).concatWith(Flux.never()),
                records -> {
                    records.subscribe(pending::add);
                    return deliveries.asFlux();
                });
        Sinks.Empty<Void> stop = Sinks.empty();
        Disposable run = StreamRun.atLeastOnce(transport, flow, metrics, stop.asMono(), shape, () -> { }).subscribe();

        await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 3);
        assertThat(acknowledged).isEmpty();
        // Kafka acknowledges out of order: 2 first, then 0.
        deliveries.tryEmitNext(new StreamTransport.Delivery(output(pending, 2), null));
        deliveries.tryEmitNext(new StreamTransport.Delivery(output(pending, 0), null));
        await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 2);
        assertThat(acknowledged).containsExactlyInAnyOrder(2L, 0L);
        assertThat(pending).extracting(OutboundRecord::topic).containsOnly("telemetry.logs.v1");
        run.dispose();
    }

    /** Partitions are processed concurrently: find an output by its input's offset, not by its position. */
    private static OutboundRecord output(List<OutboundRecord> sent, long offset) {
        return sent.stream().filter(r -> r.source().offset() == offset).findFirst().orElseThrow();
    }

    @Test
    void aDroppedRecordIsAcknowledgedWithoutSendingWhileEarlierOutputsAreStillInFlight() {
        Sinks.Many<StreamTransport.Delivery> deliveries = Sinks.many().unicast().onBackpressureBuffer();
        List<OutboundRecord> pending = new CopyOnWriteArrayList<>();
        FakeTransport transport = new FakeTransport(Flux.just(good(0), accessLog(1), good(2), accessLog(3))
                .concatWith(Flux.never()), records -> {
                    records.subscribe(pending::add);
                    return deliveries.asFlux();
                });
        List<Long> progress = new CopyOnWriteArrayList<>();
        Disposable run = StreamRun.atLeastOnce(transport, flow, metrics, Mono.never(), shape,
                () -> progress.add(1L))
                .subscribe();

        await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 2 && acknowledged.size() == 2);
        // the transport only commits contiguous acknowledged offsets, so 1 and 3 wait for 0 and 2 there
        assertThat(acknowledged).containsExactlyInAnyOrder(1L, 3L);
        assertThat(pending).extracting(r -> r.source().offset()).containsExactly(0L, 2L);
        assertThat(transport.sent).noneMatch(OutboundRecord::writesNothing);
        deliveries.tryEmitNext(new StreamTransport.Delivery(pending.get(0), null));
        deliveries.tryEmitNext(new StreamTransport.Delivery(pending.get(1), null));
        await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 4);
        assertThat(progress).hasSize(4);
        assertThat(metrics.registry().counter("lunar.processor.dropped", "kind", "logs", "reason",
                "individual-request").count()).isEqualTo(2);
        assertThat(metrics.registry().counter("lunar.processor.records.out", "kind", "logs").count()).isEqualTo(2);
        run.dispose();
    }

    @Test
    void exactlyOnceWritesNothingForADroppedRecordButMovesItsOffsetOn() {
        FakeTransport transport = new FakeTransport(Flux.just(good(0), accessLog(1), accessLog(2), accessLog(3))
                .concatWith(Flux.never()), allDelivered());
        Sinks.Empty<Void> stop = Sinks.empty();
        transport.transactional = true;
        StepVerifier.create(StreamRun.exactlyOnce(transport, flow, metrics, stop.asMono(), shape, 4,
                        Duration.ofMillis(50),
                        () -> { }))
                .then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> !transport.committedOffsets.isEmpty()))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        assertThat(transport.transactions).singleElement().satisfies(records -> assertThat(records)
                .singleElement().satisfies(r -> assertThat(r.source().offset()).isZero()));
        assertThat(transport.committedOffsets.get(0)).containsExactlyInAnyOrderEntriesOf(Map.of(
                new TopicPartition("proxy.logs.v1", 0), 3L, new TopicPartition("proxy.logs.v1", 1), 4L));
        assertThat(acknowledged).isEmpty();
    }

    @Test
    void aSlowOutputPausesTheInput() {
        AtomicLong requested = new AtomicLong();
        Flux<InboundRecord> endless = Flux.range(0, 1_000_000).map(i -> good(i)).doOnRequest(requested::addAndGet);
        // An output that never acknowledges anything and takes at most 64 records (like max-in-flight).
        FakeTransport transport = new FakeTransport(endless,
                records -> records.flatMap(r -> Mono.<StreamTransport.Delivery>never(), 64));
        Disposable run = StreamRun.atLeastOnce(transport, flow, metrics, Mono.never(), shape, () -> { }).subscribe();

        await().atMost(Duration.ofSeconds(5)).until(() -> transport.sent.size() == 64);
        // read ahead at most: the publish and group-by prefetch, the batches in the iterable and per-group queues
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> requested.get() <= 64 + 4 * 256 && transport.sent.size() == 64);
        assertThat(acknowledged).isEmpty();
        run.dispose();
    }

    @Test
    void aFailedSendEndsTheRunWithoutAcknowledgingTheRecord() {
        FakeTransport transport = new FakeTransport(Flux.range(0, 5).map(this::good).concatWith(Flux.never()),
                records -> records.map(r -> new StreamTransport.Delivery(r,
                        r.source().offset() == 3 ? new TimeoutException("broker gone") : null)));
        StepVerifier.create(StreamRun.atLeastOnce(transport, flow, metrics, Mono.never(), shape, () -> { }))
                .expectError(StreamRun.SendFailedException.class)
                .verify(Duration.ofSeconds(5));
        // partitions go concurrently, so what partition 0 got done before the failure varies; partition 1 (odd
        // offsets) is acknowledged up to the failed record and not past it
        assertThat(acknowledged).contains(1L).doesNotContain(3L);
    }

    @Test
    void anOutputKafkaRejectsForItselfIsDeadLetteredThenAcknowledged() {
        FakeTransport transport = new FakeTransport(Flux.range(0, 3).map(this::good).concatWith(Flux.never()),
                records -> records.map(r -> new StreamTransport.Delivery(r,
                        !r.deadLetter() && r.source().offset() == 1 ? new RecordTooLargeException("big") : null)));
        Sinks.Empty<Void> stop = Sinks.empty();
        Mono<Void> run = StreamRun.atLeastOnce(transport, flow, metrics, stop.asMono(), shape, () -> { });
        StepVerifier.create(run)
                .then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 3))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        assertThat(transport.sent).filteredOn(OutboundRecord::deadLetter).singleElement()
                .satisfies(dl -> assertThat(dl.topic()).isEqualTo("telemetry.dlq.v1"));
    }

    @Test
    void undecodableRecordsBecomeDeadLettersAndTheStreamGoesOn() {
        FakeTransport transport = new FakeTransport(Flux.just(good(0), record(1, new byte[] {1, 2, 3}), good(2))
                .concatWith(Flux.never()), allDelivered());
        Sinks.Empty<Void> stop = Sinks.empty();
        StepVerifier.create(StreamRun.atLeastOnce(transport, flow, metrics, stop.asMono(), shape, () -> { }))
                .then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 3))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        assertThat(transport.sent).extracting(OutboundRecord::topic)
                .containsExactlyInAnyOrder("telemetry.logs.v1", "telemetry.dlq.v1", "telemetry.logs.v1");
        OutboundRecord deadLetter = transport.sent.stream().filter(OutboundRecord::deadLetter).findFirst()
                .orElseThrow();
        assertThat(deadLetter.value()).containsExactly(1, 2, 3);
        assertThat(deadLetter.headers()).extracting(h -> h.key() + "=" + new String(h.value()))
                .contains("dlq.source.topic=proxy.logs.v1", "dlq.source.partition=1", "dlq.source.offset=1",
                        "dlq.stage=decode", "dlq.reason=NOT_SINGLE_OBJECT");
    }

    @Test
    void exactlyOnceCommitsEachBatchWithTheNextOffsetPerPartition() {
        FakeTransport transport = new FakeTransport(Flux.range(0, 7).map(this::good).concatWith(Flux.never()),
                allDelivered());
        Sinks.Empty<Void> stop = Sinks.empty();
        transport.transactional = true;
        StepVerifier.create(StreamRun.exactlyOnce(transport, flow, metrics, stop.asMono(), shape, 3,
                        Duration.ofMillis(50), () -> { }))
                .then(() -> await().atMost(Duration.ofSeconds(5))
                        .until(() -> transport.transactions.stream().mapToInt(List::size).sum() == 7))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        // partitions are processed concurrently, so which records share a batch varies; what may not vary: each
        // transaction commits, per partition, the offset after its last record of that partition, never going back
        Map<TopicPartition, Long> last = new java.util.HashMap<>();
        for (int i = 0; i < transport.transactions.size(); i++) {
            Map<TopicPartition, Long> expected = new java.util.HashMap<>();
            for (OutboundRecord out : transport.transactions.get(i)) {
                expected.merge(new TopicPartition(out.source().topic(), out.source().partition()),
                        out.source().offset() + 1, Math::max);
            }
            assertThat(transport.committedOffsets.get(i)).containsExactlyInAnyOrderEntriesOf(expected);
            expected.forEach((tp, next) -> assertThat(next).isGreaterThan(last.getOrDefault(tp, 0L)));
            last.putAll(expected);
        }
        assertThat(last).containsExactlyInAnyOrderEntriesOf(Map.of(
                new TopicPartition("proxy.logs.v1", 0), 7L, new TopicPartition("proxy.logs.v1", 1), 6L));
        assertThat(acknowledged).isEmpty();
    }

    @Test
    void anInputWithNoOutputIsAcknowledgedInItsPlace() {
        FakeTransport transport = new FakeTransport(Flux.range(0, 6).map(this::good).concatWith(Flux.never()),
                allDelivered());
        // offsets 2 and 3 (one per partition) write nothing, like a dropped request line
        Function<InboundRecord, List<OutboundRecord>> process = in -> in.offset() == 2 || in.offset() == 3
                ? List.of() : StreamRun.outputsOf(flow.process(in));
        Sinks.Empty<Void> stop = Sinks.empty();
        StepVerifier.create(StreamRun.atLeastOnce(transport, process, flow, metrics, stop.asMono(), shape, () -> { }))
                .then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 6))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        assertThat(transport.sent).hasSize(4).extracting(r -> r.source().offset())
                .containsExactlyInAnyOrder(0L, 1L, 4L, 5L);
    }

    @Test
    void exactlyOnceCommitsTheOffsetOfAnInputWithNoOutput() {
        FakeTransport transport = new FakeTransport(Flux.range(0, 4).map(this::good).concatWith(Flux.never()),
                allDelivered());
        transport.transactional = true;
        Function<InboundRecord, List<OutboundRecord>> process = in -> in.offset() == 3 ? List.of()
                : StreamRun.outputsOf(flow.process(in));
        Sinks.Empty<Void> stop = Sinks.empty();
        StepVerifier.create(StreamRun.exactlyOnce(transport, process, metrics, stop.asMono(), shape, 4,
                        Duration.ofMillis(50), () -> { }))
                .then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> transport.committedOffsets.stream()
                        .anyMatch(o -> o.getOrDefault(new TopicPartition("proxy.logs.v1", 1), 0L) == 4L)))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        assertThat(transport.transactions.stream().mapToInt(List::size).sum()).isEqualTo(3);
    }

    @Test
    void aSlowRecordHoldsUpOnlyItsOwnPartitionAndItsLaterRecordsFollowInOrder() {
        Sinks.Many<InboundRecord> input = Sinks.many().unicast().onBackpressureBuffer();
        FakeTransport transport = new FakeTransport(input.asFlux(), allDelivered());
        CountDownLatch release = new CountDownLatch(1);
        List<Long> processedOrder = new CopyOnWriteArrayList<>();
        Function<InboundRecord, List<OutboundRecord>> process = in -> {
            if (in.offset() == 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            processedOrder.add(in.offset());
            return StreamRun.outputsOf(flow.process(in));
        };
        Disposable run = StreamRun.atLeastOnce(transport, process, flow, metrics, Mono.never(), shape, () -> { })
                .subscribe();
        // offset 0 (partition 0) blocks; partition 1 (odd offsets) keeps going while partition 0's records queue
        for (long offset = 0; offset < 40; offset++) {
            input.tryEmitNext(good(offset));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.containsAll(
                java.util.stream.LongStream.range(0, 40).filter(o -> o % 2 == 1).boxed().toList()));
        assertThat(acknowledged).as("nothing of partition 0 is done while its first record is not")
                .noneMatch(o -> o % 2 == 0);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() == 40);
        assertThat(processedOrder.stream().filter(o -> o % 2 == 0).toList()).as("partition 0 in offset order")
                .isSorted().hasSize(20).startsWith(0L);
        run.dispose();
    }
}
