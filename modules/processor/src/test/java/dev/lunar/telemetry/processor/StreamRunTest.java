package dev.lunar.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.avro.TenantPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The delivery contract of a stream run, over a fake transport (no Kafka). */
class StreamRunTest {

    private final TopicNames topics = new TopicNames("");
    private final ProcessorMetrics metrics = ProcessorMetrics.detached();
    private final ProcessorFlow flow;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

    StreamRunTest() {
        TenantTable tenants = new TenantTable();
        tenants.put(Samples.tenant("t", TenantPlan.CONTROL_PLANE));
        flow = new ProcessorFlow(new EnrichmentPipeline(ProcessorSettings.builder("127.0.0.1:9").build(), tenants,
                metrics, Clock.systemUTC()), topics, metrics);
    }

    private InboundRecord record(long offset, byte[] value) {
        return new InboundRecord("proxy.logs.v1", (int) (offset % 2), offset, "k".getBytes(), value, List.of(),
                System.nanoTime(), () -> acknowledged.add(offset));
    }

    private InboundRecord good(long offset) {
        return record(offset, Samples.encode(Samples.log("e" + offset, "t")));
    }

    private InboundRecord accessLog(long offset) {
        return record(offset, Samples.encode(Samples.accessLog("a" + offset, "t")));
    }

    /** A transport whose receive and send behaviour each test chooses. */
    private static final class FakeTransport implements StreamTransport {
        final Flux<InboundRecord> input;
        final Function<Flux<OutboundRecord>, Flux<Delivery>> output;
        final List<List<OutboundRecord>> transactions = new CopyOnWriteArrayList<>();
        final List<Map<TopicPartition, Long>> committedOffsets = new CopyOnWriteArrayList<>();
        final List<OutboundRecord> sent = new CopyOnWriteArrayList<>();

        FakeTransport(Flux<InboundRecord> input, Function<Flux<OutboundRecord>, Flux<Delivery>> output) {
            this.input = input;
            this.output = output;
        }

        @Override
        public Flux<InboundRecord> receive() {
            return input;
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
        Disposable run = StreamRun.atLeastOnce(transport, flow, metrics, stop.asMono(), () -> { }).subscribe();

        await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 3);
        assertThat(acknowledged).isEmpty();
        // Kafka acknowledges out of order: 2 first, then 0.
        deliveries.tryEmitNext(new StreamTransport.Delivery(pending.get(2), null));
        deliveries.tryEmitNext(new StreamTransport.Delivery(pending.get(0), null));
        await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 2);
        assertThat(acknowledged).containsExactlyInAnyOrder(2L, 0L);
        assertThat(pending).extracting(OutboundRecord::topic).containsOnly("telemetry.logs.v1");
        run.dispose();
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
        Disposable run = StreamRun.atLeastOnce(transport, flow, metrics, Mono.never(), () -> progress.add(1L))
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
        StepVerifier.create(StreamRun.exactlyOnce(transport, flow, metrics, stop.asMono(), 4, Duration.ofMillis(50),
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
        Disposable run = StreamRun.atLeastOnce(transport, flow, metrics, Mono.never(), () -> { }).subscribe();

        await().atMost(Duration.ofSeconds(5)).until(() -> transport.sent.size() == 64);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> requested.get() <= 64 + 256 + 256 && transport.sent.size() == 64);
        assertThat(acknowledged).isEmpty();
        run.dispose();
    }

    @Test
    void aFailedSendEndsTheRunWithoutAcknowledgingTheRecord() {
        FakeTransport transport = new FakeTransport(Flux.range(0, 5).map(this::good).concatWith(Flux.never()),
                records -> records.map(r -> new StreamTransport.Delivery(r,
                        r.source().offset() == 3 ? new TimeoutException("broker gone") : null)));
        StepVerifier.create(StreamRun.atLeastOnce(transport, flow, metrics, Mono.never(), () -> { }))
                .expectError(StreamRun.SendFailedException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(acknowledged).contains(0L, 1L, 2L).doesNotContain(3L);
    }

    @Test
    void anOutputKafkaRejectsForItselfIsDeadLetteredThenAcknowledged() {
        FakeTransport transport = new FakeTransport(Flux.range(0, 3).map(this::good).concatWith(Flux.never()),
                records -> records.map(r -> new StreamTransport.Delivery(r,
                        !r.deadLetter() && r.source().offset() == 1 ? new RecordTooLargeException("big") : null)));
        Sinks.Empty<Void> stop = Sinks.empty();
        Mono<Void> run = StreamRun.atLeastOnce(transport, flow, metrics, stop.asMono(), () -> { });
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
        StepVerifier.create(StreamRun.atLeastOnce(transport, flow, metrics, stop.asMono(), () -> { }))
                .then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 3))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        assertThat(transport.sent).extracting(OutboundRecord::topic)
                .containsExactly("telemetry.logs.v1", "telemetry.dlq.v1", "telemetry.logs.v1");
        OutboundRecord deadLetter = transport.sent.get(1);
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
        StepVerifier.create(StreamRun.exactlyOnce(transport, flow, metrics, stop.asMono(), 3, Duration.ofMillis(50),
                        () -> { }))
                .then(() -> await().atMost(Duration.ofSeconds(5))
                        .until(() -> transport.transactions.stream().mapToInt(List::size).sum() == 7))
                .then(stop::tryEmitEmpty)
                .verifyComplete();
        assertThat(transport.committedOffsets.get(0)).containsExactlyInAnyOrderEntriesOf(Map.of(
                new TopicPartition("proxy.logs.v1", 0), 3L, new TopicPartition("proxy.logs.v1", 1), 2L));
        assertThat(transport.committedOffsets.get(transport.committedOffsets.size() - 1))
                .containsEntry(new TopicPartition("proxy.logs.v1", 0), 7L);
        assertThat(acknowledged).isEmpty();
    }
}
