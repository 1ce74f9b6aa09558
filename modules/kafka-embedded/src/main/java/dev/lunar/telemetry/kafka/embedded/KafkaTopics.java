package dev.lunar.telemetry.kafka.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent topic creation that returns only when the topics can take traffic.
 *
 * <p><b>Why the wait.</b> A successful CreateTopics only means the controller committed the new partitions
 * to the metadata log. The broker applies that record in two steps: its metadata cache first (so a client's
 * Metadata request already names it as leader) and its replica manager a moment later. A produce request
 * arriving in between is answered {@code NOT_LEADER_OR_FOLLOWER}. With several requests in flight, a later
 * batch of an idempotent producer can then be appended first, and every retry of the earlier batch fails
 * with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} until {@code delivery.timeout.ms} drops it: records lost despite
 * {@code acks=all} and idempotence (KAFKA-15591, also KAFKA-14312, KAFKA-19880).
 *
 * <p>So after creating, this class issues a ListOffsets(latest) for every partition and retries until all
 * of them answer. ListOffsets takes the same leader-only path in the replica manager as Produce, so once it
 * answers for a partition, a produce to it cannot get {@code NOT_LEADER_OR_FOLLOWER} on a healthy
 * single-node broker. No record is written, so consumers see nothing of it.
 */
public final class KafkaTopics {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long RETRY_BACKOFF_MS = 25;

    private KafkaTopics() {
    }

    /**
     * Connects an Admin client to {@code bootstrapServers} and calls {@link #createTopics(Admin, Collection, Duration)}.
     */
    public static void createTopics(String bootstrapServers, Collection<TopicSpec> topics, Duration timeout) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "lunar-topic-admin"))) {
            createTopics(admin, topics, timeout);
        }
    }

    /**
     * Creates the topics that do not exist yet (an existing topic is fine and left unchanged, whatever its
     * settings), then waits until every partition of every named topic answers ListOffsets on its leader.
     *
     * @param admin   an Admin client of the target cluster
     * @param topics  the topics; names must be distinct
     * @param timeout bound on the whole operation
     * @throws IllegalStateException if a topic cannot be created or is not ready within {@code timeout}
     */
    public static void createTopics(Admin admin, Collection<TopicSpec> topics, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(timeout, "timeout");
        if (topics.isEmpty()) {
            return;
        }
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : topics) {
            Objects.requireNonNull(spec, "topic spec");
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("topic " + spec.name() + " is named twice");
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();

        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec spec : byName.values()) {
            newTopics.add(new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty()).configs(spec.configs()));
        }
        Map<String, KafkaFuture<Void>> created = admin
                .createTopics(newTopics, new CreateTopicsOptions().timeoutMs(remainingMs(deadline)))
                .values();
        Map<String, Integer> partitionCounts = new LinkedHashMap<>();
        List<String> existing = new ArrayList<>();
        for (TopicSpec spec : byName.values()) {
            try {
                created.get(spec.name()).get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                partitionCounts.put(spec.name(), spec.partitions());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    existing.add(spec.name());
                } else {
                    throw new IllegalStateException("could not create topic " + spec.name() + ": " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("creating topic " + spec.name() + " did not finish within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + spec.name(), e);
            }
        }
        if (!existing.isEmpty()) {
            log.debug("topics already exist, left unchanged: {}", existing);
            partitionCounts.putAll(describePartitionCounts(admin, existing, deadline, timeout));
        }
        awaitLeaders(admin, partitionCounts, deadline, timeout);
    }

    /**
     * Waits until every partition of the named existing topics answers ListOffsets on its leader. Used after
     * a (re)start, when the broker may still be applying the partitions it leads.
     */
    static void awaitLeaders(Admin admin, Collection<String> topicNames, Duration timeout) {
        if (topicNames.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitLeaders(admin, describePartitionCounts(admin, List.copyOf(topicNames), deadline, timeout), deadline, timeout);
    }

    private static Map<String, Integer> describePartitionCounts(Admin admin, List<String> names, long deadline, Duration timeout) {
        return retrying("describing topics " + names, deadline, timeout, () -> {
            Map<String, TopicDescription> descriptions = admin
                    .describeTopics(names, new DescribeTopicsOptions().timeoutMs(remainingMs(deadline)))
                    .allTopicNames()
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            Map<String, Integer> counts = new LinkedHashMap<>();
            descriptions.forEach((name, description) -> counts.put(name, description.partitions().size()));
            return counts;
        });
    }

    private static void awaitLeaders(Admin admin, Map<String, Integer> partitionCounts, long deadline, Duration timeout) {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        partitionCounts.forEach((name, count) -> {
            for (int p = 0; p < count; p++) {
                request.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
        });
        retrying("waiting for the leaders of " + partitionCounts.keySet(), deadline, timeout, () -> admin
                .listOffsets(request, new ListOffsetsOptions().timeoutMs(remainingMs(deadline)))
                .all()
                .get(remainingMs(deadline), TimeUnit.MILLISECONDS));
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws Exception;
    }

    private static <T> T retrying(String what, long deadline, Duration timeout, Attempt<T> attempt) {
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                return attempt.run();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
                }
                last = e.getCause();
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what, e);
            } catch (Exception e) {
                throw new IllegalStateException(what + " failed: " + e, e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(Math.min(RETRY_BACKOFF_MS, Math.max(1, remainingMs(deadline))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what, e);
            }
        }
        throw new IllegalStateException(what + ": not done within " + timeout
                + (last == null ? "" : " (last error: " + last + ")"), last);
    }

    private static int remainingMs(long deadline) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }
}
