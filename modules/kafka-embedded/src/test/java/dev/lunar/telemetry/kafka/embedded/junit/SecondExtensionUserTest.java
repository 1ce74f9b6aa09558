package dev.lunar.telemetry.kafka.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TestClients;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A second class using the extension: it must get the very same broker as the first. */
@ExtendWith(KafkaBrokerExtension.class)
class SecondExtensionUserTest {

    @Test
    void sharesTheBrokerWithOtherTestClasses(KafkaBroker broker) throws Exception {
        SharedBrokerRegistry.FIRST.compareAndSet(null, broker);
        assertThat(broker).isSameAs(SharedBrokerRegistry.FIRST.get());

        String topic = broker.uniqueTopic("second");
        broker.createTopics(TopicSpec.compactedTopic(topic, 1));
        try (Admin admin = TestClients.admin(broker.bootstrapServers())) {
            assertThat(admin.listTopics().names().get()).contains(topic);
        }
    }
}
