package dev.lunar.telemetry.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    @TempDir
    static Path dataDir;

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().port(0).dataDirectory(dataDir).build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void startsAndAnswersOnLoopback() throws Exception {
        assertThat(broker.isRunning()).isTrue();
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        assertThat(broker.startupTime()).isPositive();
        assertThat(broker.logDirectory()).isEqualTo(dataDir.toAbsolutePath().resolve("kafka"));
        assertThat(broker.logDirectory().resolve("meta.properties")).exists();
        try (Admin admin = TestClients.admin(broker.bootstrapServers())) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1)
                    .allSatisfy(node -> {
                        assertThat(node.host()).isEqualTo("127.0.0.1");
                        assertThat(node.port()).isEqualTo(broker.port());
                    });
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.clusterId());
        }
    }

    @Test
    void portZeroPicksFreePortsThatTheBrokerThenHolds() {
        assertThat(broker.port()).isPositive().isNotEqualTo(EmbeddedKafkaBroker.DEFAULT_PORT);
        assertThat(broker.controllerPort()).isPositive().isNotEqualTo(broker.port());
        for (int port : new int[] {broker.port(), broker.controllerPort()}) {
            assertThatThrownBy(() -> {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                }
            }).as("port %d is bound by the broker", port).isInstanceOf(IOException.class);
        }
    }

    @Test
    void createTopicsMakesCompactedAndPartitionedTopicsAndIsIdempotent() throws Exception {
        String compacted = broker.uniqueTopic("tenants");
        String partitioned = broker.uniqueTopic("proxy.logs");
        List<TopicSpec> specs = List.of(
                TopicSpec.compactedTopic(compacted, 3).withConfig(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "1000"),
                TopicSpec.topic(partitioned, 6));

        broker.createTopics(specs);
        broker.createTopics(specs); // existing topics are fine
        broker.createTopics(TopicSpec.topic(partitioned, 2)); // an existing topic is left as it is

        try (Admin admin = TestClients.admin(broker.bootstrapServers())) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(compacted, partitioned)).allTopicNames().get();
            assertThat(topics.get(compacted).partitions()).hasSize(3);
            assertThat(topics.get(partitioned).partitions()).hasSize(6)
                    .allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(EmbeddedKafkaBroker.NODE_ID));

            ConfigResource compactedResource = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
            ConfigResource partitionedResource = new ConfigResource(ConfigResource.Type.TOPIC, partitioned);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(compactedResource, partitionedResource)).all().get();
            assertThat(configs.get(compactedResource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(configs.get(compactedResource).get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).value()).isEqualTo("1000");
            assertThat(configs.get(partitionedResource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("delete");
        }
    }

    @Test
    void idempotentProducerRightAfterCreateTopicsReachesEveryPartition() throws Exception {
        String topic = broker.uniqueTopic("right-after-create");
        broker.createTopics(TopicSpec.topic(topic, 6));

        List<RecordMetadata> acks = TestClients.produce(broker.bootstrapServers(), topic, 6, 50);

        assertThat(acks).hasSize(300);
        assertThat(acks.stream().map(RecordMetadata::partition).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        List<ConsumerRecord<String, String>> records = TestClients.consumeAll(broker.bootstrapServers(), topic, 6, 300);
        assertThat(records).hasSize(300);
        for (int p = 0; p < 6; p++) {
            int partition = p;
            List<String> values = records.stream().filter(r -> r.partition() == partition).map(ConsumerRecord::value).toList();
            assertThat(values).as("partition %d in order, nothing lost or duplicated", p)
                    .hasSize(50)
                    .first().isEqualTo("value-" + p + "-0");
            assertThat(values).last().isEqualTo("value-" + p + "-49");
            assertThat(records.stream().filter(r -> r.partition() == partition).map(ConsumerRecord::offset).toList())
                    .isSorted().startsWith(0L).endsWith(49L);
        }
        assertThat(records).allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
    }

    @Test
    void defaultPartitionsAppliesToTopicsCreatedWithoutACount() throws Exception {
        String topic = broker.uniqueTopic("defaulted");
        try (Admin admin = TestClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, java.util.Optional.empty(),
                    java.util.Optional.empty()))).all().get();
            // a bare CreateTopics returns before the broker's metadata cache has the topic: wait for it
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions())
                            .hasSize(EmbeddedKafkaBroker.DEFAULT_PARTITIONS));
        }
    }

    @Test
    void fixedPortInUseFailsWithAClearMessage(@TempDir Path otherDir) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            EmbeddedKafkaBroker clash = EmbeddedKafkaBroker.builder().port(port).dataDirectory(otherDir).build();
            try {
                assertThatThrownBy(clash::start)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("failed to start on 127.0.0.1:" + port);
                assertThat(clash.isRunning()).isFalse();
            } finally {
                clash.close();
            }
        }
    }

    @Test
    void methodsNeedingAStartedBrokerSaySo() {
        EmbeddedKafkaBroker notStarted = EmbeddedKafkaBroker.builder().port(0).build();
        assertThatThrownBy(notStarted::bootstrapServers).isInstanceOf(IllegalStateException.class).hasMessageContaining("start");
        assertThatThrownBy(() -> notStarted.createTopics(TopicSpec.topic("x", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("start");
        notStarted.close();
        assertThatThrownBy(notStarted::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
