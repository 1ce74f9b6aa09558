package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.events.EventKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;

/**
 * Benchmark access to the processor's compiled {@link DenylistPlan}, which is package-private by design (the
 * processor's public API is {@link EnrichmentPipeline}). This class lives in the benchmarks module, in the processor's
 * package, so that the processor itself needs no benchmark hook; it compiles against the processor's internals and
 * breaks loudly when they change. Not for production use.
 */
public final class DenylistPlanProbe {

    private final Map<EventKind, DenylistPlan> plans = new EnumMap<>(EventKind.class);

    private DenylistPlanProbe(PrivacyRules rules) {
        for (EventKind kind : EventKind.values()) {
            plans.put(kind, rules.plan(kind, List.of()));
        }
    }

    /** The base plans (pipeline defaults plus the settings' additions; no tenant patterns) of {@code settings}. */
    public static DenylistPlanProbe of(ProcessorSettings settings) {
        return new DenylistPlanProbe(PrivacyRules.of(settings));
    }

    /**
     * Applies the compiled plan of {@code kind} to the raw record {@code record}, in place, exactly as the processor
     * does (without the API-key literals of the event).
     *
     * @return the paths removed or redacted, in the order the plan visited them
     */
    public List<String> scrub(EventKind kind, IndexedRecord record) {
        ScrubReport report = ScrubReport.empty();
        plans.get(kind).apply(record, report);
        return report.paths();
    }
}
