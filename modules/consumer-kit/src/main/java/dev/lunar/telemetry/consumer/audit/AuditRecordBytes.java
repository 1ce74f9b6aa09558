package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.AuditRecord;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;

/**
 * An {@link AuditRecord}'s Avro single-object bytes — exactly what {@link AvroCodec#encode} writes — with its body
 * copied once. The body (a request body, up to megabytes) is the schema's last field, so the record is encoded with an
 * empty body and the body is appended to that: the codec would copy it into its buffer and then into the result.
 */
final class AuditRecordBytes {

    private static final AvroCodec<AuditRecord> CODEC = AvroCodec.of(AuditRecord.class);
    private static final int BODY = bodyPosition(CODEC.schema());
    private static final ByteBuffer NO_BODY = ByteBuffer.allocate(0);

    private AuditRecordBytes() {}

    static byte[] of(AuditRecord record) {
        AuditRecord head = new AuditRecord();
        for (int i = 0; i < BODY; i++) {
            head.put(i, record.get(i));
        }
        head.put(BODY, NO_BODY);
        byte[] encodedHead = CODEC.encode(head);
        // the head ends with the empty body's length, one 0 byte: the body's length and bytes take its place
        int headLength = encodedHead.length - 1;
        ByteBuffer body = record.getBody().duplicate();
        int bodyLength = body.remaining();
        long zigZag = ((long) bodyLength << 1) ^ ((long) bodyLength >> 63);
        byte[] out = new byte[headLength + varLongLength(zigZag) + bodyLength];
        System.arraycopy(encodedHead, 0, out, 0, headLength);
        int at = writeVarLong(zigZag, out, headLength);
        body.get(out, at, bodyLength);
        return out;
    }

    private static int varLongLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int writeVarLong(long v, byte[] out, int at) {
        while ((v & ~0x7FL) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }

    private static int bodyPosition(Schema schema) {
        List<Schema.Field> fields = schema.getFields();
        Schema.Field last = fields.get(fields.size() - 1);
        if (!last.name().equals("body") || last.schema().getType() != Schema.Type.BYTES) {
            throw new IllegalStateException("AuditRecord's last field is not the bytes field body: " + last);
        }
        return last.pos();
    }
}
