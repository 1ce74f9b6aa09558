package dev.lunar.telemetry.kafka.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Partitions processed independently: {@code work} runs on each record in offset order within its partition, and
 * concurrently across partitions on a bounded pool ({@link KafkaRuntime#workers}); a record that takes minutes delays
 * only the records of its own partition.
 *
 * <p>Shape: {@code groupBy(partition)} with one group per partition, each group a {@code concatMap} of
 * {@code Mono.fromCallable(work).subscribeOn(workers)} (so one record of a partition at a time, the next only after
 * it), and an unbounded {@code flatMap} over the groups. The flatMap must be unbounded: with a concurrency below the
 * number of groups, groups past the limit are never subscribed and {@code groupBy} stalls once its prefetch is taken
 * by their records — a deadlock. Concurrency is bounded by the pool instead. Results of one partition come out in
 * offset order; results of different partitions interleave.
 *
 * <p>Backpressure per partition: a partition with more than {@code maxBacklog} records received and not yet started
 * is paused at the consumer (only that partition), and resumed once half of its backlog is worked off. So a slow
 * partition never takes the shared {@code prefetch} from the others; a consumer that cannot pause (a test source)
 * still gets ordering and independence up to {@code prefetch}.
 */
public final class PartitionedWork {
    private PartitionedWork() {}

    /** Pauses or resumes fetching one partition. */
    public interface Pauser {
        Pauser NONE = (partitions, pause) -> { };

        void pause(List<TopicPartition> partitions, boolean pause);

        static Pauser of(RecordReceiver receiver) {
            return (partitions, pause) -> (pause ? receiver.pause(partitions) : receiver.resume(partitions))
                    .subscribe(v -> { }, e -> { });
        }
    }

    /**
     * @param records    records in offset order per partition
     * @param partition  the partition of a record
     * @param work       the processing function; runs on {@code workers}, never concurrently for one partition
     * @param workers    a bounded pool (its size is the concurrency)
     * @param prefetch   records received ahead of the work, for all partitions together
     * @param maxBacklog records of one partition received ahead of its work before it is paused
     */
    public static <T, R> Flux<R> inOrderPerPartition(Flux<T> records, Function<T, TopicPartition> partition,
                                                     Function<T, R> work, Scheduler workers, int prefetch,
                                                     int maxBacklog, Pauser pauser) {
        return Flux.defer(() -> {
            Map<TopicPartition, Backlog> backlogs = new ConcurrentHashMap<>();
            return records
                    .doOnNext(r -> backlogs.computeIfAbsent(partition.apply(r), Backlog::new)
                            .arrived(maxBacklog, pauser))
                    .groupBy(partition, prefetch)
                    .flatMap(group -> {
                        Backlog backlog = backlogs.computeIfAbsent(group.key(), Backlog::new);
                        return group.concatMap(r -> Mono.fromCallable(() -> {
                                    backlog.started(maxBacklog, pauser);
                                    return work.apply(r);
                                }).subscribeOn(workers), 1);
                    }, Integer.MAX_VALUE);
        });
    }

    private static final class Backlog {
        final TopicPartition partition;
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicBoolean paused = new AtomicBoolean();

        Backlog(TopicPartition partition) {
            this.partition = partition;
        }

        void arrived(int max, Pauser pauser) {
            if (waiting.incrementAndGet() > max && paused.compareAndSet(false, true)) {
                pauser.pause(List.of(partition), true);
            }
        }

        void started(int max, Pauser pauser) {
            if (waiting.decrementAndGet() <= max / 2 && paused.compareAndSet(true, false)) {
                pauser.pause(List.of(partition), false);
            }
        }
    }
}
