package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** One JSON value (a log entry, a series) that writes itself. */
interface JsonWritable {
    void writeTo(JsonGenerator g) throws IOException;

    /** The value's JSON when it was serialised already, else null. */
    default byte[] encoded() {
        return null;
    }

    /** A tree, written as it is (tests build entries and series as trees). */
    record Tree(ObjectNode node) implements JsonWritable {
        private static final ObjectMapper TREES = new ObjectMapper();

        @Override
        public void writeTo(JsonGenerator g) throws IOException {
            TREES.writeTree(g, node);
        }
    }
}
