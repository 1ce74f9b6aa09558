package dev.lunar.telemetry.events;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding for one record type: marker {@code C3 01}, the writer schema's 8-byte little-endian
 * CRC-64-AVRO fingerprint, then the binary body.
 *
 * <p>Decoding resolves the writer schema by fingerprint in a {@link SchemaCatalog}, so records written with any kept
 * version read as the current class. Every failure is a {@link BadRecordException} with a {@link
 * BadRecordException.Reason}; nothing else escapes. Thread-safe; readers per writer version are built once and the
 * per-thread encoder buffers are reused, because this sits on the per-record path.
 */
public final class AvroCodec<T extends SpecificRecordBase> {

    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    static {
        // Garbage can claim a 2-billion-element array or string; Avro would allocate it before noticing the body is
        // short. Kafka records here are at most a few MB, so cap what one field may claim. Set before Avro reads them.
        capIfUnset("org.apache.avro.limits.collectionItems.maxLength", 4_000_000);
        capIfUnset("org.apache.avro.limits.string.maxLength", 16 * 1024 * 1024);
        capIfUnset("org.apache.avro.limits.bytes.maxLength", 16 * 1024 * 1024);
    }

    private final Class<T> type;
    private final Schema readerSchema;
    /** {@link #readerSchema}, or a copy that leaves some fields unread ({@link #leavingUnread}). */
    private final Schema decodingSchema;
    private final long fingerprint;
    private final byte[] header;
    private final SchemaCatalog catalog;
    private final SpecificDatumWriter<T> writer;
    private final Map<Long, DatumReader<T>> readersByWriterFingerprint = new ConcurrentHashMap<>();
    /**
     * The reader of the writer version seen last: nearly every record has it, and the map's look-up boxes a
     * {@code Long} per record (4 % of the processor's samples with the allocation).
     */
    private volatile KnownReader<T> lastReader;
    private final ThreadLocal<EncodeBuffer> encodeBuffers = ThreadLocal.withInitial(EncodeBuffer::new);
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    private AvroCodec(Class<T> type, SchemaCatalog catalog) {
        this(type, catalog, SpecificData.get().getSchema(type));
    }

    private AvroCodec(Class<T> type, SchemaCatalog catalog, Schema decodingSchema) {
        this.type = type;
        this.catalog = catalog;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.decodingSchema = decodingSchema;
        this.fingerprint = SchemaCatalog.fingerprint(readerSchema);
        this.header = headerFor(fingerprint);
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    public static <T extends SpecificRecordBase> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type, SchemaCatalog.standard());
    }

    public static <T extends SpecificRecordBase> AvroCodec<T> of(Class<T> type, SchemaCatalog catalog) {
        return new AvroCodec<>(type, catalog);
    }

    /**
     * A codec that decodes records without reading the top-level fields {@code fieldNames}: their bytes are skipped
     * and they hold their schema defaults. For a consumer that never looks at them, decoding costs less (no strings,
     * maps or lists built for them); encoding is unchanged. Each field must have a default.
     */
    public AvroCodec<T> leavingUnread(Set<String> fieldNames) {
        return new AvroCodec<>(type, catalog, UnreadFields.schema(readerSchema, fieldNames));
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return readerSchema;
    }

    /** Fingerprint of the current schema, as written in every encoded record's header. */
    public long fingerprint() {
        return fingerprint;
    }

    public byte[] encode(T record) {
        EncodeBuffer buffer = encodeBuffers.get();
        buffer.out.reset();
        buffer.out.write(header, 0, HEADER_LENGTH);
        try {
            // buffered: one write into the (synchronised) byte stream per record, not one per field
            buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
            writer.write(record, buffer.encoder);
            buffer.encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
        return buffer.out.toByteArray();
    }

    /** Reads one record; throws {@link BadRecordException} for anything that is not a readable {@code T}. */
    public T decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new BadRecordException(BadRecordException.Reason.EMPTY, "record has no value bytes");
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new BadRecordException(BadRecordException.Reason.NOT_SINGLE_OBJECT, String.format(
                    "record is not Avro single-object encoded: %d bytes starting %s, expected marker C3 01 and an"
                            + " 8-byte fingerprint", bytes.length, firstBytes(bytes)));
        }
        long writerFingerprint = readFingerprint(bytes);
        KnownReader<T> last = lastReader;
        DatumReader<T> reader;
        if (last != null && last.writerFingerprint == writerFingerprint) {
            reader = last.reader;
        } else {
            reader = readersByWriterFingerprint.get(writerFingerprint);
            if (reader == null) {
                reader = readerFor(writerFingerprint);
            }
            lastReader = new KnownReader<>(writerFingerprint, reader);
        }
        BinaryDecoder reused = decoders.get();
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, reused);
        if (decoder != reused) {
            decoders.set(decoder);
        }
        try {
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new BadRecordException(BadRecordException.Reason.MALFORMED,
                        type.getSimpleName() + " body has trailing bytes after the last field");
            }
            return record;
        } catch (EOFException e) {
            throw new BadRecordException(BadRecordException.Reason.TRUNCATED, String.format(
                    "%s body ends early: %d body bytes are not enough for the writer schema",
                    type.getSimpleName(), bytes.length - HEADER_LENGTH), e);
        } catch (BadRecordException e) {
            throw e;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                | IllegalArgumentException | ClassCastException | UnsupportedOperationException
                | NullPointerException e) {
            throw new BadRecordException(BadRecordException.Reason.MALFORMED, String.format(
                    "%s body does not follow its schema: %s", type.getSimpleName(), e.getClass().getSimpleName()), e);
        }
    }

    private record KnownReader<T>(long writerFingerprint, DatumReader<T> reader) {}

    private DatumReader<T> readerFor(long writerFingerprint) {
        Schema writerSchema = catalog.writerSchema(writerFingerprint).orElseThrow(() -> new BadRecordException(
                BadRecordException.Reason.UNKNOWN_FINGERPRINT, String.format(
                        "schema fingerprint %016x is not among the %d kept schema versions; was the record written"
                                + " by a newer producer whose schema is not in schemas/history yet?",
                        writerFingerprint, catalog.size())));
        if (!writerSchema.getFullName().equals(readerSchema.getFullName())
                && !readerSchema.getAliases().contains(writerSchema.getFullName())) {
            throw new BadRecordException(BadRecordException.Reason.WRONG_TYPE, String.format(
                    "record was written as %s, expected %s", writerSchema.getName(), readerSchema.getName()));
        }
        return readersByWriterFingerprint.computeIfAbsent(writerFingerprint,
                fp -> new SpecificDatumReader<>(writerSchema, decodingSchema));
    }

    static long readFingerprint(byte[] bytes) {
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (bytes[2 + i] & 0xFFL) << (8 * i);
        }
        return fp;
    }

    static byte[] headerFor(long fingerprint) {
        byte[] h = new byte[HEADER_LENGTH];
        h[0] = MARKER_0;
        h[1] = MARKER_1;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return h;
    }

    private static String firstBytes(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(2, bytes.length); i++) {
            hex.append(String.format("%02X", bytes[i]));
        }
        return hex.toString();
    }

    private static void capIfUnset(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private static final class EncodeBuffer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        BinaryEncoder encoder;
    }
}
