package dev.lunar.telemetry.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Measures KAFKA-15591 (idempotent producer losing records right after topic creation), with and without
 * the leader wait in {@link KafkaTopics}. The normal run does a few rounds of the waited path only, as a
 * regression test; the long form also measures the unwaited path (which loses records in most rounds):
 * {@code mvn verify -pl modules/kafka-embedded -Dtest=Kafka15591StressTest -Dlunar.stress.rounds=30
 * -Dlunar.stress.raw=true -Dlunar.stress.restarts=20}.
 */
class Kafka15591StressTest {

    private static final int PARTITIONS = 6;
    private static final int RECORDS = 3000;

    @Test
    void idempotentProduceRightAfterCreateTopics() throws Exception {
        int rounds = Integer.getInteger("lunar.stress.rounds", 5);
        boolean raw = Boolean.getBoolean("lunar.stress.raw");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).build().start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            int failedRoundsWithout = 0;
            int failedRoundsWith = 0;
            long lostWithout = 0;
            long lostWith = 0;
            for (int round = 0; round < rounds; round++) {
                if (raw) {
                    String plain = broker.uniqueTopic("stress-raw");
                    admin.createTopics(List.of(new NewTopic(plain, Optional.of(PARTITIONS), Optional.empty()))).all().get();
                    long lost = produce(broker.bootstrapServers(), plain);
                    failedRoundsWithout += lost > 0 ? 1 : 0;
                    lostWithout += lost;
                }
                String waited = broker.uniqueTopic("stress-waited");
                broker.createTopics(TopicSpec.topic(waited, PARTITIONS));
                long lost = produce(broker.bootstrapServers(), waited);
                failedRoundsWith += lost > 0 ? 1 : 0;
                lostWith += lost;
            }
            System.out.printf("KAFKA-15591 stress, %d rounds of %d records into %d partitions:%n"
                            + "  raw Admin.createTopics:      %s rounds lost records (%d records)%n"
                            + "  KafkaTopics (leader wait):   %d rounds lost records (%d records)%n",
                    rounds, RECORDS, PARTITIONS, raw ? Integer.toString(failedRoundsWithout) : "(skipped)", lostWithout, failedRoundsWith, lostWith);
            assertThat(failedRoundsWith).isZero();
        }
    }

    @Test
    void idempotentProduceRightAfterRestart() throws Exception {
        int rounds = Integer.getInteger("lunar.stress.restarts", 3);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).build().start()) {
            String topic = broker.uniqueTopic("stress-restart");
            broker.createTopics(TopicSpec.topic(topic, PARTITIONS));
            int failedRounds = 0;
            long lostTotal = 0;
            for (int round = 0; round < rounds; round++) {
                broker.restart();
                long lost = produce(broker.bootstrapServers(), topic);
                failedRounds += lost > 0 ? 1 : 0;
                lostTotal += lost;
            }
            System.out.printf("KAFKA-15591 stress after restart, %d restarts, %d records each: %d rounds lost records (%d records)%n",
                    rounds, RECORDS, failedRounds, lostTotal);
            assertThat(failedRounds).isZero();
        }
    }

    private static long produce(String bootstrap, String topic) throws InterruptedException {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.BATCH_SIZE_CONFIG, 256,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000);
        long lost = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, new byte[100])));
            }
            for (Future<RecordMetadata> send : sends) {
                try {
                    send.get();
                } catch (ExecutionException e) {
                    lost++;
                }
            }
        }
        return lost;
    }
}
