package dev.lunar.telemetry.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;

/**
 * Every field reference of a record tree (nested records inside fields, lists and map values included), so a record
 * that a scrubber changed in place can be put back exactly as it was by writing the references back. Scrubbers replace
 * strings and copy collections on write, and change nested records in place; restoring the references therefore
 * undoes all of it, at the cost of one {@code put} per field — far less than scrubbing, and the same for every
 * benchmark that uses it ({@code DenylistBenchmark.restoreOnly} measures it alone).
 */
final class RecordSnapshot {

    private final IndexedRecord[] records;
    private final int[] positions;
    private final Object[] values;

    private RecordSnapshot(List<IndexedRecord> records, List<Integer> positions, List<Object> values) {
        this.records = records.toArray(IndexedRecord[]::new);
        this.positions = positions.stream().mapToInt(Integer::intValue).toArray();
        this.values = values.toArray();
    }

    static RecordSnapshot of(IndexedRecord root) {
        List<IndexedRecord> records = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        collect(root, records, positions, values);
        return new RecordSnapshot(records, positions, values);
    }

    private static void collect(Object value, List<IndexedRecord> records, List<Integer> positions,
                                List<Object> values) {
        if (value instanceof IndexedRecord record) {
            int fields = record.getSchema().getFields().size();
            for (int pos = 0; pos < fields; pos++) {
                Object field = record.get(pos);
                records.add(record);
                positions.add(pos);
                values.add(field);
                collect(field, records, positions, values);
            }
        } else if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                collect(element, records, positions, values);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object element : map.values()) {
                collect(element, records, positions, values);
            }
        }
    }

    /** Puts every field reference back. */
    void restore() {
        for (int i = 0; i < records.length; i++) {
            records[i].put(positions[i], values[i]);
        }
    }
}
