package dev.lunar.telemetry.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Every place in a raw record where a proxy can put text: string fields, map values, map keys, array elements, at
 * any depth — found by walking the record's Avro schema, so a field added to a schema is covered without touching
 * the privacy tests. The event header is left out (it identifies the event; it is not free text).
 */
final class TextSlots {

    /** A path to one place; {@link #name()} reads like {@code proxyLog.attributes[+key]}. */
    record Slot(List<Step> steps, boolean configText) {
        String name() {
            StringBuilder out = new StringBuilder();
            steps.forEach(step -> out.append(step.label()));
            return out.toString();
        }
    }

    sealed interface Step {
        String label();
    }

    record Field(int pos, String field) implements Step {
        public String label() {
            return "." + field;
        }
    }

    record Key(Object key) implements Step {
        public String label() {
            return "[" + key + "]";
        }
    }

    /** A new map entry whose key is the planted text. */
    record NewKey() implements Step {
        public String label() {
            return "[+key]";
        }
    }

    record Index(int index) implements Step {
        public String label() {
            return "[" + index + "]";
        }
    }

    private TextSlots() {}

    static List<Slot> of(SpecificRecordBase record) {
        List<Slot> slots = new ArrayList<>();
        Schema schema = record.getSchema();
        for (Schema.Field field : schema.getFields()) {
            if (!field.name().equals("header")) {
                walk(field.schema(), record.get(field.pos()), List.of(new Field(field.pos(), field.name())),
                        schema.getName().equals("ConfigFile") && field.name().equals("content"), slots);
            }
        }
        return slots;
    }

    private static void walk(Schema schema, Object value, List<Step> path, boolean configText, List<Slot> into) {
        switch (schema.getType()) {
            case STRING -> into.add(new Slot(path, configText));
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema(), ((IndexedRecord) value).get(field.pos()), with(path, new Field(field.pos(),
                            field.name())), schema.getName().equals("ConfigFile") && field.name().equals("content"),
                            into);
                }
            }
            case MAP -> {
                ((Map<?, ?>) value).forEach((key, v) -> walk(schema.getValueType(), v, with(path, new Key(key)),
                        false, into));
                into.add(new Slot(with(path, new NewKey()), false));
            }
            case ARRAY -> {
                List<?> list = (List<?>) value;
                for (int i = 0; i < list.size(); i++) {
                    walk(schema.getElementType(), list.get(i), with(path, new Index(i)), configText, into);
                }
            }
            case UNION -> {
                if (value != null) {
                    walk(schema.getTypes().get(SpecificData.get().resolveUnion(schema, value)), value, path,
                            configText, into);
                }
            }
            default -> { } // numbers, booleans, enums: no text
        }
    }

    /** A copy of {@code record} with {@code text} at {@code slot}. */
    @SuppressWarnings("unchecked")
    static <T extends SpecificRecordBase> T plant(T record, Slot slot, String text) {
        T copy = SpecificData.get().deepCopy(record.getSchema(), record);
        Object parent = copy;
        List<Step> steps = slot.steps();
        for (int i = 0; i < steps.size() - 1; i++) {
            parent = child(parent, steps.get(i));
        }
        Step last = steps.get(steps.size() - 1);
        if (last instanceof Field f) {
            ((IndexedRecord) parent).put(f.pos(), text);
        } else if (last instanceof Key k) {
            Map<Object, Object> map = (Map<Object, Object>) parent;
            Object key = map.keySet().stream().filter(x -> x.toString().equals(k.key().toString())).findFirst()
                    .orElseThrow();
            map.put(key, text);
        } else if (last instanceof Index ix) {
            ((List<Object>) parent).set(ix.index(), text);
        } else {
            Map<Object, Object> map = (Map<Object, Object>) parent;
            Object sample = map.values().iterator().hasNext() ? map.values().iterator().next() : "x";
            map.put(text, sample instanceof String ? "planted" : sample);
        }
        return copy;
    }

    private static Object child(Object parent, Step step) {
        if (step instanceof Field f) {
            return ((IndexedRecord) parent).get(f.pos());
        }
        if (step instanceof Key k) {
            return ((Map<?, ?>) parent).entrySet().stream().filter(e -> e.getKey().toString().equals(
                    k.key().toString())).findFirst().orElseThrow().getValue();
        }
        return ((List<?>) parent).get(((Index) step).index());
    }

    private static List<Step> with(List<Step> path, Step step) {
        List<Step> out = new ArrayList<>(path);
        out.add(step);
        return List.copyOf(out);
    }
}
