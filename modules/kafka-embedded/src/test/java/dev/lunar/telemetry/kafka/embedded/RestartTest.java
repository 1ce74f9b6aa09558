package dev.lunar.telemetry.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {

    @Test
    void restartOnTheSameDataDirectoryKeepsTopicsAndRecords(@TempDir Path dataDir) throws Exception {
        String topic;
        String clusterId;
        int port;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).dataDirectory(dataDir).build().start()) {
            topic = broker.uniqueTopic("survives-restart");
            broker.createTopics(TopicSpec.compactedTopic(topic, 3));
            TestClients.produce(broker.bootstrapServers(), topic, 3, 20);
            clusterId = broker.clusterId();
            port = broker.port();

            broker.restart(); // same object: same ports, same directory

            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.port()).isEqualTo(port);
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            assertThat(values(TestClients.consumeAll(broker.bootstrapServers(), topic, 3, 60))).hasSize(60);
            TestClients.produce(broker.bootstrapServers(), topic, 3, 10);
        }

        // a new broker object on the same directory (what the fault suite does), with fresh ports
        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().port(0).dataDirectory(dataDir).build().start()) {
            assertThat(again.clusterId()).isEqualTo(clusterId);
            List<ConsumerRecord<String, String>> records = TestClients.consumeAll(again.bootstrapServers(), topic, 3, 90);
            assertThat(values(records)).hasSize(90).contains("value-0-0", "value-2-19", "value-1-9");
            again.createTopics(TopicSpec.compactedTopic(topic, 3)); // still there: a no-op
        }
        assertThat(dataDir.resolve("kafka").resolve("meta.properties")).exists(); // a given directory is never deleted
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
