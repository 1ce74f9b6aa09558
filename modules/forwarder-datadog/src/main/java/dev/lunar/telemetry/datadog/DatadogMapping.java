package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Everything Datadog receives, decided here and nowhere else (DESIGN.md P4): proxy logs; CPU, memory and disk writes
 * with the tenant name; enabled policies and plugins; endpoints that have policies; proxy metadata (version, uptime,
 * restarts). Plain functions from enriched records to Logs v2 entries and Metrics v2 series.
 *
 * <p>Never mapped: endpoint traffic stats (P2, P4 — {@link #mapsType} refuses them), the text of configuration files,
 * GitHub user names, the records' proxy tags (only the tenant's own tags become Datadog tags), and any tag or
 * environment variable whose name looks like a credential (a second line of defence behind the processor's
 * denylist, P3).
 *
 * <p>This class dispatches on the record type; the models are {@link LogEntry} and {@link Series}, the tags of a
 * (tenant, proxy, version) {@link Tags} (normalised once and cached), the JSON they are written with
 * {@link JsonFragments}, and the DogStatsD form of a series {@link DogStatsdLine}. Entries and series are not built as
 * JSON trees: each keeps the record's values and writes itself field by field with a streaming generator, in the
 * field order (and so to the bytes) a tree of the same content would be serialised to.
 */
final class DatadogMapping {

    private DatadogMapping() {}

    /** The record types that may go to Datadog; anything else (endpoint stats in particular) is refused. */
    static boolean mapsType(Class<?> type) {
        return type == EnrichedLog.class || type == EnrichedHeartbeat.class || type == EnrichedPolicySnapshot.class
                || type == EnrichedResourceUsage.class;
    }

    /**
     * The fields of a mapped type that nothing here reads — the processor's redacted paths, the records' proxy tags, a
     * policy snapshot's file texts — so the forwarder need not decode them.
     */
    static Set<String> unreadFields(Class<?> type) {
        return type == EnrichedPolicySnapshot.class ? Set.of("redactedPaths", "tags", "files")
                : Set.of("redactedPaths", "tags");
    }

    /** What one enriched record becomes: log entries and metric series, both possibly empty. */
    record Mapped(List<LogEntry> logEntries, List<Series> series) {}

    static Mapped map(SpecificRecordBase record, String service, String source) {
        if (record instanceof EnrichedLog log) {
            return new Mapped(List.of(LogEntry.of(log, service, source)), List.of());
        }
        if (record instanceof EnrichedHeartbeat hb) {
            return new Mapped(List.of(LogEntry.of(hb, service, source)), Series.of(hb));
        }
        if (record instanceof EnrichedPolicySnapshot ps) {
            return new Mapped(List.of(LogEntry.of(ps, service, source)), List.of());
        }
        if (record instanceof EnrichedResourceUsage ru) {
            return new Mapped(List.of(), Series.of(ru));
        }
        throw new IllegalArgumentException("never sent to Datadog: " + record.getClass().getSimpleName()
                + " (DESIGN.md P2/P4)");
    }

    /**
     * The tenant id of a mapped record, as the one string its {@link Tags} keep: a batch's thousands of entries then
     * hash and compare their tenants (destinations, audit tenant sets) without reading the characters again.
     */
    static String tenantId(SpecificRecordBase record) {
        if (record instanceof EnrichedLog r) {
            return Tags.of(r.getHeader(), r.getTenant()).tenantId();
        }
        if (record instanceof EnrichedHeartbeat r) {
            return Tags.of(r.getHeader(), r.getTenant()).tenantId();
        }
        if (record instanceof EnrichedPolicySnapshot r) {
            return Tags.of(r.getHeader(), r.getTenant()).tenantId();
        }
        if (record instanceof EnrichedResourceUsage r) {
            return Tags.of(r.getHeader(), r.getTenant()).tenantId();
        }
        return null;
    }

    /** The entry as a tree (tests). */
    static ObjectNode logEntry(EnrichedLog log, String service, String source) {
        return JsonFragments.toTree(LogEntry.of(log, service, source));
    }

    /** The entry as a tree (tests). */
    static ObjectNode logEntry(EnrichedHeartbeat hb, String service, String source) {
        return JsonFragments.toTree(LogEntry.of(hb, service, source));
    }

    /** The entry as a tree (tests). */
    static ObjectNode logEntry(EnrichedPolicySnapshot ps, String service, String source) {
        return JsonFragments.toTree(LogEntry.of(ps, service, source));
    }

    /** The series as trees (tests). */
    static List<ObjectNode> series(EnrichedResourceUsage ru) {
        return Series.trees(ru);
    }

    /** The series as trees (tests). */
    static List<ObjectNode> series(EnrichedHeartbeat hb) {
        return Series.trees(hb);
    }

    /** DogStatsD line of a series: {@code name:value|g|#tag,...,host:<h>|T<ts>} (counts use {@code |c}). */
    static String dogStatsdLine(JsonWritable series) {
        if (series instanceof PreparedRecord.Encoded e) {
            return e.series().dogStatsdLine();
        }
        return series instanceof Series s ? s.dogStatsdLine() : DogStatsdLine.of(((JsonWritable.Tree) series).node());
    }

    /** DogStatsD line of a series given as a tree. */
    static String dogStatsdLine(ObjectNode series) {
        return DogStatsdLine.of(series);
    }
}
