package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.events.EventKind;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * What {@link EnrichmentPipeline#apply} made of one raw record: an enriched record, a reason to dead-letter it, or a
 * reason to drop it whole.
 */
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
     * a {@link dev.lunar.telemetry.events.BadRecordException.Reason} name or {@link #SCRUB_BUDGET}; {@code detail}
     * describes the problem, never the record's contents. {@code withholdContent}: the dead letter must carry none
     * of the record (no value, none of its headers), because the record could not be scrubbed.
     */
    record Rejected(EventKind kind, String stage, String reason, String detail, boolean withholdContent)
            implements EnrichmentResult {

        /** Scrubbing the record took more CPU time than {@code processor.scrub-budget}. */
        public static final String SCRUB_BUDGET = "SCRUB_BUDGET";

        /** A rejection whose dead letter keeps the record (it is unreadable or invalid, not unscrubbed). */
        public Rejected(EventKind kind, String stage, String reason, String detail) {
            this(kind, stage, reason, detail, false);
        }
    }

    /**
     * The record must not go on at all (P1, P4): it is written nowhere — no enriched topic, no dead-letter topic, no
     * log — and counted ({@code lunar.processor.dropped}). Its input offset is committed like any other's.
     * {@code reason} is {@code individual-request} or {@code log-level}.
     */
    record Dropped(EventKind kind, String reason) implements EnrichmentResult {}
}
