package dev.lunar.telemetry.events;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonDecoder;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro's JSON encoding of one record type, for producers that cannot speak Avro binary (a Go proxy, {@code kcat} by
 * hand) and for people reading records. Such records carry the header {@value #CONTENT_TYPE_HEADER}:
 * {@value #JSON_CONTENT_TYPE}.
 *
 * <p>It is the JSON encoding of the <em>current</em> schema: a non-null union value is wrapped in its type, e.g.
 * {@code "tenantId": {"string": "acme"}}, and timestamps are epoch milliseconds. Anything that does not match raises
 * {@link BadRecordException} naming the field or type Avro expected, never the record's contents.
 */
public final class AvroJsonCodec<T extends SpecificRecordBase> {
    public static final String CONTENT_TYPE_HEADER = "content-type";
    public static final String JSON_CONTENT_TYPE = "application/json";

    private final Class<T> type;
    private final Schema schema;
    private final SpecificDatumReader<T> reader;
    private final SpecificDatumWriter<T> writer;

    private AvroJsonCodec(Class<T> type) {
        this.type = type;
        this.schema = SpecificData.get().getSchema(type);
        this.reader = new SpecificDatumReader<>(schema);
        this.writer = new SpecificDatumWriter<>(schema);
    }

    public static <T extends SpecificRecordBase> AvroJsonCodec<T> of(Class<T> type) {
        return new AvroJsonCodec<>(type);
    }

    public T decode(byte[] json) {
        if (json == null || json.length == 0) {
            throw new BadRecordException(BadRecordException.Reason.EMPTY, "JSON record has no value bytes");
        }
        String text = new String(json, StandardCharsets.UTF_8);
        try {
            JsonDecoder decoder = DecoderFactory.get().jsonDecoder(schema, text);
            return reader.read(null, decoder);
        } catch (EOFException e) {
            throw new BadRecordException(BadRecordException.Reason.TRUNCATED,
                    type.getSimpleName() + " JSON ends early", e);
        } catch (AvroTypeException e) {
            throw new BadRecordException(BadRecordException.Reason.INVALID, String.format(
                    "%s JSON does not match the schema: %s", type.getSimpleName(), describe(e)), e);
        } catch (IOException | AvroRuntimeException | IllegalArgumentException | IndexOutOfBoundsException
                | NullPointerException | ClassCastException e) {
            throw new BadRecordException(BadRecordException.Reason.MALFORMED, String.format(
                    "%s value is not valid Avro JSON: %s", type.getSimpleName(), e.getClass().getSimpleName()), e);
        }
    }

    /** One line of JSON (no pretty printing), so a record is one line of output. */
    public String encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out, false);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Avro's type errors name fields and expected tokens; keep only the first line, which holds no data. */
    private static String describe(AvroTypeException e) {
        String message = e.getMessage() == null ? "type mismatch" : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
