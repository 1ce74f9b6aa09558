package dev.lunar.telemetry.kafka.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower.MissingTopic;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A compacted topic followed as a table on a real broker: catch-up, live changes, tombstones, rejects, close. */
@ExtendWith(KafkaBrokerExtension.class)
class CompactedTopicFollowerTest {

    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final List<String> rejects = new CopyOnWriteArrayList<>();

    @Test
    void caughtUpMeansEverythingWrittenBeforeStartIsInTheTableThenFollowsLive(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopic("table");
        kafka.createTopics(TopicSpec.compactedTopic(topic, 3));
        List<ProducerRecord<byte[], byte[]>> before = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            before.add(record(topic, "k" + i, "v" + i));
        }
        before.add(record(topic, "k7", "v7-updated"));
        before.add(record(topic, "k8", null));
        TopicClients.produce(kafka.bootstrapServers(), before);

        try (CompactedTopicFollower<String> follower = follower(kafka, topic, MissingTopic.WAIT)) {
            follower.start();
            follower.caughtUp().get();

            assertThat(follower.size()).isEqualTo(49);
            assertThat(follower.get("k7")).contains("v7-updated");
            assertThat(follower.get("k8")).as("removed by its tombstone").isEmpty();
            assertThat(follower.status()).isEqualTo("following " + topic);

            TopicClients.produce(kafka.bootstrapServers(), List.of(record(topic, "k1", null),
                    record(topic, "late", "here")));
            await().atMost(Duration.ofSeconds(30)).until(() -> follower.get("late").isPresent());
            assertThat(follower.get("k1")).isEmpty();
            assertThat(changes).contains("k1=null", "late=here");
        }
    }

    @Test
    void aRejectedOrKeylessRecordKeepsThePreviousValue(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopic("rejects");
        // a compacted topic refuses keyless records; the follower reads any topic, so a plain one shows that case
        kafka.createTopics(TopicSpec.topic(topic, 1));
        TopicClients.produce(kafka.bootstrapServers(), List.of(record(topic, "a", "good"), record(topic, "a", "bad"),
                new ProducerRecord<>(topic, null, "orphan".getBytes(StandardCharsets.UTF_8))));

        try (CompactedTopicFollower<String> follower = follower(kafka, topic, MissingTopic.WAIT)) {
            follower.start();
            follower.caughtUp().get();

            assertThat(follower.get("a")).contains("good");
            assertThat(rejects).containsExactly(topic + "-0@1 a: refused by the test",
                    topic + "-0@2 null: the record has no key");
        }
    }

    @Test
    void aMissingTopicIsWaitedForOrCountsAsEmpty(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopic("later");
        try (CompactedTopicFollower<String> waiting = follower(kafka, topic, MissingTopic.WAIT);
                CompactedTopicFollower<String> empty = follower(kafka, topic, MissingTopic.EMPTY)) {
            waiting.start();
            empty.start();
            empty.caughtUp().get();
            assertThat(empty.size()).isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> waiting.status().equals("waiting for topic " + topic + " to exist"));
            assertThat(waiting.caughtUp()).isNotDone();

            kafka.createTopics(TopicSpec.compactedTopic(topic, 1));
            TopicClients.produce(kafka.bootstrapServers(), List.of(record(topic, "x", "1")));
            waiting.caughtUp().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting.get("x").isPresent()
                    && empty.get("x").isPresent());
        }
    }

    @Test
    void closeStopsTheThreadAndFailsAPendingCatchUp(KafkaBroker kafka) {
        String topic = kafka.uniqueTopic("never");
        CompactedTopicFollower<String> follower = follower(kafka, topic, MissingTopic.WAIT);
        follower.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> follower.status().startsWith("waiting"));

        follower.close();

        assertThat(follower.caughtUp()).isCompletedExceptionally();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("follower-" + topic));
    }

    private CompactedTopicFollower<String> follower(KafkaBroker kafka, String topic, MissingTopic missing) {
        return new CompactedTopicFollower<>(KafkaClientSettings.of(kafka.bootstrapServers()), "follower-" + topic,
                topic, (key, bytes) -> {
                    String value = new String(bytes, StandardCharsets.UTF_8);
                    if (value.equals("bad")) {
                        throw new RejectedRecord("refused by the test");
                    }
                    return value;
                }, new CompactedTopicFollower.Listener<>() {
                    @Override
                    public void changed(String key, String value) {
                        changes.add(key + "=" + value);
                    }

                    @Override
                    public void rejected(String where, String key, String reason) {
                        rejects.add(where + " " + key + ": " + reason);
                    }
                }, missing, Duration.ofSeconds(10));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
