package dev.lunar.telemetry.kafka.runtime.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer under Reactor Kafka, keeping apart two reasons to pause a partition: the runtime holds a partition
 * back while its backlog is long ({@link #holdBack}, {@link #release}), and Reactor Kafka pauses every partition
 * while nothing downstream asks for records (and resumes them when something does). A partition is fetched only
 * when neither holds it.
 *
 * <p>Why: Reactor Kafka keeps polling while it has paused for lack of demand, and buffers whatever a poll returns
 * without bound. Releasing a held-back partition straight on the consumer, while Reactor Kafka had paused it, let it
 * be fetched with nobody asking: the processor draining a backlog held 400,000 polled records (380 MB) that way.
 * Here the consumer's paused set is always the held-back partitions plus those paused by Reactor Kafka (or by any
 * other caller), whoever pauses or resumes in between.
 *
 * <p>What Reactor Kafka is told is paused ({@code paused()}) leaves the held-back partitions out: when it pauses
 * for lack of demand it takes the partitions already paused as paused by its user and leaves them out of its resume,
 * so a partition held back at that moment and released while it paused would never be resumed.
 *
 * <p>Used only on the consumer's thread (Reactor Kafka's event loop, {@code doOnConsumer}, the rebalance listener).
 */
final class BacklogPauses implements InvocationHandler {

    private final Consumer<?, ?> consumer;
    private final Set<TopicPartition> heldBack = new HashSet<>();
    private final Set<TopicPartition> pausedByOthers = new HashSet<>();

    private final Consumer<?, ?> wrapped;

    BacklogPauses(Consumer<?, ?> consumer) {
        this.consumer = consumer;
        this.wrapped = (Consumer<?, ?>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, this);
    }

    /** The consumer as Reactor Kafka should see it: its pauses and resumes go through these. */
    @SuppressWarnings("unchecked")
    <K, V> Consumer<K, V> consumer() {
        return (Consumer<K, V>) wrapped;
    }

    /** Stops fetching {@code partitions} until {@link #release}d, whatever else resumes them meanwhile. */
    void holdBack(Collection<TopicPartition> partitions) {
        heldBack.addAll(partitions);
        consumer.pause(partitions);
    }

    /** Fetches {@code partitions} again, unless something else has paused them too (then when it resumes them). */
    void release(Collection<TopicPartition> partitions) {
        heldBack.removeAll(partitions);
        List<TopicPartition> free = without(partitions, pausedByOthers);
        if (!free.isEmpty()) {
            consumer.resume(free);
        }
    }

    /** The partitions were taken away; Kafka forgets their pauses, and so does this. */
    void revoked(Collection<TopicPartition> partitions) {
        heldBack.removeAll(partitions);
        pausedByOthers.removeAll(partitions);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (args == null && method.getName().equals("paused")) {
            Set<TopicPartition> paused = new HashSet<>(consumer.paused());
            paused.retainAll(pausedByOthers);
            return paused;
        }
        if (args != null && args.length == 1 && args[0] instanceof Collection<?>) {
            if (method.getName().equals("pause")) {
                Collection<TopicPartition> partitions = (Collection<TopicPartition>) args[0];
                pausedByOthers.addAll(partitions);
                consumer.pause(partitions);
                return null;
            }
            if (method.getName().equals("resume")) {
                Collection<TopicPartition> partitions = (Collection<TopicPartition>) args[0];
                pausedByOthers.removeAll(partitions);
                consumer.resume(without(partitions, heldBack));
                return null;
            }
        }
        try {
            return method.invoke(consumer, args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // e.g. the WakeupException Reactor Kafka expects from poll
        }
    }

    private static List<TopicPartition> without(Collection<TopicPartition> partitions, Set<TopicPartition> excluded) {
        List<TopicPartition> kept = new ArrayList<>(partitions.size());
        for (TopicPartition p : partitions) {
            if (!excluded.contains(p)) {
                kept.add(p);
            }
        }
        return kept;
    }
}
