package dev.lunar.telemetry.events;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * A reader schema that leaves some fields of a record unread: each is renamed to a name no writer uses, with its
 * default. Avro's schema resolution then skips the writer's field (its bytes, without decoding them) and sets the
 * renamed field's default; the fields keep their positions, so the generated class is filled as before.
 */
final class UnreadFields {

    /** The suffix of an unread field's name: not a name any schema version uses. */
    static final String SUFFIX = "_unread";

    private UnreadFields() {}

    static Schema schema(Schema record, Set<String> unread) {
        Set<String> missing = new HashSet<>(unread);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            if (missing.remove(f.name())) {
                if (!f.hasDefaultValue()) {
                    throw new IllegalArgumentException(record.getName() + "." + f.name()
                            + " has no default: it cannot be left unread");
                }
                fields.add(new Schema.Field(f.name() + SUFFIX, f.schema(), f.doc(), f.defaultVal()));
            } else {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(record.getName() + " has no fields " + missing);
        }
        Schema copy = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), record.isError(),
                fields);
        record.getAliases().forEach(copy::addAlias);
        record.getObjectProps().forEach(copy::addProp);
        return copy;
    }
}
