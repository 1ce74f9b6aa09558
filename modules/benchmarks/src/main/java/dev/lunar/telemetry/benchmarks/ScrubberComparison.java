package dev.lunar.telemetry.benchmarks;

import dev.lunar.telemetry.events.EventKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/** Checks that the compiled plan and the hand-written baseline scrub the same records into the same result. */
final class ScrubberComparison {

    private ScrubberComparison() {}

    /** Number of records (restored afterwards) for which records or reported paths differ. */
    static int differences(DenylistPlanProbe plan, HandWrittenScrubber handWritten, EventKind[] kinds,
                           SpecificRecordBase[] records, RecordSnapshot[] snapshots) {
        int differences = 0;
        for (int i = 0; i < records.length; i++) {
            snapshots[i].restore();
            List<String> byPlan = sorted(plan.scrub(kinds[i], records[i]));
            SpecificRecordBase planned = SpecificData.get().deepCopy(records[i].getSchema(), records[i]);
            snapshots[i].restore();
            List<String> byHand = sorted(handWritten.scrub(kinds[i], records[i]));
            if (!byPlan.equals(byHand) || !planned.equals(records[i])) {
                if (differences == 0) {
                    System.err.println("first difference, " + kinds[i] + " record " + i + ": plan " + byPlan
                            + " / by hand " + byHand + (planned.equals(records[i]) ? "" : "; records differ"));
                }
                differences++;
            }
            snapshots[i].restore();
        }
        return differences;
    }

    private static List<String> sorted(List<String> paths) {
        List<String> copy = new ArrayList<>(paths);
        Collections.sort(copy);
        return copy;
    }
}
