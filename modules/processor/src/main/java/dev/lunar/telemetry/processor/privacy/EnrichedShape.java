package dev.lunar.telemetry.processor.privacy;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * How a raw record becomes its enriched form, derived from the two schemas once per kind: each enriched field takes
 * the raw field of the same name (same type, checked here), except {@code tenant}, {@code redactedPaths} and
 * {@code processedAt}, which the processor fills in. Raw fields the enriched schema has no place for — access log
 * entries with their headers, concrete URLs, per-consumer counts — are dropped, and reported when they held
 * something (P1).
 */
public final class EnrichedShape {

    static final String HEADER = "header";
    static final String TAGS = "tags";
    static final String ENVIRONMENT = "environment";
    static final String TENANT = "tenant";
    static final String REDACTED_PATHS = "redactedPaths";
    static final String PROCESSED_AT = "processedAt";
    public static final String DROP_RULE = "not-in-enriched-schema";

    final EventKind kind;
    final Schema raw;
    final Schema enriched;
    public final int headerPos;
    public final int tagsPos;
    public final int environmentPos;
    public final int tenantPos;
    public final int redactedPathsPos;
    public final int processedAtPos;
    /** For each enriched position, the raw position it is copied from, or -1. */
    private final int[] sourceOf;
    private final int[] droppedPositions;
    private final String[] droppedNames;
    private final Supplier<SpecificRecordBase> newEnriched;

    private EnrichedShape(EventKind kind) {
        this.kind = kind;
        this.raw = SpecificData.get().getSchema(kind.rawType());
        this.enriched = SpecificData.get().getSchema(kind.enrichedType());
        this.headerPos = raw.getField(HEADER).pos();
        this.tagsPos = raw.getField(TAGS).pos();
        Schema.Field env = raw.getField(ENVIRONMENT);
        this.environmentPos = env == null ? -1 : env.pos();
        this.tenantPos = enriched.getField(TENANT).pos();
        this.redactedPathsPos = enriched.getField(REDACTED_PATHS).pos();
        this.processedAtPos = enriched.getField(PROCESSED_AT).pos();
        this.sourceOf = new int[enriched.getFields().size()];
        Arrays.fill(sourceOf, -1);
        Set<String> computed = Set.of(TENANT, REDACTED_PATHS, PROCESSED_AT);
        for (Schema.Field field : enriched.getFields()) {
            if (computed.contains(field.name())) {
                continue;
            }
            Schema.Field source = raw.getField(field.name());
            if (source == null || !source.schema().equals(field.schema())) {
                throw new IllegalStateException(kind.enrichedType().getSimpleName() + "." + field.name()
                        + " has no raw field of the same name and type in " + kind.rawType().getSimpleName()
                        + "; teach EnrichedShape how to fill it");
            }
            sourceOf[field.pos()] = source.pos();
        }
        List<Schema.Field> dropped = new ArrayList<>();
        for (Schema.Field field : raw.getFields()) {
            if (enriched.getField(field.name()) == null) {
                dropped.add(field);
            }
        }
        this.droppedPositions = dropped.stream().mapToInt(Schema.Field::pos).toArray();
        this.droppedNames = dropped.stream().map(Schema.Field::name).toArray(String[]::new);
        this.newEnriched = constructor(kind);
    }

    private static final EnrichedShape[] SHAPES = Arrays.stream(EventKind.values())
            .map(EnrichedShape::new).toArray(EnrichedShape[]::new);

    public static EnrichedShape of(EventKind kind) {
        return SHAPES[kind.ordinal()];
    }

    /** Raw fields the denylist plan does not walk: the header (identity) and what the mapping drops. */
    Set<String> unscrubbedRawFields() {
        List<String> names = new ArrayList<>(List.of(droppedNames));
        names.add(HEADER);
        return Set.copyOf(names);
    }

    /** Names of the raw fields that are dropped. */
    List<String> droppedFields() {
        return List.of(droppedNames);
    }

    /** Reports each dropped raw field that held something. */
    public void reportDropped(SpecificRecordBase rawRecord, ScrubReport report) {
        for (int i = 0; i < droppedPositions.length; i++) {
            if (!DenylistPlan.isEmpty(rawRecord.get(droppedPositions[i]))) {
                report.removed(droppedNames[i], DROP_RULE);
            }
        }
    }

    /** A new enriched record with the raw fields copied (by reference) and the computed ones unset. */
    public SpecificRecordBase copyToEnriched(SpecificRecordBase rawRecord) {
        SpecificRecordBase out = newEnriched.get();
        for (int pos = 0; pos < sourceOf.length; pos++) {
            int from = sourceOf[pos];
            if (from >= 0) {
                out.put(pos, rawRecord.get(from));
            }
        }
        return out;
    }

    private static Supplier<SpecificRecordBase> constructor(EventKind kind) {
        switch (kind) {
            case LOGS:
                return EnrichedLog::new;
            case RESOURCES:
                return EnrichedResourceUsage::new;
            case HEARTBEATS:
                return EnrichedHeartbeat::new;
            case POLICIES:
                return EnrichedPolicySnapshot::new;
            case ENDPOINTS:
                return EnrichedEndpointStats::new;
            default:
                throw new IllegalStateException("no enriched type for " + kind);
        }
    }
}
