package dev.lunar.telemetry.kafka.runtime;

import dev.lunar.telemetry.kafka.runtime.internal.ReactorRecordReceiver;
import dev.lunar.telemetry.kafka.runtime.internal.ReactorRecordSender;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The entry point of the one Kafka runtime the processor and every consumer share. The Kafka client library behind
 * it (Reactor Kafka 1.3, discontinued upstream) stays in {@code ...runtime.internal}: replacing it touches nothing
 * outside this module.
 */
public final class KafkaRuntime {
    private KafkaRuntime() {}

    /** A consumer in a group; see {@link RecordReceiver} for its contract. */
    public static RecordReceiver receiver(KafkaClientSettings client, ReceiverSettings settings) {
        return new ReactorRecordReceiver(client, settings);
    }

    /** A producer (transactional when {@link SenderSettings#transactionalId()} is set). */
    public static <C> RecordSender<C> sender(KafkaClientSettings client, SenderSettings settings) {
        return new ReactorRecordSender<>(client, settings);
    }

    /**
     * A pool of {@code threads} workers with one shared queue, for {@link PartitionedWork}: a worker blocked on one
     * record leaves the others free for the other partitions (a per-thread-queue scheduler such as
     * {@code Schedulers.parallel()} would queue other partitions' work behind it). Dispose it when done.
     */
    public static Scheduler workers(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads, factory);
        return Schedulers.fromExecutorService(pool, name);
    }
}
