package dev.lunar.telemetry.kafka.runtime.internal;

import dev.lunar.telemetry.kafka.runtime.AcknowledgementLedger;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.kafka.runtime.ReceivedRecord;
import dev.lunar.telemetry.kafka.runtime.ReceiverSettings;
import dev.lunar.telemetry.kafka.runtime.RecordReceiver;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.MicrometerConsumerListener;
import reactor.kafka.receiver.ReceiverOffset;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverPartition;
import reactor.kafka.receiver.ReceiverRecord;
import reactor.kafka.receiver.internals.ConsumerFactory;

/**
 * {@link RecordReceiver} on Reactor Kafka 1.3.25 with Kafka 4 clients, using only what shared/KAFKA-NOTES.md and the
 * fault suite found to work: {@code receive(prefetch)} with in-order {@code acknowledge()} (the ledger orders them)
 * and {@code commitInterval}. Deliberately not used:
 * <ul>
 *   <li>{@code maxDeferredCommits}: an offset commit failing after a revocation threw a NullPointerException in
 *       {@code CommittableBatch.restoreOffsets} and killed the consumer. The ledger orders acknowledgements
 *       instead.</li>
 *   <li>{@code maxDelayRebalance} (60 s by default): its in-pipeline count could stay above zero after a
 *       redelivery, and never drops for transactions, so every revocation blocked for the full 60 s. Set to zero;
 *       the revocation waits on the ledger instead, for the revoked partitions only.</li>
 *   <li>{@code receiveExactlyOnce} (calls {@code groupMetadata()} from another thread: raced) and
 *       {@code sendOffsets(Map, String)} (hangs with Kafka 4 clients).</li>
 * </ul>
 * The real consumer is captured through the consumer listener and is only ever called on its own thread: inside
 * {@code doOnConsumer} (whose proxy refuses {@code groupMetadata()}) and inside the rebalance listener.
 */
public final class ReactorRecordReceiver implements RecordReceiver {

    private static final Logger log = LoggerFactory.getLogger(ReactorRecordReceiver.class);
    private static final Duration LAG_INTERVAL = Duration.ofSeconds(2);

    private final ReceiverSettings settings;
    private final KafkaReceiver<byte[], byte[]> receiver;
    private final AtomicLong lag = new AtomicLong();
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile AcknowledgementLedger ledger;
    private volatile ReceiverOffset lastAcknowledged;
    /** Read on the consumer's thread when a revocation began; used while it lasts (the thread is busy then). */
    private volatile ConsumerGroupMetadata revoking;
    private final FetchEpochs epochs = new FetchEpochs();
    /** The current consumer's pauses (set when Reactor Kafka creates it, read on its thread). */
    private volatile BacklogPauses pauses;
    private final java.util.Set<Sinks.One<ConsumerGroupMetadata>> pendingMetadata =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Runnable drained;
    private final Runnable timedOut;

    public ReactorRecordReceiver(KafkaClientSettings client, ReceiverSettings settings) {
        this.settings = settings;
        if (settings.registry() != null) {
            io.micrometer.core.instrument.Counter ok = io.micrometer.core.instrument.Counter
                    .builder("lunar.kafka.revocations").tag("group", settings.groupId()).tag("outcome", "drained")
                    .description("revocations whose partitions' in-flight records finished in time")
                    .register(settings.registry());
            io.micrometer.core.instrument.Counter late = io.micrometer.core.instrument.Counter
                    .builder("lunar.kafka.revocations").tag("group", settings.groupId()).tag("outcome", "timed-out")
                    .description("revocations that gave up waiting for in-flight records")
                    .register(settings.registry());
            this.drained = ok::increment;
            this.timedOut = late::increment;
        } else {
            this.drained = () -> { };
            this.timedOut = () -> { };
        }
        Map<String, Object> props = client.consumer(settings.groupId(), settings.clientId());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        epochs.configure(props);
        MicrometerConsumerListener metrics = settings.registry() == null ? null
                : new MicrometerConsumerListener(settings.registry());
        ReceiverOptions<byte[], byte[]> options = ReceiverOptions.<byte[], byte[]>create(props)
                .subscription(settings.topics())
                .commitInterval(settings.commitInterval())
                .maxDelayRebalance(Duration.ZERO)
                .closeTimeout(settings.closeTimeout())
                .consumerListener(new ReceiverOptions.ConsumerListener() {
                    @Override
                    public void consumerAdded(String id, Consumer<?, ?> added) {
                        @SuppressWarnings("unchecked")
                        Consumer<byte[], byte[]> typed = (Consumer<byte[], byte[]>) added;
                        consumer = typed;
                        if (metrics != null) {
                            metrics.consumerAdded(id, added);
                        }
                    }

                    @Override
                    public void consumerRemoved(String id, Consumer<?, ?> removed) {
                        if (metrics != null) {
                            metrics.consumerRemoved(id, removed);
                        }
                    }
                })
                .addAssignListener(parts -> {
                    epochs.assigned(parts.stream().map(ReceiverPartition::topicPartition).toList());
                    log.info("{}: assigned {}", settings.clientId(), parts);
                })
                .addRevokeListener(this::revoked);
        this.receiver = KafkaReceiver.create(new ConsumerFactory() {
            @Override
            public <K, V> Consumer<K, V> createConsumer(ReceiverOptions<K, V> config) {
                BacklogPauses created = new BacklogPauses(super.createConsumer(config));
                pauses = created;
                return created.consumer();
            }
        }, options);
    }

    @Override
    public <T> Flux<T> receive(AcknowledgementLedger ledger, java.util.function.Function<ReceivedRecord, T> wrap) {
        return Flux.defer(() -> {
            this.ledger = ledger;
            epochs.newConsumer(); // each subscription has a consumer of its own (Reactor Kafka creates it)
            Disposable[] lagPoller = new Disposable[1];
            return receiver.receive(1)
                    .<T>handle((r, sink) -> {
                        // a record fetched before its partition was revoked (and perhaps re-assigned): not ours
                        if (epochs.current(r.receiverOffset().topicPartition(), r.offset())) {
                            sink.next(register(r, ledger, wrap));
                        }
                    })
                    .doOnSubscribe(s -> lagPoller[0] = pollEvery(LAG_INTERVAL,
                            Mono.defer(() -> receiver.doOnConsumer(ReactorRecordReceiver::currentLag)), lag::set,
                            Schedulers.parallel()))
                    .doFinally(signal -> {
                        if (lagPoller[0] != null) {
                            lagPoller[0].dispose();
                        }
                    });
        });
    }

    private <T> T register(ReceiverRecord<byte[], byte[]> r, AcknowledgementLedger ledger,
                           java.util.function.Function<ReceivedRecord, T> wrap) {
        ReceiverOffset offset = r.receiverOffset();
        Runnable acknowledge = settings.transactional() ? () -> { } : () -> {
            offset.acknowledge();
            lastAcknowledged = offset;
        };
        AcknowledgementLedger.Ticket ticket = ledger.register(offset.topicPartition(), r.offset(), acknowledge);
        return wrap.apply(new ReceivedRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.headers(),
                System.nanoTime(), ticket));
    }

    /**
     * On the consumer's thread, inside the rebalance: let the work on the revoked partitions finish (bounded), commit
     * what is done (transactions have committed theirs already), forget the rest.
     */
    private void revoked(Collection<ReceiverPartition> parts) {
        List<TopicPartition> partitions = parts.stream().map(ReceiverPartition::topicPartition).toList();
        log.info("{}: revoked {}", settings.clientId(), partitions);
        AcknowledgementLedger current = ledger;
        Consumer<byte[], byte[]> real = consumer;
        epochs.revoked(partitions);
        BacklogPauses held = pauses;
        if (held != null) {
            held.revoked(partitions);
        }
        if (current == null || partitions.isEmpty()) {
            return;
        }
        try {
            revoking = real == null ? null : real.groupMetadata();
            // transactions waiting for the consumer's thread would wait for this revocation, which waits for them
            if (revoking != null) {
                for (Sinks.One<ConsumerGroupMetadata> waiting : pendingMetadata) {
                    waiting.tryEmitValue(revoking);
                }
            }
            boolean settled = current.awaitSettled(partitions, settings.revocationTimeout());
            (settled ? drained : timedOut).run();
            if (!settled) {
                log.warn("{}: records of {} were still being worked on after {}; the new owner reads them again",
                        settings.clientId(), partitions, settings.revocationTimeout());
            }
            Map<TopicPartition, Long> done = current.revoke(partitions);
            if (!settings.transactional() && !done.isEmpty() && real != null) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                done.forEach((tp, next) -> offsets.put(tp, new OffsetAndMetadata(next)));
                real.commitSync(offsets);
            }
        } catch (RuntimeException e) {
            log.warn("{}: committing the revoked partitions failed ({}); the new owner reads them again",
                    settings.clientId(), e.toString());
        } finally {
            revoking = null;
        }
    }

    @Override
    public Mono<Void> pause() {
        return receiver.doOnConsumer(c -> {
            c.pause(c.assignment());
            return Boolean.TRUE;
        }).then();
    }

    /** Holds the partitions back ({@link BacklogPauses}): not through the proxy, whose resume Reactor Kafka undoes. */
    @Override
    public Mono<Void> pause(Collection<TopicPartition> partitions) {
        return receiver.doOnConsumer(c -> {
            List<TopicPartition> assigned = partitions.stream().filter(c.assignment()::contains).toList();
            pauses.holdBack(assigned);
            return Boolean.TRUE;
        }).then();
    }

    /** Releases held-back partitions: fetched again once Reactor Kafka, too, wants records. */
    @Override
    public Mono<Void> resume(Collection<TopicPartition> partitions) {
        return receiver.doOnConsumer(c -> {
            List<TopicPartition> assigned = partitions.stream().filter(c.assignment()::contains).toList();
            pauses.release(assigned);
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public Mono<Void> commitAcknowledged() {
        ReceiverOffset last = lastAcknowledged;
        // commit() on an acknowledged offset commits everything acknowledged so far (or nothing, if already done)
        return last == null ? Mono.empty() : last.commit();
    }

    @Override
    public Mono<ConsumerGroupMetadata> groupMetadata() {
        return Mono.defer(() -> {
            ConsumerGroupMetadata during = revoking;
            if (during != null) {
                return Mono.just(during);
            }
            Sinks.One<ConsumerGroupMetadata> answer = Sinks.one();
            pendingMetadata.add(answer);
            // a revocation that began meanwhile answers with its metadata (its thread is busy until it ends)
            during = revoking;
            if (during != null) {
                answer.tryEmitValue(during);
            }
            // the proxy doOnConsumer hands out refuses groupMetadata(); the real consumer, on its own thread, does not
            receiver.doOnConsumer(proxy -> consumer.groupMetadata())
                    .subscribe(answer::tryEmitValue, answer::tryEmitError);
            return answer.asMono().doFinally(signal -> pendingMetadata.remove(answer));
        });
    }

    @Override
    public long lag() {
        return lag.get();
    }

    @Override
    public int maxRecordsPerPoll() {
        return settings.maxPollRecords();
    }

    /**
     * Runs {@code query} every {@code interval} and hands its answers to {@code sink}. A query slower than the
     * interval (a consumer thread busy in a long poll or a rebalance) skips ticks instead of overflowing the timer,
     * and a failing query skips one answer: the poller lives as long as the receiver.
     */
    public static Disposable pollEvery(Duration interval, Mono<Long> query, LongConsumer sink, Scheduler scheduler) {
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
}
