package dev.lunar.telemetry.proxysim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.ConfigFile;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.LatencyBucket;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TelemetryPublisherTest {

    private final KafkaBroker broker;
    private String proxyId;

    TelemetryPublisherTest(KafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void rawTopicsExist() {
        RawTopics.create(broker);
        proxyId = broker.uniqueTopic("px");
    }

    private TelemetryPublisher publisher() {
        return TelemetryPublisher.create(PublisherSettings.builder(broker.bootstrapServers())
                .proxyId(proxyId).proxyVersion("1.5.0").apiKey("lk_live_TestKey000000000001").tag("env", "test")
                .deliveryTimeout(Duration.ofSeconds(30)).build());
    }

    @Test
    void eachKindGoesToItsRawTopicKeyedByProxyIdAndReadsBackEqual() throws Exception {
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
        try (TelemetryPublisher telemetry = publisher()) {
            List<SpecificRecordBase> events = List.of(
                    telemetry.log().setLevel("INFO").setLogger("engine").setMessage("policies loaded").build(),
                    telemetry.resourceUsage().setIntervalMillis(10_000).setHost(HostStats.newBuilder()
                            .setCpuPercent(12.5).setMemoryUsedBytes(1 << 30).setMemoryTotalBytes(8L << 30)
                            .setDiskWriteBytes(4096).setDiskUsedBytes(10L << 30).setDiskTotalBytes(100L << 30).build())
                            .build(),
                    telemetry.heartbeat().setStartedAt(t0).setUptimeSeconds(60).setRestarts(1)
                            .setUnexpectedRestarts(0).setEnvironment(Map.of("TZ", "UTC")).build(),
                    telemetry.policySnapshot().setFiles(List.of(ConfigFile.newBuilder().setFileName("policies.yaml")
                            .setFileType("policies").setContent("global: {}\n").build())).build(),
                    telemetry.endpointStats().setWindowStart(t0).setWindowEnd(t0.plusSeconds(60))
                            .setEndpoint(EndpointRef.newBuilder().setMethod("GET").setHost("api.github.com")
                                    .setPathTemplate("/user").build())
                            .setCount(2).setStatusCodes(Map.of("200", 2L)).setLatencySumMs(30).setLatencyMinMs(10)
                            .setLatencyMaxMs(20).setTotalDurationSumMs(34)
                            .setLatencyBuckets(List.of(LatencyBucket.newBuilder().setUpperBoundMs(25).setCount(2)
                                    .build())).build());

            List<RecordMetadata> acknowledged = new ArrayList<>();
            for (SpecificRecordBase event : events) {
                acknowledged.add(telemetry.publishAny(event).get(60, TimeUnit.SECONDS));
            }

            for (int i = 0; i < events.size(); i++) {
                EventKind kind = EventKind.values()[i];
                RecordMetadata metadata = acknowledged.get(i);
                ConsumerRecord<String, byte[]> record = readOne(metadata);
                assertThat(metadata.topic()).isEqualTo(kind.rawTopic());
                assertThat(record.key()).isEqualTo(proxyId);
                assertThat(AvroCodec.of(kind.rawType()).decode(record.value())).isEqualTo(events.get(i));
            }
        }
    }

    @Test
    void buildersStampTheProxysHeaderAndTags() {
        try (TelemetryPublisher telemetry = publisher()) {
            ProxyLog log = telemetry.log().setLevel("INFO").setLogger("engine").setMessage("m").build();

            assertThat(log.getHeader().getProxyId()).isEqualTo(proxyId);
            assertThat(log.getHeader().getProxyVersion()).isEqualTo("1.5.0");
            assertThat(log.getHeader().getTenantId()).isNull();
            assertThat(log.getHeader().getEventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(log.getTimestamp()).isEqualTo(log.getHeader().getProducedAt());
            assertThat(log.getTags()).containsEntry("lunar_api_key", "lk_live_TestKey000000000001")
                    .containsEntry("env", "test");
            assertThat(telemetry.newHeader().getEventId()).isNotEqualTo(log.getHeader().getEventId());
        }
    }

    @Test
    void oneProxysEventsStayInOrderOnOnePartition() throws Exception {
        try (TelemetryPublisher telemetry = publisher()) {
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sends.add(telemetry.publish(telemetry.log().setLevel("INFO").setLogger("engine")
                        .setMessage("line " + i).build()));
            }
            telemetry.flush();

            assertThat(sends).allMatch(CompletableFuture::isDone);
            List<RecordMetadata> metadata = new ArrayList<>();
            for (CompletableFuture<RecordMetadata> send : sends) {
                metadata.add(send.get());
            }
            assertThat(metadata).extracting(RecordMetadata::partition).containsOnly(metadata.get(0).partition());
            assertThat(metadata).extracting(RecordMetadata::offset).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aClosedPublisherFailsTheFutureInsteadOfThrowing() {
        TelemetryPublisher telemetry = publisher();
        ProxyLog log = telemetry.log().setLevel("INFO").setLogger("engine").setMessage("late").build();
        telemetry.close();

        CompletableFuture<RecordMetadata> send = telemetry.publish(log);

        assertThat(send).isCompletedExceptionally();
        assertThat(send.handle((m, e) -> e.getMessage()).join()).contains("publisher is closed");
        telemetry.close();
    }

    @Test
    void aPublisherWithoutIdentityCannotStampEvents() {
        try (TelemetryPublisher relay = TelemetryPublisher.create(
                PublisherSettings.builder(broker.bootstrapServers()).build())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(relay::log)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no proxy identity");
        }
    }

    private ConsumerRecord<String, byte[]> readOne(RecordMetadata metadata) {
        TopicPartition partition = new TopicPartition(metadata.topic(), metadata.partition());
        try (KafkaConsumer<String, byte[]> consumer = RawTopics.consumer(broker)) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, metadata.offset());
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).records(partition).stream()
                        .filter(r -> r.offset() == metadata.offset()).forEach(found::add);
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }
}
