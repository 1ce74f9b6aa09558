package dev.lunar.telemetry.cli.doctor;

import dev.lunar.telemetry.events.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pipeline topic must look like: at least {@code kafka.partitions} partitions (fewer caps the consumers'
 * parallelism below what was configured), replication of at least min(3, brokers), and {@code cleanup.policy}
 * {@code compact} for the tenant table (a deleting tenant table forgets tenants after the retention time), {@code
 * delete} for every other topic. Plain function of what Kafka describes: testable without a broker.
 */
record TopicExpectation(Topics.Definition topic, int partitions, int replication) {

    static TopicExpectation of(Topics.Definition topic, int configuredPartitions, int brokers) {
        return new TopicExpectation(topic, configuredPartitions, Math.max(1, Math.min(3, brokers)));
    }

    String cleanupPolicy() {
        return topic.compacted() ? "compact" : "delete";
    }

    /** The check for a topic as found, or missing ({@code actualPartitions < 0}). */
    Check check(int actualPartitions, int actualReplication, String actualCleanupPolicy, String bootstrap) {
        String name = topic.name();
        if (actualPartitions < 0) {
            return Check.fail("topic " + name + ": missing", "create it: `lunar-telemetry run` creates every topic"
                    + " on the embedded broker; on a cluster: kafka-topics.sh --bootstrap-server " + bootstrap
                    + " --create --topic " + name + " --partitions " + partitions + " --replication-factor "
                    + replication + (topic.compacted() ? " --config cleanup.policy=compact" : ""));
        }
        List<String> problems = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        if (actualPartitions < partitions) {
            problems.add(actualPartitions + " partitions, kafka.partitions says " + partitions);
            fixes.add("kafka-topics.sh --bootstrap-server " + bootstrap + " --alter --topic " + name
                    + " --partitions " + partitions + " (or lower kafka.partitions)");
        }
        if (actualReplication < replication) {
            problems.add("replication " + actualReplication + ", expected " + replication
                    + " (a broker loss loses data)");
            fixes.add("reassign " + name + " to " + replication + " replicas (kafka-reassign-partitions.sh)");
        }
        String policy = actualCleanupPolicy == null ? "delete" : actualCleanupPolicy;
        if (!policy.equals(cleanupPolicy())) {
            problems.add("cleanup.policy=" + policy + ", expected " + cleanupPolicy());
            fixes.add("kafka-configs.sh --bootstrap-server " + bootstrap + " --alter --entity-type topics"
                    + " --entity-name " + name + " --add-config cleanup.policy=" + cleanupPolicy());
        }
        String found = actualPartitions + " partitions, replication " + actualReplication + ", cleanup.policy="
                + policy;
        if (problems.isEmpty()) {
            return Check.ok("topic " + name + ": " + found);
        }
        return Check.fail("topic " + name + ": " + String.join("; ", problems), String.join("; ", fixes));
    }
}
