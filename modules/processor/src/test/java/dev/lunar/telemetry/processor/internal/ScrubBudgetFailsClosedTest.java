package dev.lunar.telemetry.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.events.DeadLetterHeaders;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.Samples;
import dev.lunar.telemetry.processor.privacy.PrivacyDefaults;
import dev.lunar.telemetry.processor.privacy.ScrubBudget;
import dev.lunar.telemetry.processor.privacy.ScrubReport;
import dev.lunar.telemetry.processor.privacy.ValueRedactor;
import dev.lunar.telemetry.processor.tenants.TenantTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * A record that cannot be scrubbed within {@code processor.scrub-budget} is rejected with reason SCRUB_BUDGET and
 * dead-lettered without its content: no value, none of its own headers, only the dead-letter headers. Counted.
 */
class ScrubBudgetFailsClosedTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProcessorMetrics metrics = new ProcessorMetrics(registry);

    /** A megabyte of near-miss text: every scan has to read it all. */
    private static String largeMessage() {
        return "a.b.".repeat(256 * 1024) + "@";
    }

    private EnrichmentPipeline pipeline(Duration budget) {
        return new EnrichmentPipeline(ProcessorSettings.builder("127.0.0.1:9").scrubBudget(budget).build(),
                new TenantTable(), metrics, Clock.systemUTC());
    }

    @Test
    void aRecordOverItsBudgetIsRejectedWithItsContentWithheld() {
        byte[] raw = Samples.encode(Samples.b(Samples.log("e1", "t1")).setMessage(largeMessage()).build());

        EnrichmentResult result = pipeline(Duration.ofNanos(1)).apply(EventKind.LOGS, raw);

        assertThat(result).isInstanceOf(EnrichmentResult.Rejected.class);
        EnrichmentResult.Rejected rejected = (EnrichmentResult.Rejected) result;
        assertThat(rejected.reason()).isEqualTo("SCRUB_BUDGET");
        assertThat(rejected.withholdContent()).isTrue();
        assertThat(rejected.detail()).contains("processor.scrub-budget").doesNotContain("a.b.");
        assertThat(registry.get("lunar.processor.dead.letters").tag("reason", "SCRUB_BUDGET").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void theSameRecordWithinTheDefaultBudgetIsEnriched() {
        byte[] raw = Samples.encode(Samples.b(Samples.log("e1", "t1")).setMessage(largeMessage()).build());
        assertThat(pipeline(Duration.ofSeconds(60)).apply(EventKind.LOGS, raw))
                .isInstanceOf(EnrichmentResult.Enriched.class);
    }

    @Test
    void theDeadLetterCarriesOnlyTheDeadLetterHeaders() {
        TopicNames topics = new TopicNames("");
        ProcessorFlow flow = new ProcessorFlow(pipeline(Duration.ofNanos(1)), topics, metrics);
        byte[] raw = Samples.encode(Samples.b(Samples.log("e1", "t1")).setMessage(largeMessage()).build());
        List<Header> own = List.of(new RecordHeader("x-secret", "hunter2".getBytes(StandardCharsets.UTF_8)));
        InboundRecord in = new InboundRecord(topics.raw(EventKind.LOGS), 3, 42L,
                "proxy-1".getBytes(StandardCharsets.UTF_8), raw, own, System.nanoTime(), null);

        OutboundRecord out = flow.process(in);

        assertThat(out.deadLetter()).isTrue();
        assertThat(out.topic()).isEqualTo(topics.deadLetters);
        assertThat(out.value()).isEmpty();
        assertThat(out.headers()).extracting(Header::key).containsExactly(DeadLetterHeaders.SOURCE_TOPIC,
                DeadLetterHeaders.SOURCE_PARTITION, DeadLetterHeaders.SOURCE_OFFSET, DeadLetterHeaders.STAGE,
                DeadLetterHeaders.REASON, DeadLetterHeaders.DETAIL);
        assertThat(new String(out.headers().get(4).value(), StandardCharsets.UTF_8)).isEqualTo("SCRUB_BUDGET");
        assertThat(new String(out.headers().get(2).value(), StandardCharsets.UTF_8)).isEqualTo("42");
    }

    @Test
    void theBudgetHoldsInsideASingleScan() {
        ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);
        ScrubReport report = new ScrubReport(List.of(), ScrubBudget.startingNow(Duration.ofNanos(1)));
        assertThatThrownBy(() -> redactor.redact(largeMessage(), report)).isInstanceOf(ScrubBudget.Exceeded.class)
                .hasMessageContaining("processor.scrub-budget");
    }

    @Test
    void theBudgetMustBePositiveAndBounded() {
        assertThatThrownBy(() -> ProcessorSettings.builder("127.0.0.1:9").scrubBudget(Duration.ZERO).build())
                .hasMessageContaining("processor.scrub-budget");
        assertThatThrownBy(() -> ProcessorSettings.builder("127.0.0.1:9").scrubBudget(Duration.ofMinutes(5)).build())
                .hasMessageContaining("processor.scrub-budget").hasMessageContaining("at most 1m");
        assertThat(ProcessorSettings.builder("127.0.0.1:9").build().scrubBudget()).isEqualTo(Duration.ofSeconds(2));
    }
}
