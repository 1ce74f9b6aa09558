package dev.lunar.telemetry.cli.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.AvroJsonCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * How {@code replay --print} shows one record as a JSON line. Raw proxy records are shown as the processor would
 * write them (denylist and redaction applied) unless {@code raw} is set; enriched records as they are; dead letters
 * with their reason headers and their original bytes in base64 (they may be anything).
 */
public final class RecordView {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tenant a record belongs to (for --tenant) and its JSON line. */
    public record Shown(Optional<String> tenantId, String json) {}

    private final String topic;
    private final Optional<EventKind> kind;
    private final boolean rawTopic;
    private final boolean raw;
    private final EnrichmentPipeline pipeline;
    private final Map<Class<?>, AvroCodec<?>> codecs = new HashMap<>();
    private final Map<Class<?>, AvroJsonCodec<?>> jsonCodecs = new HashMap<>();

    /**
     * @param pipeline the processor's transform, used for raw topics unless {@code raw}; may be null otherwise
     */
    public RecordView(String topic, boolean raw, EnrichmentPipeline pipeline) {
        this.topic = topic;
        this.kind = EventKind.ofTopic(topic);
        this.rawTopic = kind.map(k -> k.rawTopic().equals(topic)).orElse(false);
        this.raw = raw;
        this.pipeline = pipeline;
    }

    public static boolean needsPipeline(String topic, boolean raw) {
        return !raw && EventKind.ofTopic(topic).map(k -> k.rawTopic().equals(topic)).orElse(false);
    }

    public Shown show(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode line = JSON.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        line.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        Optional<String> tenant = Optional.empty();
        if (topic.equals(Topics.DEAD_LETTERS)) {
            ObjectNode headers = line.putObject("headers");
            for (Header h : record.headers()) {
                headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            }
            line.put("valueBase64", record.value() == null ? null : Base64.getEncoder().encodeToString(record.value()));
        } else if (topic.equals(Topics.TENANTS)) {
            tenant = Optional.of(line.get("key").asText());
            line.set("value", record.value() == null ? null
                    : decoded(TenantMetadata.class, record.value(), line));
        } else if (kind.isPresent() && rawTopic && !raw) {
            EnrichmentResult result = pipeline.apply(kind.get(), record.value());
            if (result instanceof EnrichmentResult.Enriched enriched) {
                tenant = Optional.of(enriched.tenantId());
                line.put("view", "as the processor would write it");
                line.set("value", json(enriched.record()));
            } else if (result instanceof EnrichmentResult.Dropped dropped) {
                // P1/P4: the processor writes nothing of it, so neither does this view
                line.put("view", "dropped whole by the processor, written nowhere");
                line.put("dropped", dropped.reason());
            } else {
                EnrichmentResult.Rejected rejected = (EnrichmentResult.Rejected) result;
                line.put("rejected", rejected.reason());
                line.put("stage", rejected.stage());
                line.put("detail", rejected.detail());
            }
        } else if (kind.isPresent()) {
            Class<? extends SpecificRecordBase> type = rawTopic ? kind.get().rawType() : kind.get().enrichedType();
            JsonNode value = decoded(type, record.value(), line);
            line.set("value", value);
            if (value != null && value.path("header").path("tenantId").isObject()) {
                tenant = Optional.of(value.path("header").path("tenantId").path("string").asText());
            } else if (value != null && value.path("header").path("tenantId").isTextual()) {
                tenant = Optional.of(value.path("header").path("tenantId").asText());
            }
        } else {
            line.put("valueBase64", record.value() == null ? null : Base64.getEncoder().encodeToString(record.value()));
        }
        return new Shown(tenant, line.toString());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private JsonNode decoded(Class<? extends SpecificRecordBase> type, byte[] value, ObjectNode line) {
        try {
            SpecificRecordBase record = codecs.computeIfAbsent(type, t -> AvroCodec.of((Class) t)).decode(value);
            return json(record);
        } catch (BadRecordException e) {
            line.put("unreadable", e.reason().name());
            line.put("detail", e.getMessage());
            return null;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private JsonNode json(SpecificRecordBase record) {
        try {
            AvroJsonCodec codec = jsonCodecs.computeIfAbsent(record.getClass(), t -> AvroJsonCodec.of((Class) t));
            return JSON.readTree(codec.encode(record));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Avro wrote JSON that Jackson cannot read", e);
        }
    }
}
