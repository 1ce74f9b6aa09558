package dev.lunar.telemetry.benchmarks;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.privacy.DenylistPlan;
import dev.lunar.telemetry.processor.privacy.PrivacyRules;
import dev.lunar.telemetry.processor.privacy.ScrubReport;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;

/**
 * The processor's compiled {@link DenylistPlan} per kind, built through the privacy package's public entry point
 * ({@link PrivacyRules}) exactly as the processor builds it, for the denylist benchmark and the hand-written scrubber
 * comparison.
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
