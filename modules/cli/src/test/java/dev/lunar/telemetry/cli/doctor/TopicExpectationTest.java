package dev.lunar.telemetry.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.Topics;
import org.junit.jupiter.api.Test;

/** What {@code doctor} expects of a topic, as a plain function of what Kafka describes. */
class TopicExpectationTest {
    static final Topics.Definition TENANTS = new Topics.Definition("tenants.v1", true);
    static final Topics.Definition LOGS = new Topics.Definition("proxy.logs.v1", false);

    @Test
    void aTopicAsTheEmbeddedBrokerCreatesItPasses() {
        Check check = TopicExpectation.of(TENANTS, 6, 1).check(6, 1, "compact", "b:9092");

        assertThat(check.ok()).isTrue();
        assertThat(check.line()).isEqualTo("OK    topic tenants.v1: 6 partitions, replication 1, cleanup.policy=compact");
    }

    @Test
    void replicationIsExpectedUpToThreeCopies() {
        assertThat(TopicExpectation.of(LOGS, 12, 5).replication()).isEqualTo(3);
        assertThat(TopicExpectation.of(LOGS, 12, 2).replication()).isEqualTo(2);
        Check check = TopicExpectation.of(LOGS, 12, 3).check(12, 1, "delete", "b:9092");
        assertThat(check.ok()).isFalse();
        assertThat(check.line()).contains("replication 1, expected 3").contains("fix: reassign proxy.logs.v1 to 3");
    }

    @Test
    void aDeletingTenantTableFailsWithTheConfigCommand() {
        Check check = TopicExpectation.of(TENANTS, 6, 1).check(6, 1, "delete", "b:9092");

        assertThat(check.ok()).isFalse();
        assertThat(check.line()).startsWith("FAIL  topic tenants.v1: cleanup.policy=delete, expected compact — fix: "
                + "kafka-configs.sh --bootstrap-server b:9092 --alter --entity-type topics --entity-name tenants.v1"
                + " --add-config cleanup.policy=compact");
    }

    @Test
    void aMissingTopicFailsWithTheCreateCommand() {
        Check check = TopicExpectation.of(TENANTS, 6, 3).check(-1, 0, null, "b:9092");

        assertThat(check.ok()).isFalse();
        assertThat(check.line()).contains("tenants.v1: missing").contains("kafka-topics.sh --bootstrap-server b:9092"
                + " --create --topic tenants.v1 --partitions 6 --replication-factor 3 --config cleanup.policy=compact");
    }

    @Test
    void morePartitionsThanConfiguredAreFine() {
        assertThat(TopicExpectation.of(LOGS, 6, 1).check(12, 1, "delete", "b:9092").ok()).isTrue();
        assertThat(TopicExpectation.of(LOGS, 12, 1).check(6, 1, "delete", "b:9092").line())
                .contains("6 partitions, kafka.partitions says 12");
    }
}
