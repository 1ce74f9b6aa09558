package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.avro.Heartbeat;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The build-time guard of DESIGN.md §3: every kept version stays readable by the next and by the current one. */
class SchemaEvolutionTest {

    static List<Class<? extends SpecificRecordBase>> topicRecordTypes() {
        return SchemaCatalog.TOPIC_RECORD_TYPES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicRecordTypes")
    void currentSchemaIsTheNewestKeptVersion(Class<? extends SpecificRecordBase> type) {
        List<Schema> history = SchemaCatalog.standard().history(type.getSimpleName());
        Schema current = SpecificData.get().getSchema(type);

        assertThat(history)
                .as("schemas/history/%s/ must hold every released version, the newest equal to schemas/%s.avsc;"
                        + " after changing a schema add it there as the next vN.avsc", type.getSimpleName(),
                        type.getSimpleName())
                .isNotEmpty();
        assertThat(SchemaCatalog.fingerprint(history.get(history.size() - 1)))
                .as("schemas/%s.avsc differs from its newest kept version: copy it to schemas/history/%s/v%d.avsc",
                        type.getSimpleName(), type.getSimpleName(), history.size() + 1)
                .isEqualTo(SchemaCatalog.fingerprint(current));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicRecordTypes")
    void eachVersionReadsThePreviousOne(Class<? extends SpecificRecordBase> type) {
        List<Schema> history = SchemaCatalog.standard().history(type.getSimpleName());
        for (int i = 1; i < history.size(); i++) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(history.get(i), history.get(i - 1));
            assertThat(result.getType())
                    .as("%s v%d reading v%d: %s", type.getSimpleName(), i + 1, i, result.getDescription())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicRecordTypes")
    void currentVersionReadsEveryKeptVersion(Class<? extends SpecificRecordBase> type) {
        Schema current = SpecificData.get().getSchema(type);
        for (Schema old : SchemaCatalog.standard().history(type.getSimpleName())) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            assertThat(result.getType()).as(result.getDescription())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void heartbeatWrittenByAVersion1ProducerReadsAsTheCurrentClass() throws Exception {
        Schema v1 = SchemaCatalog.standard().history("Heartbeat").get(0);
        assertThat(v1.getField("unexpectedRestartReasons")).isNull();
        GenericRecord old = heartbeatV1(v1, "hb-old");

        Heartbeat read = AvroCodec.of(Heartbeat.class).decode(singleObject(v1, old));

        assertThat(read.getHeader().getEventId()).isEqualTo("hb-old");
        assertThat(read.getRestarts()).isEqualTo(2);
        assertThat(read.getUnexpectedRestartReasons()).isEmpty();
        assertThat(read.getEnvironment()).containsEntry("TZ", "UTC");
    }

    @Test
    void oneCodecReadsVersionsInAnyOrder() throws Exception {
        Schema v1 = SchemaCatalog.standard().history("Heartbeat").get(0);
        AvroCodec<Heartbeat> codec = AvroCodec.of(Heartbeat.class);
        byte[] old = singleObject(v1, heartbeatV1(v1, "hb-old"));
        Heartbeat current = codec.decode(old);
        current.getHeader().setEventId("hb-new");
        current.setUnexpectedRestartReasons(List.of("oom"));
        byte[] now = codec.encode(current);

        // the codec keeps the last version's reader at hand: switching back and forth must not mix them up
        for (byte[] bytes : List.of(old, old, now, now, old, now, old)) {
            Heartbeat read = codec.decode(bytes);
            boolean isOld = bytes == old;
            assertThat(read.getHeader().getEventId()).isEqualTo(isOld ? "hb-old" : "hb-new");
            assertThat(read.getUnexpectedRestartReasons()).isEqualTo(isOld ? List.of() : List.of("oom"));
        }
    }

    private static GenericRecord heartbeatV1(Schema v1, String eventId) {
        GenericRecord header = new GenericData.Record(v1.getField("header").schema());
        header.put("eventId", eventId);
        header.put("tenantId", "acme");
        header.put("proxyId", "proxy-7");
        header.put("proxyVersion", "1.0.0");
        header.put("producedAt", 1_700_000_000_000L);
        GenericRecord old = new GenericData.Record(v1);
        old.put("header", header);
        old.put("tags", Map.of());
        old.put("startedAt", 1_699_999_000_000L);
        old.put("uptimeSeconds", 1000L);
        old.put("restarts", 2);
        old.put("unexpectedRestarts", 1);
        old.put("environment", Map.of("TZ", "UTC"));
        return old;
    }

    static byte[] singleObject(Schema writer, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AvroCodec.headerFor(SchemaCatalog.fingerprint(writer)));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
