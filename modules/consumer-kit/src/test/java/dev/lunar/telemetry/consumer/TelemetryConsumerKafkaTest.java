package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.DeadLetterHeaders;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.embedded.junit.TopicClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/** The delivery contract against a real broker: commits, dead letters, outage, graceful shutdown. */
@ExtendWith(KafkaBrokerExtension.class)
class TelemetryConsumerKafkaTest {

    private record Topics(String source, String deadLetters, String group) {}

    private static Topics topics(KafkaBroker kafka) {
        Topics t = new Topics(kafka.uniqueTopic("telemetry.logs"), kafka.uniqueTopic("dlq"), kafka.uniqueTopic("group"));
        kafka.createTopics(TopicSpec.topic(t.source(), 3), TopicSpec.topic(t.deadLetters(), 1));
        return t;
    }

    private static List<ProducerRecord<byte[], byte[]>> logs(String topic, int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> new ProducerRecord<>(topic, TestRecords.key(i), TestRecords.encoded(i))).toList();
    }

    private static TelemetryConsumer.Builder<EnrichedLog> consumer(KafkaBroker kafka, Topics t,
                                                                   BatchHandler<EnrichedLog> handler) {
        return TelemetryConsumer.builder("kit-it", EnrichedLog.class)
                .kafka(KafkaClientSettings.of(kafka.bootstrapServers()))
                .groupId(t.group())
                .topic(t.source(), EnrichedLog.class)
                .deadLetterTopic(t.deadLetters())
                .batching(50, 1_000_000, Duration.ofMillis(100))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .handler(handler);
    }

    @Test
    void deliversEveryRecordDeadLettersBadBytesWithTheReasonAndCommitsToTheEnd(KafkaBroker kafka) {
        Topics t = topics(kafka);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(logs(t.source(), 0, 300));
        records.add(new ProducerRecord<>(t.source(), 0, "proxy-x".getBytes(StandardCharsets.UTF_8),
                "garbage".getBytes(StandardCharsets.UTF_8)));
        TopicClients.produce(kafka.bootstrapServers(), records);
        Set<Integer> delivered = ConcurrentHashMap.newKeySet();

        try (TelemetryConsumer<EnrichedLog> consumer = consumer(kafka, t, batch -> {
            batch.forEach(r -> delivered.add(TestRecords.number(r)));
            return Mono.just(BatchResult.accepted());
        }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 300);
            await().until(() -> consumer.inFlightRecords() == 0);
        }

        assertThat(TopicClients.committed(kafka.bootstrapServers(), t.group()))
                .isEqualTo(TopicClients.nonEmpty(TopicClients.endOffsets(kafka.bootstrapServers(), t.source())));
        List<ConsumerRecord<byte[], byte[]>> letters = TopicClients.readAll(kafka.bootstrapServers(), t.deadLetters(), 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("garbage");
            assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(t.source());
            assertThat(header(letter, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("decode");
            assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("NOT_SINGLE_OBJECT");
        });
    }

    @Test
    void aLongOutageLosesNothingCommitsNothingAndHoldsABoundedNumberOfRecords(KafkaBroker kafka) {
        Topics t = topics(kafka);
        int backlog = 3_000;
        TopicClients.produce(kafka.bootstrapServers(), logs(t.source(), 0, backlog));
        AtomicBoolean destinationUp = new AtomicBoolean(false);
        AtomicInteger failedCalls = new AtomicInteger();
        Set<Integer> delivered = ConcurrentHashMap.newKeySet();

        try (TelemetryConsumer<EnrichedLog> consumer = consumer(kafka, t, batch -> {
            if (!destinationUp.get()) {
                failedCalls.incrementAndGet();
                return Mono.just(BatchResult.retry("503 Service Unavailable"));
            }
            batch.forEach(r -> delivered.add(TestRecords.number(r)));
            return Mono.just(BatchResult.accepted());
        }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> failedCalls.get() >= 40 && consumer.lag() > 0);
            assertThat(consumer.maxInFlightRecords()).isPositive().isLessThanOrEqualTo(consumer.inFlightBound());
            assertThat(consumer.inFlightBound()).isLessThan(backlog);
            assertThat(TopicClients.committed(kafka.bootstrapServers(), t.group())).isEmpty();
            assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.RETRYING);

            destinationUp.set(true);
            await().atMost(Duration.ofSeconds(60)).until(() -> delivered.size() == backlog);
            assertThat(consumer.maxInFlightRecords()).isLessThanOrEqualTo(consumer.inFlightBound());
        }
        assertThat(TopicClients.committed(kafka.bootstrapServers(), t.group()))
                .isEqualTo(TopicClients.nonEmpty(TopicClients.endOffsets(kafka.bootstrapServers(), t.source())));
    }

    @Test
    void afterAGracefulCloseTheNextConsumerOfTheGroupGetsOnlyNewRecords(KafkaBroker kafka) {
        Topics t = topics(kafka);
        TopicClients.produce(kafka.bootstrapServers(), logs(t.source(), 0, 100));
        List<Integer> first = new CopyOnWriteArrayList<>();
        try (TelemetryConsumer<EnrichedLog> consumer = consumer(kafka, t, batch -> {
            batch.forEach(r -> first.add(TestRecords.number(r)));
            return Mono.just(BatchResult.accepted());
        }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> first.size() >= 100);
            assertThat(consumer.health().isHealthy()).isTrue();
        }

        TopicClients.produce(kafka.bootstrapServers(), logs(t.source(), 100, 150));
        List<Integer> second = new CopyOnWriteArrayList<>();
        try (TelemetryConsumer<EnrichedLog> consumer = consumer(kafka, t, batch -> {
            batch.forEach(r -> second.add(TestRecords.number(r)));
            return Mono.just(BatchResult.accepted());
        }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.size() >= 50);
            assertThat(consumer.health().isHealthy()).isTrue();
        }
        assertThat(first).hasSize(100);
        assertThat(second.stream().sorted().collect(Collectors.toList()))
                .isEqualTo(IntStream.range(100, 150).boxed().toList());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
