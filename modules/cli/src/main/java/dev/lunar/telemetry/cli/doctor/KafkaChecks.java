package dev.lunar.telemetry.cli.doctor;

import dev.lunar.telemetry.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The Kafka side of {@code doctor}: brokers reachable, the pipeline's topics as {@link TopicExpectation} says, and
 * each consumer group running (members present) and not too far behind. Read-only: it never creates or changes
 * anything.
 */
final class KafkaChecks {

    /** A consumer group the pipeline runs, and the command that runs its consumers. */
    record Group(String id, String service) {}

    private final Admin admin;
    private final String bootstrap;
    private final Duration timeout;

    KafkaChecks(Admin admin, String bootstrap, Duration timeout) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.timeout = timeout;
    }

    /** The brokers; empty (with the FAIL line added) when the cluster cannot be reached. */
    Collection<Node> brokers(List<Check> out) {
        try {
            org.apache.kafka.clients.admin.DescribeClusterResult cluster = admin.describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            Collection<Node> nodes = get(cluster.nodes());
            String clusterId = get(cluster.clusterId());
            out.add(Check.ok("Kafka: " + nodes.size() + " broker(s) reachable at " + bootstrap + " (cluster "
                    + clusterId + ")"));
            return nodes;
        } catch (KafkaUnavailable e) {
            out.add(Check.fail("Kafka: no broker reachable at " + bootstrap + " within " + timeout.toSeconds()
                    + " s (" + e.getMessage() + ")", "start Kafka (`lunar-telemetry run` embeds one), or point"
                    + " kafka.bootstrap-servers / LUNAR_KAFKA_BOOTSTRAP_SERVERS / --bootstrap-servers at the brokers"));
            return List.of();
        }
    }

    void topics(int configuredPartitions, int brokers, List<Check> out) {
        List<Topics.Definition> all = Topics.all();
        Set<String> names = all.stream().map(Topics.Definition::name).collect(Collectors.toSet());
        Map<String, TopicDescription> described = new HashMap<>();
        Map<String, String> undescribable = new HashMap<>();
        admin.describeTopics(names).topicNameValues().forEach((name, future) -> {
            try {
                described.put(name, future.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    undescribable.put(name, String.valueOf(e.getCause()));
                }
            } catch (TimeoutException e) {
                undescribable.put(name, "no answer within " + timeout.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                undescribable.put(name, "interrupted");
            }
        });
        Map<String, String> policies = new HashMap<>();
        if (!described.isEmpty()) {
            Set<ConfigResource> resources = described.keySet().stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).collect(Collectors.toSet());
            try {
                Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all());
                configs.forEach((r, c) -> policies.put(r.name(),
                        c.get("cleanup.policy") == null ? null : c.get("cleanup.policy").value()));
            } catch (KafkaUnavailable e) {
                described.keySet().forEach(n -> undescribable.put(n, "configuration unreadable: " + e.getMessage()));
            }
        }
        for (Topics.Definition topic : all) {
            if (undescribable.containsKey(topic.name())) {
                out.add(Check.fail("topic " + topic.name() + ": cannot be described (" + undescribable.get(topic.name())
                        + ")", "check the brokers' health and that this client may describe topics and their"
                        + " configuration (ACL DESCRIBE, DESCRIBE_CONFIGS)"));
                continue;
            }
            TopicDescription d = described.get(topic.name());
            TopicExpectation expected = TopicExpectation.of(topic, configuredPartitions, brokers);
            out.add(d == null ? expected.check(-1, 0, null, bootstrap)
                    : expected.check(d.partitions().size(),
                            d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0),
                            policies.get(topic.name()), bootstrap));
        }
    }

    /** Members present, and the lag summed over the group's committed partitions at most {@code maxLag}. */
    void group(Group group, long maxLag, List<Check> out) {
        try {
            ConsumerGroupDescription description = get(admin.describeConsumerGroups(List.of(group.id()))
                    .describedGroups().get(group.id()));
            Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group.id())
                    .partitionsToOffsetAndMetadata());
            Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
            committed.forEach((tp, o) -> {
                if (o != null) {
                    present.put(tp, o);
                }
            });
            long lag = 0;
            if (!present.isEmpty()) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                present.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = get(admin.listOffsets(latest).all());
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : present.entrySet()) {
                    lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                }
            }
            GroupState state = description.groupState();
            int members = description.members().size();
            String found = "consumer group " + group.id() + ": " + state + ", " + members + " member(s), lag " + lag
                    + (present.isEmpty() ? " (nothing committed yet)" : " on " + present.size() + " partition(s)");
            if (members == 0) {
                out.add(Check.fail(found, "no consumer is running in this group: start `lunar-telemetry "
                        + group.service() + "` (or `run`) against " + bootstrap));
            } else if (lag > maxLag) {
                out.add(Check.fail(found + ", over --max-lag " + maxLag, "the consumers are behind: check their"
                        + " /health and /metrics (errors, retries, a slow destination) and add instances, up to the"
                        + " topic's partition count"));
            } else {
                out.add(Check.ok(found));
            }
        } catch (KafkaUnavailable e) {
            out.add(Check.fail("consumer group " + group.id() + ": cannot be described (" + e.getMessage() + ")",
                    "check that the brokers are healthy and this client may describe groups (ACL DESCRIBE on the"
                            + " group)"));
        }
    }

    private <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaUnavailable(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            throw new KafkaUnavailable("no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted");
        }
    }

    /** A Kafka call that failed or timed out; its message says why. */
    private static final class KafkaUnavailable extends RuntimeException {
        KafkaUnavailable(String message) {
            super(message);
        }
    }

    static List<Group> groups(String processor, String datadog, String controlPlane) {
        List<Group> groups = new ArrayList<>();
        groups.add(new Group(processor, "processor"));
        groups.add(new Group(datadog, "forward-datadog"));
        groups.add(new Group(controlPlane, "forward-controlplane"));
        return groups;
    }
}
