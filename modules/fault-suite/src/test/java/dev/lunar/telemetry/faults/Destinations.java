package dev.lunar.telemetry.faults;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.DeadLetterHeaders;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EventHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What the Kafka destinations of a run hold, tallied record by record as {@link TopicTail}s read them: the enriched
 * topics by event id (and scanned for canaries), and the dead-letter topic split into the processor's letters (by
 * their original bytes) and the Datadog forwarder's (by event id).
 */
final class Destinations {

    /** {@code dlq.stage} of records the Datadog forwarder dead-letters because Datadog refused them. */
    static final String FORWARDER_STAGE = "deliver:datadog";

    private final CanaryScanner canaries;
    private final Map<String, EventKind> enrichedKinds = new HashMap<>();
    private final Map<EventKind, AvroCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventKind.class);

    final Map<EventKind, Map<String, Integer>> enriched = new EnumMap<>(EventKind.class);
    final Map<ByteBuffer, Integer> processorLetters = new HashMap<>();
    final Map<String, Integer> forwarderLetters = new HashMap<>();
    final Map<String, Integer> letterReasons = new HashMap<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    /** Where each copy of an endpoint-stats event lies in its enriched topic. */
    final List<Position> endpointPositions = new java.util.ArrayList<>();

    /** One record of an enriched topic: partition, offset and event id. */
    record Position(int partition, long offset, String eventId) {}

    Destinations(String prefix, CanaryScanner canaries) {
        this.canaries = canaries;
        for (EventKind kind : EventKind.values()) {
            enrichedKinds.put(prefix + kind.enrichedTopic(), kind);
            codecs.put(kind, codec(kind.enrichedType()));
            enriched.put(kind, new HashMap<>());
        }
    }

    synchronized void enriched(ConsumerRecord<byte[], byte[]> r) {
        EventKind kind = enrichedKinds.get(r.topic());
        canaries.scan(r.value(), r.topic());
        canaries.scan(r.key(), r.topic() + " keys");
        for (Header h : r.headers()) {
            canaries.scan(h.value(), r.topic() + " headers");
        }
        try {
            String id = eventId(codecs.get(kind).decode(r.value()));
            enriched.get(kind).merge(id, 1, Integer::sum);
            if (kind == EventKind.ENDPOINTS) {
                endpointPositions.add(new Position(r.partition(), r.offset(), id));
            }
        } catch (BadRecordException e) {
            problems.add(r.topic() + "-" + r.partition() + "@" + r.offset() + " cannot be read: " + e.getMessage());
        }
    }

    synchronized void deadLetter(ConsumerRecord<byte[], byte[]> r) {
        String stage = header(r, DeadLetterHeaders.STAGE);
        String reason = header(r, DeadLetterHeaders.REASON);
        letterReasons.merge(stage + "/" + reason, 1, Integer::sum);
        if (FORWARDER_STAGE.equals(stage)) {
            String source = header(r, DeadLetterHeaders.SOURCE_TOPIC);
            EventKind kind = enrichedKinds.get(source);
            canaries.scan(r.value(), r.topic() + " (letters of the Datadog forwarder)");
            if (kind == null) {
                problems.add("a forwarder dead letter from an unexpected topic " + source);
                return;
            }
            try {
                forwarderLetters.merge(eventId(codecs.get(kind).decode(r.value())), 1, Integer::sum);
            } catch (BadRecordException e) {
                problems.add("a forwarder dead letter is not a readable " + kind + " record: " + e.getMessage());
            }
        } else {
            processorLetters.merge(ByteBuffer.wrap(r.value() == null ? new byte[0] : r.value()), 1, Integer::sum);
        }
    }

    synchronized int enrichedDistinct() {
        return enriched.values().stream().mapToInt(Map::size).sum();
    }

    synchronized int enrichedDuplicates() {
        return enriched.values().stream().mapToInt(Destinations::duplicates).sum();
    }

    synchronized int enrichedDistinct(EventKind kind) {
        return enriched.get(kind).size();
    }

    static int duplicates(Map<?, Integer> counts) {
        return counts.values().stream().mapToInt(n -> n - 1).sum();
    }

    private static String eventId(SpecificRecordBase record) {
        return ((EventHeader) record.get("header")).getEventId();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "(none)" : new String(h.value(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AvroCodec<SpecificRecordBase> codec(Class<?> type) {
        return AvroCodec.of((Class) type);
    }
}
