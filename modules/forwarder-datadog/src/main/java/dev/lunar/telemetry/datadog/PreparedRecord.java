package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * An enriched record already mapped ({@link DatadogMapping}) and serialised, as the forwarder's consumer reads it: the
 * kit prepares records on its reading thread while earlier batches are being sent, so the sending side only
 * assembles, compresses and sends. Holds what the handler needs and not the record itself.
 */
final class PreparedRecord {

    /** One log entry or series, serialised, with what the handler decides on. */
    record Encoded(byte[] json, long timestamp, String eventId, Series series)
            implements JsonWritable {

        @Override
        public byte[] encoded() {
            return json;
        }

        @Override
        public void writeTo(JsonGenerator g) throws IOException {
            g.writeRawValue(new String(json, StandardCharsets.UTF_8));
        }
    }

    private final String typeName;
    private final boolean refused;
    private final String tenantId;
    private final List<Encoded> logEntries;
    private final List<Encoded> series;
    private final RuntimeException failure;

    private PreparedRecord(String typeName, boolean refused, String tenantId, List<Encoded> logEntries,
                           List<Encoded> series, RuntimeException failure) {
        this.typeName = typeName;
        this.refused = refused;
        this.tenantId = tenantId;
        this.logEntries = logEntries;
        this.series = series;
        this.failure = failure;
    }

    /**
     * Maps and serialises {@code record}. Never throws: a type that must not go to Datadog is marked refused, and a
     * mapping failure is kept and raised when the record is handled — where it was raised before records were
     * prepared.
     */
    static PreparedRecord prepare(SpecificRecordBase record, String service, String source, PayloadBuilder payloads) {
        String typeName = record.getClass().getSimpleName();
        if (!DatadogMapping.mapsType(record.getClass())) {
            return new PreparedRecord(typeName, true, null, List.of(), List.of(), null);
        }
        try {
            DatadogMapping.Mapped mapped = DatadogMapping.map(record, service, source);
            List<Encoded> logs = new ArrayList<>(mapped.logEntries().size());
            for (LogEntry e : mapped.logEntries()) {
                logs.add(new Encoded(payloads.encode(e), e.timestamp(), e.eventId(), null));
            }
            List<Encoded> series = new ArrayList<>(mapped.series().size());
            for (Series s : mapped.series()) {
                series.add(new Encoded(payloads.encode(s), s.timestamp(), null, s));
            }
            return new PreparedRecord(typeName, false, DatadogMapping.tenantId(record), logs, series, null);
        } catch (RuntimeException e) {
            return new PreparedRecord(typeName, false, null, List.of(), List.of(), e);
        }
    }

    String typeName() {
        return typeName;
    }

    /** A type that never goes to Datadog (DESIGN.md P2/P4). */
    boolean refused() {
        return refused;
    }

    String tenantId() {
        return tenantId;
    }

    List<Encoded> logEntries() {
        return logEntries;
    }

    List<Encoded> series() {
        return series;
    }

    /** Raises the mapping failure, if there was one. */
    void rethrowFailure() {
        if (failure != null) {
            throw failure;
        }
    }
}
