package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.consumer.audit.RecordingAuditTrail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.consumer.BatchResult;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** How Datadog's answers to a batch's requests decide the batch, with a scripted sender and no network. */
class DatadogBatchHandlerTest {

    private final Instant now = Instant.now();
    private final List<IntakeRequest> sent = new CopyOnWriteArrayList<>();
    private final DatadogSettings settings = DatadogSettings.builder().apiKey("pipeline-key").build();
    private final Destination primary = new Destination("datadoghq.com", "datadoghq.com",
            URI.create("https://http-intake.logs.datadoghq.com/api/v2/logs"),
            URI.create("https://api.datadoghq.com/api/v2/series"), Optional.of("pipeline-key"), true, "DD_API_KEY", null);
    private final TenantDestinations tenants = new TenantDestinations(KafkaClientSettings.of("127.0.0.1:1"), settings,
            Map.of("ACME_DD_API_KEY", "acme-key")::get);
    private final ForwarderMetrics metrics = new ForwarderMetrics(new SimpleMeterRegistry());
    private final RecordingAuditTrail audit = new RecordingAuditTrail();

    private DatadogBatchHandler handler(Function<IntakeRequest, IntakeOutcome> datadog) {
        IntakeSender sender = request -> {
            sent.add(request);
            return Mono.just(datadog.apply(request));
        };
        return new DatadogBatchHandler(settings, primary, tenants, sender, null,
                new PayloadBuilder(new ObjectMapper(), metrics::truncated), metrics, Clock.fixed(now, ZoneOffset.UTC),
                audit);
    }

    private static final IntakeOutcome ACCEPTED = new IntakeOutcome.Accepted();

    @Test
    void auditWritesOverlapTheNextSendsButTheBatchIsDecidedOnlyOnceEveryWriteIsAcknowledged() {
        // a trail whose writes are acknowledged only when the test says so, in the order they were started
        List<reactor.core.publisher.Sinks.One<dev.lunar.telemetry.events.avro.AuditRecord>> pending =
                new CopyOnWriteArrayList<>();
        List<dev.lunar.telemetry.consumer.audit.AuditEntry> started = new CopyOnWriteArrayList<>();
        dev.lunar.telemetry.consumer.audit.AuditTrail slow = new dev.lunar.telemetry.consumer.audit.AuditTrail() {
            @Override
            public Mono<dev.lunar.telemetry.events.avro.AuditRecord> record(
                    dev.lunar.telemetry.consumer.audit.AuditEntry entry) {
                return Mono.defer(() -> {
                    started.add(entry);
                    reactor.core.publisher.Sinks.One<dev.lunar.telemetry.events.avro.AuditRecord> ack =
                            reactor.core.publisher.Sinks.one();
                    pending.add(ack);
                    return ack.asMono();
                });
            }

            @Override
            public String chainId() {
                return "slow";
            }
        };
        IntakeSender sender = request -> {
            sent.add(request);
            return Mono.just(ACCEPTED);
        };
        DatadogBatchHandler handler = new DatadogBatchHandler(settings, primary, tenants, sender, null,
                new PayloadBuilder(new ObjectMapper(), metrics::truncated), metrics, Clock.fixed(now, ZoneOffset.UTC),
                slow);
        List<SpecificRecordBase> batch = List.of(Samples.log("l-1", "acme", "m"), Samples.resources("r-1", "acme", now));

        java.util.concurrent.CompletableFuture<BatchResult> result = handler.handle(batch).toFuture();

        assertThat(sent).as("the second request went out while the first one's audit write was pending").hasSize(2);
        assertThat(started).as("each accepted request's audit write started, in the order of acceptance")
                .extracting(dev.lunar.telemetry.consumer.audit.AuditEntry::body)
                .containsExactly(sent.get(0).body(), sent.get(1).body());
        pending.get(0).tryEmitValue(RecordingAuditTrailRecord.of(started.get(0)));
        assertThat(result).as("not decided while an audit write is unacknowledged").isNotDone();
        pending.get(1).tryEmitValue(RecordingAuditTrailRecord.of(started.get(1)));
        assertThat(result).isCompletedWithValue(BatchResult.accepted());
    }

    /** A written record for an entry (its content does not matter to the handler). */
    private static final class RecordingAuditTrailRecord {
        static dev.lunar.telemetry.events.avro.AuditRecord of(dev.lunar.telemetry.consumer.audit.AuditEntry entry) {
            return dev.lunar.telemetry.consumer.audit.AuditChain.next("slow", 0,
                    dev.lunar.telemetry.consumer.audit.AuditChain.GENESIS, Instant.now(), entry);
        }
    }

    @Test
    void everyAcceptedRequestIsAuditedWithItsBodyAndAFailedAuditRetriesWithoutSendingAgain() {
        DatadogBatchHandler handler = handler(r -> ACCEPTED);
        List<SpecificRecordBase> batch = List.of(Samples.log("l-1", "acme", "m"), Samples.log("l-2", "octo", "n"),
                Samples.resources("r-1", "acme", now));
        audit.failNext(1);

        StepVerifier.create(handler.handle(batch))
                .expectNextMatches(r -> r instanceof BatchResult.Retry retry
                        && retry.reason().contains("audit trail did not acknowledge"))
                .verifyComplete();
        assertThat(sent).hasSize(2);
        StepVerifier.create(handler.handle(batch)).expectNext(BatchResult.accepted()).verifyComplete();

        assertThat(sent).as("the retry only audits what Datadog already accepted").hasSize(2);
        assertThat(audit.written).hasSize(2);
        // the logs request's first audit write failed: the metrics request was audited first
        assertThat(audit.written).extracting(a -> a.getDestination())
                .containsExactly("datadog-metrics", "datadog-logs");
        assertThat(dev.lunar.telemetry.consumer.audit.AuditChain.body(audit.written.get(1))).isEqualTo(sent.get(0).body());
        assertThat(dev.lunar.telemetry.consumer.audit.AuditChain.body(audit.written.get(0))).isEqualTo(sent.get(1).body());
        assertThat(audit.written.get(1).getEntryTenants()).containsExactly("acme", "octo");
        assertThat(audit.written.get(1).getTenantIds()).containsExactly("acme", "octo");
        assertThat(audit.written.get(1).getDestinationHost()).isEqualTo("http-intake.logs.datadoghq.com");
        assertThat(audit.written.get(0).getEntryTenants()).isNotEmpty().containsOnly("acme");
    }

    @Test
    void whenOnlyTheMetricsIntakeIsUnavailableTheRetrySendsOnlyWhatWasNotAccepted() {
        int[] seriesCalls = {0};
        DatadogBatchHandler handler = handler(r -> r.api().equals(IntakeRequest.SERIES) && seriesCalls[0]++ == 0
                ? new IntakeOutcome.Retry("HTTP 503", Optional.of(Duration.ofSeconds(7))) : ACCEPTED);
        List<SpecificRecordBase> batch = List.of(Samples.log("l-1", "acme", "m"), Samples.resources("r-1", "acme", now));

        StepVerifier.create(handler.handle(batch))
                .expectNext(BatchResult.retry("HTTP 503", Duration.ofSeconds(7)))
                .verifyComplete();
        StepVerifier.create(handler.handle(batch)).expectNext(BatchResult.accepted()).verifyComplete();

        assertThat(sent).extracting(IntakeRequest::api)
                .containsExactly(IntakeRequest.LOGS, IntakeRequest.SERIES, IntakeRequest.SERIES);
    }

    @Test
    void aRejectedPipelineKeyIsAnAuthFailureThatNamesTheSiteAndTheFix() {
        DatadogBatchHandler handler = handler(r -> new IntakeOutcome.AuthFailed(403, "HTTP 403"));

        StepVerifier.create(handler.handle(List.of(Samples.log("l-1", "acme", "m"))))
                .assertNext(result -> assertThat(((BatchResult.AuthFailed) result).message())
                        .startsWith("DD_API_KEY was rejected by datadoghq.com (403 from the logs intake)")
                        .contains("check the key and datadog.site"))
                .verifyComplete();
    }

    @Test
    void aRefusedLogsRequestMakesOnlyTheRecordsInItSuspects() {
        DatadogBatchHandler handler = handler(r -> r.api().equals(IntakeRequest.LOGS)
                ? new IntakeOutcome.Rejected(400, "HTTP 400 from logs intake") : ACCEPTED);
        List<SpecificRecordBase> batch = List.of(Samples.resources("r-1", "acme", now),
                Samples.log("l-1", "acme", "a"), Samples.log("l-2", "acme", "b"));

        StepVerifier.create(handler.handle(batch))
                .expectNext(new BatchResult.Rejected("HTTP 400 from logs intake", Set.of(1, 2)))
                .verifyComplete();
    }

    @Test
    void aTenantsRejectedKeyIsReportedAndDoesNotHoldUpThePipeline() {
        tenants.apply("acme", Samples.tenantWithOwnDatadog("acme", "datadoghq.eu", "ACME_DD_API_KEY"));
        DatadogBatchHandler handler = handler(r -> r.destination().primary() ? ACCEPTED
                : new IntakeOutcome.AuthFailed(403, "HTTP 403"));
        EnrichedLog log = Samples.log("l-1", "acme", "m");

        StepVerifier.create(handler.handle(List.of(log))).expectNext(BatchResult.accepted()).verifyComplete();

        assertThat(sent).extracting(r -> r.destination().apiKey().orElseThrow())
                .containsExactly("pipeline-key", "acme-key");
        assertThat(sent.get(1).url()).hasToString("https://http-intake.logs.datadoghq.eu/api/v2/logs");
        assertThat(tenants.problems().get("acme")).contains("ACME_DD_API_KEY", "403", "datadoghq.eu");
    }

    @Test
    void dataDatadogWouldRefuseForItsTimestampIsCountedAndNotSent() {
        DatadogBatchHandler handler = handler(r -> ACCEPTED);
        EnrichedLog old = Samples.log("l-old", "acme", "m");
        old.setTimestamp(now.minus(Duration.ofHours(19)));
        List<SpecificRecordBase> batch = List.of(old,
                Samples.resources("r-old", "acme", now.minus(Duration.ofMinutes(61))),
                Samples.resources("r-ahead", "acme", now.plus(Duration.ofMinutes(11))),
                Samples.resources("r-ok", "acme", now.minus(Duration.ofMinutes(59))));

        StepVerifier.create(handler.handle(batch)).expectNext(BatchResult.accepted()).verifyComplete();

        assertThat(sent).singleElement().satisfies(r -> {
            assertThat(r.api()).isEqualTo(IntakeRequest.SERIES);
            assertThat(r.recordIndices()).containsExactly(3);
        });
        assertThat(metrics.notSent).hasValue(1 + 6 + 6);
    }
}
