package dev.lunar.telemetry.kafka.embedded;

import java.util.Arrays;
import java.util.Collection;

/**
 * A running Kafka broker reachable on the loopback interface: either an {@link EmbeddedKafkaBroker} or (in
 * tests) a Testcontainers container. This is what {@code KafkaBrokerExtension} hands to tests.
 */
public interface KafkaBroker {

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:39041}. */
    String bootstrapServers();

    /**
     * Creates the topics that do not exist yet (existing topics are left as they are) and returns once every
     * partition of every named topic has a leader that accepts produce requests, so an idempotent producer
     * can send right away. See {@link KafkaTopics#createTopics}.
     */
    void createTopics(Collection<TopicSpec> topics);

    /** Varargs form of {@link #createTopics(Collection)}. */
    default void createTopics(TopicSpec... topics) {
        createTopics(Arrays.asList(topics));
    }

    /**
     * A topic name never returned before by this broker object: {@code <prefix>-<n>-<random>}. Only a name;
     * nothing is created.
     *
     * @param prefix a legal topic-name prefix ({@code [a-zA-Z0-9._-]})
     */
    String uniqueTopic(String prefix);

    /**
     * Stops the broker cleanly and starts it again on the same data directory and the same ports, keeping
     * all topics and records.
     *
     * @throws UnsupportedOperationException if this broker cannot be restarted (a container)
     */
    void restart();

    /** True for an in-process {@link EmbeddedKafkaBroker}, false for a container. */
    boolean isEmbedded();
}
