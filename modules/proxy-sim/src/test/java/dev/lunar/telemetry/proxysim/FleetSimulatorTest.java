package dev.lunar.telemetry.proxysim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.proxysim.Canaries.Canary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator against a real broker, on the pipeline's real topic names. */
@ExtendWith(KafkaBrokerExtension.class)
class FleetSimulatorTest {

    private final KafkaBroker broker;
    private final StringWriter progress = new StringWriter();
    private Map<TopicPartition, Long> before;

    FleetSimulatorTest(KafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void markTheRawTopics() {
        RawTopics.create(broker);
        before = RawTopics.endOffsets(broker, RawTopics.RAW);
    }

    private TelemetryPublisher publisher() {
        return TelemetryPublisher.create(PublisherSettings.builder(broker.bootstrapServers())
                .deliveryTimeout(Duration.ofSeconds(60)).build());
    }

    @Test
    void everyPlantedCanaryIsInTheProducedRawBytes() {
        FleetSimulator fleet = FleetSimulator.create(FleetSpec.of(6, 3, 1_000, 101).withDuration(Duration.ofSeconds(1)));

        FleetSimulator.Summary summary;
        try (TelemetryPublisher publisher = publisher()) {
            summary = fleet.run(publisher, new PrintWriter(progress, true));
        }
        List<ConsumerRecord<String, byte[]>> records = RawTopics.readSince(broker, before);

        assertThat(summary.failed()).isZero();
        assertThat(summary.total()).isGreaterThan(6L * FleetTraffic.BURST_LENGTH);
        assertThat(records).hasSize((int) summary.acknowledged());
        Set<Canary> found = new HashSet<>();
        Set<String> proxyIds = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            found.addAll(fleet.canaries().foundIn(record.value()));
            EventKind kind = EventKind.ofTopic(record.topic()).orElseThrow();
            SpecificRecordBase event = AvroCodec.of(kind.rawType()).decode(record.value());
            assertThat(record.key()).isEqualTo(((EventHeader) event.get("header")).getProxyId());
            proxyIds.add(record.key());
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(fleet.canaries().all());
        assertThat(proxyIds).containsExactlyInAnyOrderElementsOf(
                fleet.proxies().stream().map(ProxyIdentity::proxyId).toList());
        assertThat(RawTopics.byTopic(records).keySet()).containsExactlyInAnyOrderElementsOf(RawTopics.RAW);
    }

    @Test
    void theRateLimiterSendsAboutRateTimesDurationEvents() {
        double rate = 250;
        Duration duration = Duration.ofSeconds(4);
        FleetSimulator fleet = FleetSimulator.create(FleetSpec.of(10, 4, rate, 202).withDuration(duration));

        FleetSimulator.Summary summary;
        try (TelemetryPublisher publisher = publisher()) {
            summary = fleet.run(publisher, new PrintWriter(progress, true));
        }
        List<ConsumerRecord<String, byte[]>> records = RawTopics.readSince(broker, before);

        long planned = (long) Math.ceil(rate * duration.toSeconds());
        assertThat(summary.total()).isBetween((long) (planned * 0.7), planned);
        assertThat(summary.acknowledged()).isEqualTo(summary.total());
        assertThat(records).hasSize((int) summary.total());
        assertThat(summary.stopped()).isFalse();
        assertThat(summary.sent().keySet()).containsExactly(EventKind.values());
        assertThat(summary.describe()).startsWith("Sent " + String.format("%,d", summary.total()) + " events in ")
                .contains("logs ", "endpoints ").endsWith(" acknowledged, 0 failed.");

        List<String> lines = progress.toString().lines().toList();
        assertThat(lines).as("one progress line per second at most").hasSizeBetween(1, (int) duration.toSeconds());
        assertThat(lines).allMatch(l -> l.matches("\\[00:0\\d] [\\d,]+ events/s \\(target 250\\) \\| sent [\\d,]+: "
                + "logs [\\d,]+, resources [\\d,]+, heartbeats [\\d,]+, policies [\\d,]+, endpoints [\\d,]+ \\| "
                + "acknowledged [\\d,]+ \\| failed 0"));
    }

    @Test
    void stopEndsAnOpenEndedRunAfterFlushing() throws Exception {
        FleetSimulator fleet = FleetSimulator.create(FleetSpec.of(3, 3, 500, 303));

        try (TelemetryPublisher publisher = publisher()) {
            CompletableFuture<FleetSimulator.Summary> run = CompletableFuture.supplyAsync(
                    () -> fleet.run(publisher, new PrintWriter(progress, true)));
            await().atMost(Duration.ofSeconds(30)).until(() -> !progress.toString().isEmpty());
            fleet.stop();
            FleetSimulator.Summary summary = run.get(60, TimeUnit.SECONDS);

            assertThat(summary.stopped()).isTrue();
            assertThat(summary.total()).isPositive();
            assertThat(summary.acknowledged() + summary.failed()).isEqualTo(summary.total());
            assertThat(summary.failed()).isZero();
        }
    }

    @Test
    void tenantsAreWrittenToTheTenantTableKeyedById() {
        FleetSimulator fleet = FleetSimulator.create(FleetSpec.of(5, 5, 10, 404));
        Map<TopicPartition, Long> tenantsBefore = RawTopics.endOffsets(broker, List.of(Topics.TENANTS));

        int written = fleet.writeTenants(broker.bootstrapServers(), Duration.ofSeconds(60));
        List<ConsumerRecord<String, byte[]>> records = RawTopics.readSince(broker, tenantsBefore);

        assertThat(written).isEqualTo(5);
        AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
        assertThat(records).allMatch(r -> r.key().equals(codec.decode(r.value()).getId()));
        assertThat(records).extracting(r -> codec.decode(r.value())).containsExactlyInAnyOrderElementsOf(fleet.tenants());
    }
}
