package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.kafka.runtime.guarantees.GuaranteeSuite;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * The runtime's guarantee suite against a consumer built on the kit: three instances, a member added, a rolling
 * restart and one stopped mid-stream, with settlements completing out of order (random delays).
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConsumerGuaranteesTest {

    @Test
    void aKitConsumerLosesNothingAndKeepsPerKeyOrder(KafkaBroker kafka) {
        String topic = kafka.uniqueTopic("guarantees-kit");
        kafka.createTopics(TopicSpec.topic(topic, 3), TopicSpec.topic(topic + ".dlq", 1));
        List<String> observed = new CopyOnWriteArrayList<>();
        GuaranteeSuite.Target target = new GuaranteeSuite.Target() {
            @Override
            public String name() {
                return "consumer kit";
            }

            @Override
            public String bootstrapServers() {
                return kafka.bootstrapServers();
            }

            @Override
            public String inputTopic() {
                return topic;
            }

            @Override
            public String groupId() {
                return topic + "-group";
            }

            @Override
            public byte[] encode(String key, String id) {
                EnrichedLog log = TestRecords.log(0);
                log.setHeader(EventHeader.newBuilder(log.getHeader()).setEventId(id).setProxyId(key).build());
                return TestRecords.CODEC.encode(log);
            }

            @Override
            public GuaranteeSuite.Member start() {
                TelemetryConsumer<EnrichedLog> consumer = TelemetryConsumer.builder("guarantees", EnrichedLog.class)
                        .kafka(KafkaClientSettings.of(kafka.bootstrapServers()))
                        .groupId(groupId())
                        .topic(topic, EnrichedLog.class)
                        .deadLetterTopic(topic + ".dlq")
                        .batching(50, 1_000_000, Duration.ofMillis(50))
                        .maxHeldRecords(200)
                        .shutdownTimeout(Duration.ofSeconds(10))
                        .handler(batch -> {
                            batch.forEach(r -> observed.add(r.getHeader().getEventId()));
                            // settlements complete out of order
                            return Mono.just(BatchResult.acceptedWhen(Mono.delay(Duration.ofMillis(
                                    ThreadLocalRandom.current().nextInt(1, 40))).then()));
                        })
                        .start();
                return new GuaranteeSuite.Member() {
                    @Override
                    public void close() {
                        consumer.close();
                    }

                    @Override
                    public void kill() {
                        // the kit has no crash hook: a stop that does not wait for held settlements
                        consumer.close();
                    }
                };
            }

            @Override
            public List<String> observed() {
                return List.copyOf(observed);
            }
        };
        new GuaranteeSuite(1200, 12).run(target, GuaranteeSuite.atLeastOnce(), GuaranteeSuite.perKeyOrder());
    }
}
