package dev.lunar.telemetry.processor.privacy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * The denylist and value redaction for one record schema and one set of patterns, compiled once (like Kafka Connect's
 * {@code ReplaceField}, whose rewritten schema is computed once per input schema): every record field is decided when
 * the plan is built — removed, walked into, redacted as text, or left alone (numbers, booleans) — so applying the plan
 * is a walk over the fields that matter with positional {@code get}/{@code put}, no reflection and no pattern
 * interpretation. Only map keys and YAML keys, which are data, are matched at run time, through the matcher's cached
 * transitions.
 *
 * <p>A removed field is set to its type's empty value (null, "", empty map or array, zero); a removed map entry is
 * taken out. Each removal and each redaction is reported by path. Maps and arrays are copied on write, so records
 * built from immutable collections work too. Thread-safe; the record passed to {@link #apply} is changed in place.
 */
public final class DenylistPlan {

    /** The record and field whose string value is a configuration file's text, scrubbed as YAML. */
    static final String CONFIG_RECORD = "ConfigFile";
    static final String CONFIG_CONTENT_FIELD = "content";

    private final RecordStep root;

    private DenylistPlan(RecordStep root) {
        this.root = root;
    }

    /**
     * @param schema       the raw record's schema; its name (first letter lower-cased) is the first path segment
     * @param skipped      top-level fields the plan does not touch (the event header; fields the enriched schema
     *                     drops anyway)
     */
    static DenylistPlan compile(Schema schema, Set<String> skipped, PathMatcher matcher, ValueRedactor redactor,
                                ConfigFileScrubber configFiles) {
        Compiler compiler = new Compiler(redactor, configFiles);
        PathMatcher.State state = matcher.start().step(rootName(schema));
        RecordStep root = compiler.record(schema, state, skipped);
        return new DenylistPlan(root == null ? new RecordStep(new FieldStep[0]) : root);
    }

    /** {@code ProxyLog} → {@code proxyLog}: the first segment of every path in this record. */
    static String rootName(Schema schema) {
        String name = schema.getName();
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** Scrubs {@code record} in place; reports into {@code report}. */
    public void apply(IndexedRecord record, ScrubReport report) {
        root.apply(record, new FieldPath(), report);
    }

    /** Number of field steps at the top level (for tests: a plan only holds the fields that matter). */
    int topLevelSteps() {
        return root.fields.length;
    }

    // ---------------------------------------------------------------------------------------------------------

    interface Step {
        /** The scrubbed value: {@code value} itself when unchanged (records change in place and return themselves). */
        Object apply(Object value, FieldPath path, ScrubReport report);
    }

    private static final class Compiler {
        private final ValueRedactor redactor;
        private final ConfigFileScrubber configFiles;
        private final Step text;

        Compiler(ValueRedactor redactor, ConfigFileScrubber configFiles) {
            this.redactor = redactor;
            this.configFiles = configFiles;
            this.text = new TextStep(redactor);
        }

        RecordStep record(Schema schema, PathMatcher.State state, Set<String> skipped) {
            List<FieldStep> steps = new ArrayList<>();
            for (Schema.Field field : schema.getFields()) {
                if (skipped.contains(field.name())) {
                    continue;
                }
                PathMatcher.State next = state.step(field.name());
                Step step;
                if (next.removes()) {
                    step = new RemoveStep(emptyValue(field.schema()), next.removingPattern());
                } else {
                    boolean configText = schema.getName().equals(CONFIG_RECORD)
                            && field.name().equals(CONFIG_CONTENT_FIELD);
                    step = value(field.schema(), next, configText);
                }
                if (step != null) {
                    steps.add(new FieldStep(field.pos(), field.name(), step));
                }
            }
            return steps.isEmpty() ? null : new RecordStep(steps.toArray(FieldStep[]::new));
        }

        /** The step for a value of {@code schema} at {@code state} (not removed there), or null if none is needed. */
        Step value(Schema schema, PathMatcher.State state, boolean configText) {
            switch (schema.getType()) {
                case STRING:
                    return configText ? new ConfigTextStep(configFiles, state) : text;
                case MAP:
                    return new MapStep(this, schema.getValueType(), state);
                case ARRAY: {
                    Step element = value(schema.getElementType(), state, configText);
                    return element == null ? null : new ArrayStep(element);
                }
                case RECORD:
                    return record(schema, state, Set.of());
                case UNION: {
                    List<Schema> branches = schema.getTypes();
                    if (branches.size() == 2 && branches.get(0).getType() == Schema.Type.NULL) {
                        Step inner = value(branches.get(1), state, configText);
                        return inner == null ? null : new NullableStep(inner);
                    }
                    throw new IllegalArgumentException("the denylist supports unions of null and one type only, not "
                            + schema + "; extend DenylistPlan before adding such a field");
                }
                default:
                    return null; // numbers, booleans, enums, bytes: no text, no sub-paths
            }
        }
    }

    /** The value a removed field gets: null, "", empty collections, zero, or a record of such values. */
    static Object emptyValue(Schema schema) {
        switch (schema.getType()) {
            case NULL:
                return null;
            case STRING:
                return "";
            case MAP:
                return Map.of();
            case ARRAY:
                return List.of();
            case INT:
                return 0;
            case LONG:
                return 0L;
            case FLOAT:
                return 0f;
            case DOUBLE:
                return 0d;
            case BOOLEAN:
                return false;
            case BYTES:
                return ByteBuffer.allocate(0);
            case ENUM:
                return SpecificData.get().createEnum(schema.getEnumSymbols().get(0), schema);
            case FIXED:
                return SpecificData.get().createFixed(null, new byte[schema.getFixedSize()], schema);
            case UNION:
                return emptyValue(schema.getTypes().get(0));
            case RECORD: {
                IndexedRecord record = (IndexedRecord) SpecificData.get().newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), emptyValue(field.schema()));
                }
                return record;
            }
            default:
                throw new IllegalArgumentException("no empty value for " + schema);
        }
    }

    static boolean isEmpty(Object value) {
        return value == null
                || value instanceof CharSequence text && text.length() == 0
                || value instanceof Map<?, ?> map && map.isEmpty()
                || value instanceof Collection<?> collection && collection.isEmpty()
                || value instanceof Number number && number.doubleValue() == 0d
                || Boolean.FALSE.equals(value);
    }

    private record FieldStep(int pos, String name, Step step) {}

    private static final class RecordStep implements Step {
        final FieldStep[] fields;

        RecordStep(FieldStep[] fields) {
            this.fields = fields;
        }

        @Override
        public Object apply(Object value, FieldPath path, ScrubReport report) {
            IndexedRecord record = (IndexedRecord) value;
            for (FieldStep field : fields) {
                Object before = record.get(field.pos);
                path.push(field.name);
                Object after = field.step.apply(before, path, report);
                path.pop();
                if (after != before) {
                    record.put(field.pos, after);
                }
            }
            return value;
        }
    }

    private static final class RemoveStep implements Step {
        private final Object empty;
        private final String rule;

        RemoveStep(Object empty, String rule) {
            this.empty = empty;
            this.rule = rule;
        }

        @Override
        public Object apply(Object value, FieldPath path, ScrubReport report) {
            if (isEmpty(value)) {
                return value;
            }
            report.removed(path.toString(), rule);
            return empty;
        }
    }

    private static final class TextStep implements Step {
        private final ValueRedactor redactor;

        TextStep(ValueRedactor redactor) {
            this.redactor = redactor;
        }

        @Override
        public Object apply(Object value, FieldPath path, ScrubReport report) {
            if (value == null) {
                return null;
            }
            String text = value.toString();
            String redacted = redactor.redact(text, report);
            if (redacted.equals(text)) {
                return value;
            }
            report.redactedAt(path.toString());
            return redacted;
        }
    }

    private static final class ConfigTextStep implements Step {
        /** Distinct configuration files remembered per place in a plan: a fleet's proxies share few variants. */
        private static final int REMEMBERED_FILES = 256;

        private final ConfigFileScrubber configFiles;
        private final PathMatcher.State state;
        private final ConfigScrubMemo memo = new ConfigScrubMemo(REMEMBERED_FILES);

        ConfigTextStep(ConfigFileScrubber configFiles, PathMatcher.State state) {
            this.configFiles = configFiles;
            this.state = state;
        }

        @Override
        public Object apply(Object value, FieldPath path, ScrubReport report) {
            if (value == null) {
                return null;
            }
            String text = value.toString();
            String scrubbed = memo.scrub(configFiles, text, state, path, report);
            return scrubbed == text ? value : scrubbed;
        }
    }

    private static final class NullableStep implements Step {
        private final Step inner;

        NullableStep(Step inner) {
            this.inner = inner;
        }

        @Override
        public Object apply(Object value, FieldPath path, ScrubReport report) {
            return value == null ? null : inner.apply(value, path, report);
        }
    }

    private static final class ArrayStep implements Step {
        private final Step element;

        ArrayStep(Step element) {
            this.element = element;
        }

        @Override
        public Object apply(Object value, FieldPath path, ScrubReport report) {
            if (!(value instanceof List<?> list) || list.isEmpty()) {
                return value;
            }
            List<Object> copy = null;
            for (int i = 0; i < list.size(); i++) {
                Object before = list.get(i);
                path.pushIndex(i);
                Object after = element.apply(before, path, report);
                path.pop();
                if (after != before) {
                    if (copy == null) {
                        copy = new ArrayList<>(list);
                    }
                    copy.set(i, after);
                }
            }
            return copy == null ? value : copy;
        }
    }

    /** Map entries: keys are path segments decided at run time through the matcher's cached transitions. */
    private static final class MapStep implements Step {
        private final Compiler compiler;
        private final Schema valueSchema;
        private final PathMatcher.State state;
        private final Map<PathMatcher.State, Optional<Step>> valueSteps = new ConcurrentHashMap<>();

        MapStep(Compiler compiler, Schema valueSchema, PathMatcher.State state) {
            this.compiler = compiler;
            this.valueSchema = valueSchema;
            this.state = state;
        }

        @Override
        public Object apply(Object value, FieldPath path, ScrubReport report) {
            if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
                return value;
            }
            Map<Object, Object> copy = null;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                PathMatcher.State next = state.step(key);
                // A key holding a secret first: the removed path is reported, and must not carry the key's text.
                if (compiler.redactor.containsSecret(key, report)) {
                    report.removed(path.with(PrivacyDefaults.MARKER), "secret-in-key");
                    copy = copy == null ? new HashMap<>(map) : copy;
                    copy.remove(entry.getKey());
                    continue;
                }
                if (next.removes()) {
                    report.removed(path.with(key), next.removingPattern());
                    copy = copy == null ? new HashMap<>(map) : copy;
                    copy.remove(entry.getKey());
                    continue;
                }
                Step step = valueSteps.computeIfAbsent(next,
                        s -> Optional.ofNullable(compiler.value(valueSchema, s, false))).orElse(null);
                if (step != null) {
                    Object before = entry.getValue();
                    path.push(key);
                    Object after = step.apply(before, path, report);
                    path.pop();
                    if (after != before) {
                        copy = copy == null ? new HashMap<>(map) : copy;
                        copy.put(entry.getKey(), after);
                    }
                }
            }
            return copy == null ? value : copy;
        }
    }
}
