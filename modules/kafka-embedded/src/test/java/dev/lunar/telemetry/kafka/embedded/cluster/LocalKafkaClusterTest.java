package dev.lunar.telemetry.kafka.embedded.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes on loopback: replicated as compose.yaml, and every acknowledged record survives kill -9 of a
 * partition leader, kill -9 of the active controller and a rolling restart.
 */
class LocalKafkaClusterTest {

    private static final int PARTITIONS = 3;

    @Test
    void threeNodeClusterKeepsEveryAcknowledgedRecordThroughLeaderAndControllerKillsAndARollingRestart(
            @TempDir Path dir) throws Exception {
        try (LocalKafkaCluster cluster = LocalKafkaCluster.builder().dataDirectory(dir).build().start()) {
            String topic = cluster.uniqueTopic("replicated");
            cluster.createTopics(TopicSpec.topic(topic, PARTITIONS));

            assertThat(cluster.describeNodes()).extracting(n -> n.id()).containsExactlyInAnyOrder(1, 2, 3);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                TopicDescription described = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                assertThat(described.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
            }

            Set<String> sent = new HashSet<>(produce(cluster.bootstrapServers(), topic, "before"));

            TopicPartition first = new TopicPartition(topic, 0);
            int leader = cluster.leaderOf(first);
            cluster.kill(leader);
            assertThat(cluster.isRunning(leader)).isFalse();
            await("a new leader of " + first).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(cluster.leaderOf(first)).isNotIn(leader, -1));
            sent.addAll(produce(cluster.bootstrapServers(), topic, "leader-down"));
            cluster.start(leader);
            cluster.awaitFullIsr();
            assertThat(cluster.underReplicated()).isEmpty();

            int controller = cluster.activeController();
            cluster.kill(controller);
            await("a new active controller").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(cluster.activeController()).isNotIn(controller, -1));
            sent.addAll(produce(cluster.bootstrapServers(), topic, "controller-down"));
            cluster.start(controller);
            cluster.awaitFullIsr();

            cluster.restart(); // rolling: each node stopped, started, back in every ISR before the next
            sent.addAll(produce(cluster.bootstrapServers(), topic, "after-rolling-restart"));

            assertThat(sent).hasSize(4 * 30 * PARTITIONS);
            assertThat(consumeAll(cluster.bootstrapServers(), topic, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
            // the consumer group above created the offsets topic: replicated like the data
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                TopicDescription offsets = admin.describeTopics(List.of("__consumer_offsets")).allTopicNames().get()
                        .get("__consumer_offsets");
                assertThat(offsets.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            }
        }
    }

    /** 30 records per partition, values {@code <label>-<partition>-<i>}, acks=all; returns once all are acknowledged. */
    private static List<String> produce(String bootstrap, String topic, String label) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 90_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    String value = label + "-" + p + "-" + i;
                    sends.add(producer.send(new ProducerRecord<>(topic, p, "key-" + p, value)));
                    values.add(value);
                }
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(120, TimeUnit.SECONDS);
            }
        }
        return values;
    }

    private static List<String> consumeAll(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-test-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("all " + expected + " records").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= expected;
            });
            consumer.commitSync();
        }
        return values;
    }
}
