package dev.lunar.telemetry.kafka.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link BacklogPauses} on a real consumer, driven the way Reactor Kafka 1.3's event loop drives the consumer it was
 * given, in every order the runtime's own pauses and releases can fall between Reactor Kafka's.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BacklogPausesTest {

    private static final int RUNS = 2_000;
    private static final int STEPS = 24;

    @Test
    void aPartitionIsPausedExactlyWhileHeldBackOrWhileNothingAsksForRecords(KafkaBroker kafka) {
        String topic = kafka.uniqueTopic("pauses");
        kafka.createTopics(TopicSpec.topic(topic, 3));
        List<TopicPartition> all = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                new TopicPartition(topic, 2));
        KafkaClientSettings client = KafkaClientSettings.of(kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> real = new KafkaConsumer<>(client.consumer(topic + "-group", topic))) {
            real.assign(all);
            Random random = new Random(20261204L);
            for (int run = 0; run < RUNS; run++) {
                real.resume(all);
                BacklogPauses pauses = new BacklogPauses(real);
                EventLoop loop = new EventLoop(pauses.consumer());
                Set<TopicPartition> heldBack = new HashSet<>();
                List<String> steps = new ArrayList<>();
                for (int step = 0; step < STEPS; step++) {
                    TopicPartition p = all.get(random.nextInt(all.size()));
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            pauses.holdBack(List.of(p));
                            heldBack.add(p);
                            steps.add("hold back " + p.partition());
                        }
                        case 1 -> {
                            pauses.release(List.of(p));
                            heldBack.remove(p);
                            steps.add("release " + p.partition());
                        }
                        case 2 -> {
                            loop.noDemand();
                            steps.add("no demand");
                        }
                        default -> {
                            loop.demand();
                            steps.add("demand");
                        }
                    }
                    Set<TopicPartition> expected = loop.pausedForBackPressure ? Set.copyOf(all) : heldBack;
                    assertThat(real.paused()).as("paused after %s", steps).isEqualTo(expected);
                }
            }
        }
    }

    /**
     * What Reactor Kafka 1.3.25's {@code ConsumerEventLoop.PollEvent} does before each poll: with no demand it adds
     * the partitions already paused to those it leaves to its user and pauses every partition; with demand again it
     * resumes every partition but those.
     */
    private static final class EventLoop {
        private final Consumer<?, ?> consumer;
        private final Set<TopicPartition> pausedByUser = new HashSet<>();
        boolean pausedForBackPressure;

        EventLoop(Consumer<?, ?> consumer) {
            this.consumer = consumer;
        }

        void noDemand() {
            if (!pausedForBackPressure) {
                pausedForBackPressure = true;
                pausedByUser.addAll(consumer.paused());
                consumer.pause(consumer.assignment());
            }
        }

        void demand() {
            if (pausedForBackPressure) {
                pausedForBackPressure = false;
                Set<TopicPartition> toResume = new HashSet<>(consumer.assignment());
                toResume.removeAll(pausedByUser);
                pausedByUser.clear();
                consumer.resume(toResume);
            }
        }
    }
}
