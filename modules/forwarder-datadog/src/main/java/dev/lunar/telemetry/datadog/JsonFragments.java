package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON with a streaming {@link JsonGenerator}: the fields entries and series are made of, and fragments of an
 * object written once and copied as raw JSON into every object that shares them.
 */
final class JsonFragments {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper TREES = new ObjectMapper();

    private JsonFragments() {}

    /** {@code value} as a tree: what it writes, parsed back (tests, debugging; never on the forwarding path). */
    static ObjectNode toTree(JsonWritable value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = JSON.createGenerator(out)) {
                value.writeTo(g);
            }
            return (ObjectNode) TREES.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void field(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    static void field(JsonGenerator g, SerializableString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    static void strings(JsonGenerator g, SerializableString name, List<String> values) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** {@code map}'s entries sorted by name, without credential-like names, as a JSON object. */
    static void sortedWithoutCredentials(JsonGenerator g, SerializableString name, Map<String, String> map)
            throws IOException {
        g.writeFieldName(name);
        g.writeStartObject();
        String[] keys = map.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        for (String k : keys) {
            if (!TagRules.isCredentialName(k)) {
                g.writeFieldName(k);
                g.writeString(map.get(k));
            }
        }
        g.writeEndObject();
    }

    /** Writes fields into an object. */
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The fields {@code fields} writes, as the generator writes them inside an object, without the braces: raw JSON
     * to copy into an object being written, with a comma before or after.
     */
    static RawJson fragment(Fields fields, boolean commaBefore, boolean commaAfter) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] object = out.toByteArray();
        int inner = object.length - 2;
        byte[] raw = new byte[inner + (commaBefore ? 1 : 0) + (commaAfter ? 1 : 0)];
        int at = 0;
        if (commaBefore) {
            raw[at++] = ',';
        }
        System.arraycopy(object, 1, raw, at, inner);
        if (commaAfter) {
            raw[at + inner] = ',';
        }
        return new RawJson(raw);
    }
}
