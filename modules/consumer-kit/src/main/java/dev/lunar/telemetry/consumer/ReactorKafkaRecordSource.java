package dev.lunar.telemetry.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOffset;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverRecord;

/**
 * The only class that knows Reactor Kafka (1.3.x, measured on kafka-clients 4.1: {@code receive()} +
 * {@code acknowledge()} + {@code commitInterval} work; see KAFKA-NOTES.md).
 *
 * <p>{@code receive()} with prefetch 1 requests one poll at a time, so without downstream demand the consumer is
 * paused (Reactor Kafka's back-pressure pause) and at most a few polls of {@code max.poll.records} are buffered.
 * The {@link DeliveryLoop} acknowledges in the order records were read, so the latest acknowledged offset of a
 * partition never passes an unfinished record and is what gets committed.
 *
 * <p>Two Reactor Kafka 1.3.25 settings are deliberately not used; the fault suite (a broker restarted under load)
 * found both:
 * <ul>
 *   <li>Out-of-order tracking ({@code maxDeferredCommits}): an offset commit that fails after a rebalance revoked its
 *       partitions — a broker restart does that — throws a NullPointerException in
 *       {@code CommittableBatch.restoreOffsets}, which kills the consumer; it closes without leaving the group, so
 *       its successor waited a whole {@code session.timeout.ms} (45 s) for partitions.</li>
 *   <li>Delaying a rebalance until the records in the pipeline are done ({@code maxDelayRebalance}, 60 s by
 *       default): its count of records in the pipeline can stay above zero after a redelivery, and every later
 *       revocation then blocks the consumer's thread — no polling, no commits — for the full 60 s. Without the delay,
 *       records still in flight at a revocation are finished and committed afterwards: at worst redelivered, never
 *       skipped.</li>
 * </ul>
 */
final class ReactorKafkaRecordSource implements RecordSource {

    private static final Logger log = LoggerFactory.getLogger(ReactorKafkaRecordSource.class);
    private static final Duration LAG_INTERVAL = Duration.ofSeconds(2);

    private final KafkaReceiver<byte[], byte[]> receiver;
    private final int maxPollRecords;
    private final AtomicLong lag = new AtomicLong();
    private volatile Disposable lagPoller;
    private volatile ReceiverOffset lastAcknowledged;

    ReactorKafkaRecordSource(KafkaClientSettings kafka, String groupId, String clientId, Collection<String> topics,
                             int maxPollRecords, Duration closeTimeout) {
        Map<String, Object> props = new HashMap<>(kafka.properties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.maxPollRecords = maxPollRecords;
        ReceiverOptions<byte[], byte[]> options = ReceiverOptions.<byte[], byte[]>create(props)
                .subscription(topics)
                .commitInterval(Duration.ofMillis(500))
                .maxDelayRebalance(Duration.ZERO)
                .closeTimeout(closeTimeout)
                .addAssignListener(parts -> log.info("{}: assigned {}", clientId, parts))
                .addRevokeListener(parts -> log.info("{}: revoked {}", clientId, parts));
        this.receiver = KafkaReceiver.create(options);
    }

    @Override
    public Flux<SourceRecord> receive() {
        return receiver.receive(1)
                .map(this::toSourceRecord)
                .doOnSubscribe(s -> lagPoller = pollEvery(LAG_INTERVAL,
                        Mono.defer(() -> receiver.doOnConsumer(ReactorKafkaRecordSource::currentLag)), lag::set,
                        Schedulers.parallel()))
                .doFinally(signal -> {
                    Disposable poller = lagPoller;
                    if (poller != null) {
                        poller.dispose();
                    }
                });
    }

    private SourceRecord toSourceRecord(ReceiverRecord<byte[], byte[]> r) {
        ReceiverOffset offset = r.receiverOffset();
        return new SourceRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.headers(), () -> {
            offset.acknowledge();
            lastAcknowledged = offset;
        });
    }

    @Override
    public Mono<Void> commitAcknowledged() {
        ReceiverOffset last = lastAcknowledged;
        // commit() on an acknowledged offset commits everything acknowledged so far (or nothing, if already done)
        return last == null ? Mono.empty() : last.commit();
    }

    /**
     * Runs {@code query} every {@code interval} and hands its answers to {@code sink}. A query slower than the
     * interval (a consumer thread busy in a long poll or a rebalance) skips ticks instead of overflowing the timer,
     * and a failing query skips one answer: the poller lives as long as the receiver.
     */
    static Disposable pollEvery(Duration interval, Mono<Long> query, java.util.function.LongConsumer sink,
                                Scheduler scheduler) {
        return Flux.interval(interval, scheduler)
                .onBackpressureDrop()
                .concatMap(tick -> query.onErrorResume(e -> Mono.empty()), 1)
                .subscribe(sink::accept, e -> log.warn("consumer lag poller stopped: {}", e.toString()));
    }

    private static long currentLag(Consumer<byte[], byte[]> consumer) {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            sum += consumer.currentLag(tp).orElse(0);
        }
        return sum;
    }

    @Override
    public Mono<Void> pause() {
        return receiver.doOnConsumer(consumer -> {
            consumer.pause(consumer.assignment());
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public long lag() {
        return lag.get();
    }

    @Override
    public int maxRecordsPerPoll() {
        return maxPollRecords;
    }
}
