package dev.lunar.telemetry.events;

import dev.lunar.telemetry.events.avro.AuditRecord;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Every schema version a writer may have used, by fingerprint (CRC-64-AVRO of the parsing canonical form).
 *
 * <p>Current versions come from the generated classes; older versions from {@code schemas/history/<Record>/vN.avsc}
 * on the classpath (copied from the repository's {@code schemas/history}). No registry server is involved: a reader
 * resolves any writer whose schema is kept in the repository.
 */
public final class SchemaCatalog {

    /** The record types that travel on topics, each with its history kept in {@code schemas/history/}. */
    public static final List<Class<? extends SpecificRecordBase>> TOPIC_RECORD_TYPES = topLevelTypes();

    private static final SchemaCatalog STANDARD = load();

    private final Map<Long, Schema> byFingerprint;
    private final Map<String, List<Schema>> historyByName;

    private SchemaCatalog(Map<Long, Schema> byFingerprint, Map<String, List<Schema>> historyByName) {
        this.byFingerprint = Map.copyOf(byFingerprint);
        this.historyByName = Map.copyOf(historyByName);
    }

    /** The catalog of this build: current schemas plus every kept history version. */
    public static SchemaCatalog standard() {
        return STANDARD;
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    public Optional<Schema> writerSchema(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    /** Kept versions of a record type, oldest first (v1, v2, ...); empty if none are kept. */
    public List<Schema> history(String simpleName) {
        return historyByName.getOrDefault(simpleName, List.of());
    }

    public int size() {
        return byFingerprint.size();
    }

    private static SchemaCatalog load() {
        Map<Long, Schema> byFingerprint = new LinkedHashMap<>();
        Map<String, List<Schema>> history = new LinkedHashMap<>();
        for (Class<? extends SpecificRecordBase> type : TOPIC_RECORD_TYPES) {
            Schema current = SpecificData.get().getSchema(type);
            byFingerprint.put(fingerprint(current), current);
            List<Schema> versions = loadHistory(type.getSimpleName());
            versions.forEach(v -> byFingerprint.putIfAbsent(fingerprint(v), v));
            history.put(type.getSimpleName(), versions);
        }
        return new SchemaCatalog(byFingerprint, history);
    }

    private static List<Schema> loadHistory(String simpleName) {
        List<Schema> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = "/schemas/history/" + simpleName + "/v" + version + ".avsc";
            try (InputStream in = SchemaCatalog.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return Collections.unmodifiableList(versions);
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kept schema " + resource, e);
            }
        }
    }

    private static List<Class<? extends SpecificRecordBase>> topLevelTypes() {
        List<Class<? extends SpecificRecordBase>> types = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            types.add(kind.rawType());
            types.add(kind.enrichedType());
        }
        types.add(TenantMetadata.class);
        types.add(AuditRecord.class);
        return List.copyOf(types);
    }
}
