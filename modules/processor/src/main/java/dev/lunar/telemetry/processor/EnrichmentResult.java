package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.events.EventKind;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/** What {@link EnrichmentPipeline#apply} made of one raw record: an enriched record, or a reason to dead-letter it. */
public sealed interface EnrichmentResult {

    EventKind kind();

    /**
     * The enriched record, its encoded bytes (Avro single-object encoding, ready for the enriched topic), the tenant
     * it was attributed to and the paths that were removed or redacted.
     */
    record Enriched(EventKind kind, SpecificRecordBase record, byte[] value, String tenantId, boolean knownTenant,
                    List<String> redactedPaths) implements EnrichmentResult {}

    /**
     * The record cannot go on. {@code stage} is {@code decode}, {@code validate} or {@code enrich}; {@code reason} is
     * a {@link dev.lunar.telemetry.events.BadRecordException.Reason} name; {@code detail} describes the problem,
     * never the record's contents.
     */
    record Rejected(EventKind kind, String stage, String reason, String detail) implements EnrichmentResult {}
}
