package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.events.AvroJsonCodec;
import dev.lunar.telemetry.events.DeadLetterHeaders;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import reactor.core.publisher.Flux;

/**
 * Raw records in, records to write out, one for one and in order: the enriched record for the kind's enriched topic
 * (same key, no headers: raw headers may carry anything, P1), a dead letter — the original key, value and headers
 * plus {@link DeadLetterHeaders} naming source topic, partition, offset, stage, reason and detail (for a record that
 * could not be scrubbed within its budget: the key and those headers only) — or, for a record dropped whole (P1,
 * P4), an {@link OutboundRecord#nothing} that writes nothing but is acknowledged like the others. Pure apart from the
 * metrics; no Kafka.
 */
public final class ProcessorFlow {

    private final EnrichmentPipeline pipeline;
    private final TopicNames topics;
    private final ProcessorMetrics metrics;

    public ProcessorFlow(EnrichmentPipeline pipeline, TopicNames topics, ProcessorMetrics metrics) {
        this.pipeline = pipeline;
        this.topics = topics;
        this.metrics = metrics;
    }

    Flux<OutboundRecord> apply(Flux<InboundRecord> records) {
        return records.map(this::process);
    }

    OutboundRecord process(InboundRecord in) {
        EventKind kind = topics.kindOfRaw(in.topic());
        if (kind == null) {
            metrics.deadLettered(null, "WRONG_TYPE");
            return deadLetter(in, null, EnrichmentPipeline.STAGE_DECODE, "WRONG_TYPE",
                    "topic " + in.topic() + " is not a raw telemetry topic");
        }
        metrics.received(kind);
        EnrichmentResult result = pipeline.apply(kind, in.value(), isJson(in.headers()));
        if (result instanceof EnrichmentResult.Enriched enriched) {
            return new OutboundRecord(topics.enriched(kind), in.key(), enriched.value(), List.of(), kind, false, in);
        }
        if (result instanceof EnrichmentResult.Dropped) {
            return OutboundRecord.nothing(kind, in);
        }
        EnrichmentResult.Rejected rejected = (EnrichmentResult.Rejected) result;
        if (rejected.withholdContent()) {
            return withheldDeadLetter(in, kind, rejected.stage(), rejected.reason(), rejected.detail());
        }
        return deadLetter(in, kind, rejected.stage(), rejected.reason(), rejected.detail());
    }

    /** The dead letter of {@code in}; also used when writing the enriched record failed for good. */
    OutboundRecord deadLetter(InboundRecord in, EventKind kind, String stage, String reason, String detail) {
        List<Header> headers = new ArrayList<>(in.headers().size() + 6);
        headers.addAll(in.headers());
        headers.add(header(DeadLetterHeaders.SOURCE_TOPIC, in.topic()));
        headers.add(header(DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(in.partition())));
        headers.add(header(DeadLetterHeaders.SOURCE_OFFSET, Long.toString(in.offset())));
        headers.add(header(DeadLetterHeaders.STAGE, stage));
        headers.add(header(DeadLetterHeaders.REASON, reason));
        headers.add(header(DeadLetterHeaders.DETAIL, detail));
        return new OutboundRecord(topics.deadLetters, in.key(), in.value(), List.copyOf(headers), kind, true, in);
    }

    /**
     * The dead letter of a record that could not be scrubbed: its key (the proxy id) and the {@link DeadLetterHeaders}
     * only, an empty value and none of its own headers — nothing that was not scrubbed leaves (DESIGN.md P3).
     */
    OutboundRecord withheldDeadLetter(InboundRecord in, EventKind kind, String stage, String reason, String detail) {
        List<Header> headers = List.of(
                header(DeadLetterHeaders.SOURCE_TOPIC, in.topic()),
                header(DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(in.partition())),
                header(DeadLetterHeaders.SOURCE_OFFSET, Long.toString(in.offset())),
                header(DeadLetterHeaders.STAGE, stage),
                header(DeadLetterHeaders.REASON, reason),
                header(DeadLetterHeaders.DETAIL, detail));
        return new OutboundRecord(topics.deadLetters, in.key(), new byte[0], headers, kind, true, in);
    }

    /** A proxy that cannot speak Avro marks its records {@code content-type: application/json}. */
    static boolean isJson(List<Header> headers) {
        for (Header h : headers) {
            if (h.key().equalsIgnoreCase(AvroJsonCodec.CONTENT_TYPE_HEADER) && h.value() != null) {
                String type = new String(h.value(), StandardCharsets.UTF_8).trim().toLowerCase(java.util.Locale.ROOT);
                return type.equals(AvroJsonCodec.JSON_CONTENT_TYPE) || type.startsWith(AvroJsonCodec.JSON_CONTENT_TYPE + ";");
            }
        }
        return false;
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
