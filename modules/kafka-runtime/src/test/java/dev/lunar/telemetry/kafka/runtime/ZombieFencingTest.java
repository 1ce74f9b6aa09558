package dev.lunar.telemetry.kafka.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Exactly-once fenced by the consumer group (KIP-447), through the runtime: the receiver hands out the consumer's
 * real group metadata, and a transaction whose offsets carry an older generation's metadata — a zombie that lost its
 * partitions in a rebalance — is refused by the broker, while the current generation's commits go through.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ZombieFencingTest {

    @Test
    void theBrokerRefusesOffsetsCommittedWithAnOlderGenerationsMetadata(KafkaBroker kafka) {
        String topic = kafka.uniqueTopic("zombie");
        String out = topic + ".out";
        String group = topic + "-group";
        kafka.createTopics(TopicSpec.topic(topic, 2), TopicSpec.topic(out, 1));
        TopicClients.produce(kafka.bootstrapServers(), List.of(new ProducerRecord<>(topic, 0, null, new byte[] {1})));
        KafkaClientSettings client = KafkaClientSettings.of(kafka.bootstrapServers());

        RecordReceiver receiver = KafkaRuntime.receiver(client, ReceiverSettings.of(group, topic + "-a", List.of(topic))
                .withTransactional(true));
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        AtomicReference<ReceivedRecord> first = new AtomicReference<>();
        Disposable reading = receiver.receive(ledger).subscribe(r -> {
            first.compareAndSet(null, r);
            ledger.done(r.ticket());
        });
        try (RecordSender<String> sender = KafkaRuntime.sender(client,
                new SenderSettings(topic + "-tx", 16, topic + "-tx", Duration.ofSeconds(10), null))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.get() != null);
            ConsumerGroupMetadata old = receiver.groupMetadata().block(Duration.ofSeconds(30));
            assertThat(old.generationId()).as("the consumer's real generation, read on its thread").isPositive();
            assertThat(old.memberId()).isNotEmpty();

            // another member joins: the group moves to a new generation
            try (KafkaConsumer<byte[], byte[]> joiner = new KafkaConsumer<>(client.consumer(group, topic + "-b"))) {
                joiner.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    joiner.poll(Duration.ofMillis(100));
                    return !joiner.assignment().isEmpty()
                            && receiver.groupMetadata().block(Duration.ofSeconds(30)).generationId()
                            > old.generationId();
                });
                Map<TopicPartition, Long> offsets = Map.of(new TopicPartition(topic, 0), 1L);

                Throwable refused = catchThrowable(() -> sender.commitTransaction(
                        List.of(new OutgoingRecord<>(out, null, "zombie".getBytes(), List.of(), "zombie")), offsets,
                        Mono.just(old)).block(Duration.ofSeconds(60)));

                assertThat(refused).as("a commit with generation %d's metadata", old.generationId()).isNotNull();
                Throwable cause = refused;
                while (cause.getCause() != null && !(cause instanceof CommitFailedException
                        || cause instanceof IllegalGenerationException || cause instanceof FencedInstanceIdException
                        || cause instanceof UnknownMemberIdException)) {
                    cause = cause.getCause();
                }
                assertThat(cause).as("the broker's answer: %s", refused.toString())
                        .isInstanceOfAny(CommitFailedException.class, IllegalGenerationException.class,
                                FencedInstanceIdException.class, UnknownMemberIdException.class);
                assertThat(TopicClients.committed(kafka.bootstrapServers(), group)).as("no offsets committed")
                        .isEmpty();
                assertThat(readCommitted(client, out)).as("the aborted transaction's record is not visible").isZero();

                // the same transaction with the current generation's metadata goes through
                sender.commitTransaction(List.of(new OutgoingRecord<>(out, null, "live".getBytes(), List.of(),
                        "live")), offsets, receiver.groupMetadata()).block(Duration.ofSeconds(60));
                assertThat(readCommitted(client, out)).isEqualTo(1);
            }
        } finally {
            reading.dispose();
        }
    }

    /** Records of {@code topic} a read_committed consumer sees (the runtime's consumer defaults). */
    private static int readCommitted(KafkaClientSettings client, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client.consumer(topic + "-reader",
                topic + "-reader"))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            int seen = 0;
            while (consumer.position(tp) < end) {
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
            return seen;
        }
    }
}
