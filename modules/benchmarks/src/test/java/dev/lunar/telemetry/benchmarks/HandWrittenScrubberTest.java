package dev.lunar.telemetry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.ProcessorSettings;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class HandWrittenScrubberTest {

    @Test
    void handWrittenBaselineScrubsExactlyLikeTheCompiledPlan() {
        List<BenchRecords.Raw> raws = BenchRecords.generate(3000, 7).records();
        EventKind[] kinds = new EventKind[raws.size()];
        SpecificRecordBase[] records = new SpecificRecordBase[raws.size()];
        RecordSnapshot[] snapshots = new RecordSnapshot[raws.size()];
        for (int i = 0; i < raws.size(); i++) {
            kinds[i] = raws.get(i).kind();
            records[i] = BenchRecords.codec(kinds[i].rawType()).decode(raws.get(i).value());
            snapshots[i] = RecordSnapshot.of(records[i]);
        }
        DenylistPlanProbe plan = DenylistPlanProbe.of(ProcessorSettings.builder("127.0.0.1:9").build());

        int differences = ScrubberComparison.differences(plan, new HandWrittenScrubber(), kinds, records, snapshots);

        assertThat(differences).isZero();
    }

    @Test
    void generatedRecordsCarrySecretsForThePlanToRemove() {
        List<BenchRecords.Raw> raws = BenchRecords.generate(2000, 7).records();
        DenylistPlanProbe plan = DenylistPlanProbe.of(ProcessorSettings.builder("127.0.0.1:9").build());
        long scrubbed = raws.stream()
                .filter(r -> !plan.scrub(r.kind(), BenchRecords.codec(r.kind().rawType()).decode(r.value())).isEmpty())
                .count();

        assertThat(scrubbed).as("records with something removed or redacted").isBetween(200L, 1500L);
    }

    @Test
    void restoringASnapshotUndoesScrubbing() {
        BenchRecords.Raw raw = BenchRecords.generate(400, 3).records().stream()
                .filter(r -> r.kind() == EventKind.POLICIES).findFirst().orElseThrow();
        SpecificRecordBase record = BenchRecords.codec(raw.kind().rawType()).decode(raw.value());
        SpecificRecordBase original = BenchRecords.codec(raw.kind().rawType()).decode(raw.value());
        RecordSnapshot snapshot = RecordSnapshot.of(record);

        new HandWrittenScrubber().scrub(raw.kind(), record);
        assertThat(record).isNotEqualTo(original);
        snapshot.restore();

        assertThat(record).isEqualTo(original);
    }

    @Test
    void eventIdIsReadFromTheEncodedHeader() {
        BenchRecords.Raw raw = BenchRecords.generate(10, 1).records().get(3);

        assertThat(BenchRecords.eventIdOf(raw.value())).isEqualTo(raw.eventId());
    }
}
