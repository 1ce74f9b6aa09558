package dev.lunar.telemetry.kafka.embedded.junit;

import java.time.Duration;
import java.util.Collection;

import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import org.testcontainers.kafka.KafkaContainer;

/** A broker in a Testcontainers {@code apache/kafka} container. The only class here that touches Testcontainers. */
final class ContainerKafkaBroker implements KafkaBroker, AutoCloseable {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafkaBroker start(String image) {
        KafkaContainer container = new KafkaContainer(image)
                // the same single-node settings as EmbeddedKafkaBroker (the image maps KAFKA_X_Y to x.y)
                .withEnv("KAFKA_NUM_PARTITIONS", Integer.toString(EmbeddedKafkaBroker.DEFAULT_PARTITIONS))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", Integer.toString(2 * 1024 * 1024));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
        return new ContainerKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void createTopics(Collection<TopicSpec> topics) {
        KafkaTopics.createTopics(bootstrapServers(), topics, TOPIC_TIMEOUT);
    }

    @Override
    public String uniqueTopic(String prefix) {
        return EmbeddedKafkaBroker.uniqueTopicName(prefix);
    }

    @Override
    public void restart() {
        throw new UnsupportedOperationException("restart() needs the embedded broker; this test got a Testcontainers "
                + "container (" + container.getDockerImageName() + "). Run with -D" + KafkaBrokerExtension.SELECTION_PROPERTY
                + "=embedded, or skip the test when !broker.isEmbedded()");
    }

    @Override
    public boolean isEmbedded() {
        return false;
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "ContainerKafkaBroker[" + container.getDockerImageName() + " at " + bootstrapServers() + "]";
    }
}
