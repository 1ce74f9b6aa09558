package dev.lunar.telemetry.kafka.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TestClients;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionTest {

    private final KafkaBroker constructorBroker;

    KafkaBrokerExtensionTest(KafkaBroker broker) {
        this.constructorBroker = broker;
    }

    @BeforeAll
    static void oneBrokerPerJvm(KafkaBroker broker) {
        SharedBrokerRegistry.FIRST.compareAndSet(null, broker);
        assertThat(broker).isSameAs(SharedBrokerRegistry.FIRST.get());
    }

    @Test
    void givesAWorkingBrokerOnLoopback(KafkaBroker broker) throws Exception {
        assertThat(broker).isSameAs(constructorBroker);
        if (broker.isEmbedded()) {
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
        }
        String topic = broker.uniqueTopic("ext");
        broker.createTopics(TopicSpec.topic(topic, 6));
        TestClients.produce(broker.bootstrapServers(), topic, 6, 5);
        List<ConsumerRecord<String, String>> records = TestClients.consumeAll(broker.bootstrapServers(), topic, 6, 30);
        assertThat(records).hasSize(30);
    }

    @Test
    void uniqueTopicNamesAreDistinct(KafkaBroker broker) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(broker.uniqueTopic("same-prefix"));
        }
        assertThat(names).hasSize(1000).allMatch(name -> name.startsWith("same-prefix-"));
    }

    @Test
    void restartKeepsDataOnTheEmbeddedBrokerAndIsRefusedByAContainer(KafkaBroker broker) throws Exception {
        if (!broker.isEmbedded()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(broker::restart)
                    .isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        String topic = broker.uniqueTopic("ext-restart");
        broker.createTopics(TopicSpec.topic(topic, 2));
        TestClients.produce(broker.bootstrapServers(), topic, 2, 3);
        String bootstrap = broker.bootstrapServers();

        broker.restart();

        assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
        assertThat(TestClients.consumeAll(broker.bootstrapServers(), topic, 2, 6)).hasSize(6);
    }
}
