package dev.lunar.telemetry.kafka.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;

/**
 * A receiver subscribed again (what the consumer kit does after a failed settlement) reads from the committed offsets
 * and hands over every record from there, whatever its previous subscription had fetched and not handed over.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ResubscriptionKafkaTest {

    @Test
    void aNewSubscriptionHandsOverEveryRecordFromTheCommittedOffset(KafkaBroker kafka) {
        String topic = kafka.uniqueTopic("again");
        kafka.createTopics(TopicSpec.topic(topic, 1));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
        }
        TopicClients.produce(kafka.bootstrapServers(), records);
        RecordReceiver receiver = KafkaRuntime.receiver(KafkaClientSettings.of(kafka.bootstrapServers()),
                ReceiverSettings.of(topic + "-group", topic + "-consumer", List.of(topic)).withMaxPollRecords(20));

        // the first subscription takes one record of a poll of 20 and ends: nothing acknowledged, nothing committed
        AcknowledgementLedger first = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        BaseSubscriber<ReceivedRecord> one = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }
        };
        receiver.receive(first, r -> r).subscribe(one);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.outstanding() == 1);
        one.dispose();

        AcknowledgementLedger second = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        List<Long> offsets = new CopyOnWriteArrayList<>();
        Disposable all = receiver.receive(second, r -> r).subscribe(r -> offsets.add(r.offset()));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> offsets.size() >= 80 && offsets.contains(99L));
            assertThat(offsets).as("every record from the committed offset (none: the first), in order")
                    .containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
        } finally {
            all.dispose();
        }
    }
}
