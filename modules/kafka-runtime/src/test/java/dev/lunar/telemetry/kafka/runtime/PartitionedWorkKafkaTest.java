package dev.lunar.telemetry.kafka.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;

/** Partitions processed independently, on a real broker: one slow record delays only its own partition. */
@ExtendWith(KafkaBrokerExtension.class)
class PartitionedWorkKafkaTest {

    @Test
    void aSlowRecordDelaysOnlyItsPartitionWhoseLaterRecordsFollowInOrder(KafkaBroker kafka) throws Exception {
        String topic = kafka.uniqueTopic("slow");
        kafka.createTopics(TopicSpec.topic(topic, 3));
        KafkaClientSettings client = KafkaClientSettings.of(kafka.bootstrapServers());
        RecordReceiver receiver = KafkaRuntime.receiver(client,
                ReceiverSettings.of(topic + "-group", topic + "-consumer", List.of(topic))
                        .withCommitInterval(Duration.ofMillis(100)));
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        Scheduler workers = KafkaRuntime.workers("slow-test", 3);
        CountDownLatch release = new CountDownLatch(1);
        Map<Integer, List<String>> processed = new ConcurrentHashMap<>();
        // the first record of partition 0 ("p0-0") takes as long as the test wants (minutes, in the issue)
        Disposable run = PartitionedWork.inOrderPerPartition(receiver.receive(ledger),
                        ReceivedRecord::topicPartition, r -> {
                            String value = new String(r.value(), StandardCharsets.UTF_8);
                            if (value.equals("p0-0")) {
                                awaitQuietly(release);
                            }
                            processed.computeIfAbsent(r.partition(), p -> new CopyOnWriteArrayList<>()).add(value);
                            return r;
                        }, workers, 1024, 64, PartitionedWork.Pauser.of(receiver))
                .subscribe(r -> ledger.done(r.ticket()));
        try {
            TopicClients.produce(kafka.bootstrapServers(), List.of(record(topic, 0, 0)));
            // 20 ordinary records per partition, sent after the slow one arrived
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.outstanding() == 1);
            List<ProducerRecord<byte[], byte[]>> ordinary = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                for (int p = 0; p < 3; p++) {
                    ordinary.add(record(topic, p, i));
                }
            }
            TopicClients.produce(kafka.bootstrapServers(), ordinary);

            await().atMost(Duration.ofSeconds(60)).until(() -> processed.getOrDefault(1, List.of()).size() == 20
                    && processed.getOrDefault(2, List.of()).size() == 20);
            assertThat(processed.getOrDefault(0, List.of())).as("partition 0 waits for its slow record").isEmpty();
            assertThat(TopicClients.committed(kafka.bootstrapServers(), topic + "-group"))
                    .as("partition 0's offset is not committed past the unfinished record")
                    .doesNotContainKey(new org.apache.kafka.common.TopicPartition(topic, 0));

            release.countDown();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i <= 20; i++) {
                expected.add("p0-" + i);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> processed.getOrDefault(0, List.of()).size() == 21);
            assertThat(processed.get(0)).as("partition 0 in offset order, the slow record first")
                    .containsExactlyElementsOf(expected);
            assertThat(processed.get(1)).isSorted();
            await().atMost(Duration.ofSeconds(30)).until(() -> TopicClients.committed(kafka.bootstrapServers(),
                    topic + "-group").getOrDefault(new org.apache.kafka.common.TopicPartition(topic, 0), 0L) == 21L);
        } finally {
            release.countDown();
            run.dispose();
            workers.dispose();
        }
    }

    /**
     * A partition released from its backlog pause while nothing downstream asks for records is not fetched: Reactor
     * Kafka had paused everything for lack of demand, and it buffers whatever it polls without bound. Before the
     * fix the released partitions were fetched to their end here (2,000 records polled, 1 asked for).
     */
    @Test
    void aReleasedPartitionIsNotFetchedWhileNothingAsksForRecords(KafkaBroker kafka) {
        String topic = kafka.uniqueTopic("release");
        kafka.createTopics(TopicSpec.topic(topic, 2));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            records.add(record(topic, 0, i));
            records.add(record(topic, 1, i));
        }
        TopicClients.produce(kafka.bootstrapServers(), records);
        int maxPoll = 20;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecordReceiver receiver = KafkaRuntime.receiver(KafkaClientSettings.of(kafka.bootstrapServers()),
                ReceiverSettings.of(topic + "-group", topic + "-consumer", List.of(topic))
                        .withMaxPollRecords(maxPoll).withRegistry(registry));
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        List<TopicPartition> both = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        BaseSubscriber<ReceivedRecord> downstream = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }
        };
        receiver.receive(ledger, r -> r).subscribe(downstream);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.outstanding() == 1);
            // what PartitionedWork does with a partition whose backlog grew, then shrank
            receiver.pause(both).block(Duration.ofSeconds(30));
            receiver.resume(both).block(Duration.ofSeconds(30));

            // the consumer keeps polling meanwhile; what it fetched stays what Reactor Kafka asked for ahead
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> polled(registry) <= 5 * maxPoll);

            downstream.request(Long.MAX_VALUE);
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.outstanding() == 2000);
        } finally {
            downstream.dispose();
        }
    }

    /** Records the consumer's polls returned, from its own metric. */
    private static double polled(SimpleMeterRegistry registry) {
        return registry.find("kafka.consumer.fetch.manager.records.consumed.total").functionCounters().stream()
                .filter(c -> c.getId().getTag("topic") == null)
                .mapToDouble(FunctionCounter::count).sum();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, int n) {
        // values sort like their offsets within a partition: p1-01 < p1-02 ...
        String value = partition == 0 ? "p0-" + n : "p" + partition + "-" + String.format("%02d", n);
        return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
    }
}
