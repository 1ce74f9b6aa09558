package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts log entries and metric series into request bodies within Datadog's documented limits, next to the numbers:
 *
 * <ul>
 *   <li>Logs API v2: at most {@value #LOGS_MAX_ENTRIES} entries and 5 MB uncompressed per request, 1 MB per entry
 *       (we stay at {@value #LOGS_MAX_BODY_BYTES} and {@value #LOGS_MAX_ENTRY_BYTES} bytes). A larger entry has its
 *       message cut to fit and is marked {@code "truncated": true} with the original message length — never dropped.</li>
 *   <li>Metrics API v2: at most 512,000 bytes compressed and 5,242,880 bytes decompressed per request
 *       ({@value #SERIES_MAX_GZIP_BYTES} / {@value #SERIES_MAX_BODY_BYTES}); a body whose gzip form is too large is
 *       split in halves until it fits.</li>
 * </ul>
 *
 * <p>Entries and series are written with a streaming generator into a reusable per-thread buffer and kept as arrays
 * of their own; a body is then written once, into an array of its exact size. Only an entry over the limit is read
 * back into a tree to be cut. Thread-safe.
 */
final class PayloadBuilder {

    static final int LOGS_MAX_ENTRIES = 1000;
    static final int LOGS_MAX_BODY_BYTES = 5_000_000;
    static final int LOGS_MAX_ENTRY_BYTES = 1_000_000;
    static final int SERIES_MAX_BODY_BYTES = 5_242_880;
    static final int SERIES_MAX_GZIP_BYTES = 512_000;
    /** A per-thread buffer that grew past this is not kept for the next body. */
    private static final int MAX_RETAINED_BUFFER_BYTES = 8 * 1024 * 1024;

    /** An entry or series with the batch index of the record it came from. */
    record Item(int recordIndex, JsonWritable json) {
        Item(int recordIndex, ObjectNode json) {
            this(recordIndex, new JsonWritable.Tree(json));
        }
    }

    /**
     * A request body and the records whose data it carries.
     *
     * @param entryRecords the batch index of the record of each entry (log entry, series) in body order: whose data
     *                     each entry is, for the audit trail
     */
    record Body(byte[] json, byte[] gzipped, Set<Integer> recordIndices, List<Integer> entryRecords) {
        Body(byte[] json, byte[] gzipped, Set<Integer> recordIndices) {
            this(json, gzipped, recordIndices, List.of());
        }
    }

    private final ObjectMapper mapper;
    private final Runnable onTruncated;
    private final ThreadLocal<Writer> writers;

    PayloadBuilder(ObjectMapper mapper, Runnable onTruncated) {
        this.mapper = mapper;
        this.onTruncated = onTruncated;
        this.writers = ThreadLocal.withInitial(() -> new Writer(mapper));
    }

    List<Body> logs(List<Item> entries) {
        Writer w = writers.get();
        try {
            List<Body> bodies = new ArrayList<>();
            List<byte[]> current = new ArrayList<>(Math.min(entries.size(), LOGS_MAX_ENTRIES));
            Set<Integer> indices = new LinkedHashSet<>();
            List<Integer> entryRecords = new ArrayList<>();
            long size = 2;
            for (Item item : entries) {
                byte[] bytes = item.json().encoded();
                if (bytes == null) {
                    bytes = w.encode(item.json()).toByteArray();
                }
                if (bytes.length > LOGS_MAX_ENTRY_BYTES) {
                    bytes = fitEntry(readTree(bytes, bytes.length));
                }
                if (!current.isEmpty()
                        && (current.size() == LOGS_MAX_ENTRIES || size + bytes.length + 1 > LOGS_MAX_BODY_BYTES)) {
                    bodies.add(gzip(jsonArray(NOTHING, current, NOTHING), indices, entryRecords));
                    current = new ArrayList<>();
                    indices = new LinkedHashSet<>();
                    entryRecords = new ArrayList<>();
                    size = 2;
                }
                current.add(bytes);
                if (entryRecords.isEmpty() || item.recordIndex() != entryRecords.get(entryRecords.size() - 1)) {
                    indices.add(item.recordIndex()); // a record's entries come one after another: one add each
                }
                entryRecords.add(item.recordIndex());
                size += bytes.length + 1;
            }
            if (!current.isEmpty()) {
                bodies.add(gzip(jsonArray(NOTHING, current, NOTHING), indices, entryRecords));
            }
            return bodies;
        } catch (RuntimeException | Error e) {
            writers.remove();
            throw e;
        } finally {
            w.trim();
        }
    }

    List<Body> series(List<Item> series) {
        Writer w = writers.get();
        try {
            List<Body> bodies = new ArrayList<>();
            // sized for all the points: growing them copy by copy was 4 % of the forwarder's samples
            List<Item> current = new ArrayList<>(series.size());
            List<byte[]> encoded = new ArrayList<>(series.size());
            long size = SERIES_PREFIX.length + 2;
            for (Item item : series) {
                byte[] s = item.json().encoded();
                if (s == null) {
                    s = w.encode(item.json()).toByteArray();
                }
                if (!current.isEmpty() && size + s.length + 1 > SERIES_MAX_BODY_BYTES) {
                    addSeriesBodies(current, encoded, bodies);
                    current = new ArrayList<>();
                    encoded = new ArrayList<>();
                    size = SERIES_PREFIX.length + 2;
                }
                current.add(item);
                encoded.add(s);
                size += s.length + 1;
            }
            if (!current.isEmpty()) {
                addSeriesBodies(current, encoded, bodies);
            }
            return bodies;
        } catch (RuntimeException | Error e) {
            writers.remove();
            throw e;
        } finally {
            w.trim();
        }
    }

    private static final byte[] SERIES_PREFIX = "{\"series\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SERIES_SUFFIX = {'}'};
    private static final byte[] NOTHING = {};

    /**
     * {@code prefix [part,part,...] suffix} in one array of exactly that size: the body is written once, where it
     * stays, instead of into a reusable buffer and then copied out.
     */
    static byte[] jsonArray(byte[] prefix, List<byte[]> parts, byte[] suffix) {
        long length = prefix.length + 2L + suffix.length + Math.max(0, parts.size() - 1);
        for (byte[] part : parts) {
            length += part.length;
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a request body of " + length + " bytes cannot be held in one array");
        }
        byte[] out = new byte[(int) length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        int at = prefix.length;
        out[at++] = '[';
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] part = parts.get(i);
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        out[at++] = ']';
        System.arraycopy(suffix, 0, out, at, suffix.length);
        return out;
    }

    private void addSeriesBodies(List<Item> items, List<byte[]> encoded, List<Body> out) {
        Set<Integer> indices = new LinkedHashSet<>();
        List<Integer> entryRecords = new ArrayList<>(items.size());
        for (Item item : items) {
            if (entryRecords.isEmpty() || item.recordIndex() != entryRecords.get(entryRecords.size() - 1)) {
                indices.add(item.recordIndex()); // a record's series come one after another: one add each
            }
            entryRecords.add(item.recordIndex());
        }
        Body body = gzip(jsonArray(SERIES_PREFIX, encoded, SERIES_SUFFIX), indices, entryRecords);
        if (body.gzipped().length <= SERIES_MAX_GZIP_BYTES || items.size() == 1) {
            out.add(body);
            return;
        }
        int half = items.size() / 2;
        addSeriesBodies(items.subList(0, half), encoded.subList(0, half), out);
        addSeriesBodies(items.subList(half, items.size()), encoded.subList(half, encoded.size()), out);
    }

    static final String TRUNCATION_MARK = "…[truncated]";
    /** The message key of every entry (a log's, a heartbeat's, a policy snapshot's). */
    private static final String MESSAGE = DatadogField.LOG_MESSAGE.key();

    /**
     * The entry's JSON; when it is over {@value #LOGS_MAX_ENTRY_BYTES} bytes, its message is cut to the longest prefix
     * that fits, followed by {@link #TRUNCATION_MARK}, and the entry is marked {@code "truncated": true} with
     * {@code original_message_bytes}.
     */
    byte[] fitEntry(ObjectNode entry) {
        byte[] bytes = write(entry);
        if (bytes.length <= LOGS_MAX_ENTRY_BYTES) {
            return bytes;
        }
        onTruncated.run();
        ObjectNode copy = entry.deepCopy();
        String message = copy.path(MESSAGE).asText("");
        copy.put(DatadogField.TRUNCATED.key(), true);
        copy.put(DatadogField.ORIGINAL_MESSAGE_BYTES.key(), message.getBytes(StandardCharsets.UTF_8).length);
        byte[] best = null;
        int lo = 0;
        int hi = message.length();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            copy.put(MESSAGE, cutUtf16(message, mid) + TRUNCATION_MARK);
            byte[] attempt = write(copy);
            if (attempt.length <= LOGS_MAX_ENTRY_BYTES) {
                best = attempt;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best == null) {
            // the rest of the entry alone is too large (huge attributes): keep its identity, drop the attributes
            copy.put(MESSAGE, TRUNCATION_MARK);
            copy.remove(DatadogField.LOG_ATTRIBUTE.container().getValue());
            copy.put(DatadogField.ATTRIBUTES_REMOVED.key(), true);
            best = write(copy);
        }
        return best;
    }

    private static String cutUtf16(String s, int chars) {
        if (chars >= s.length()) {
            return s;
        }
        int end = chars;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static Body gzip(byte[] bytes, Set<Integer> indices, List<Integer> entryRecords) {
        // the body, indices and entryRecords are the caller's own (never changed again): no copy needed
        return new Body(bytes, Gzip.compress(bytes), Collections.unmodifiableSet(indices),
                Collections.unmodifiableList(entryRecords));
    }

    /** {@code value}'s JSON, as it would be written into a body. */
    byte[] encode(JsonWritable value) {
        Writer w = writers.get();
        try {
            return w.encode(value).toByteArray();
        } catch (RuntimeException | Error e) {
            writers.remove();
            throw e;
        } finally {
            w.trim();
        }
    }

    private ObjectNode readTree(byte[] json, int length) {
        try {
            return (ObjectNode) mapper.readTree(json, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back a Datadog log entry", e);
        }
    }

    byte[] write(ObjectNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a Datadog payload", e);
        }
    }

    /** A growable byte buffer whose array is read directly. Not thread-safe. */
    static final class Buffer extends OutputStream {
        byte[] bytes;
        int count;

        Buffer(int initial) {
            bytes = new byte[initial];
        }

        void reset() {
            count = 0;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, count);
        }
    }

    /** One thread's generator and buffers. */
    private static final class Writer {
        final Buffer entry = new Buffer(4096);
        final JsonGenerator generator;

        Writer(ObjectMapper mapper) {
            try {
                generator = mapper.getFactory().createGenerator(entry);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // entries are root values written one after another into a reset buffer: no separator between them
            generator.setRootValueSeparator(null);
        }

        /** {@code value}'s JSON, in {@link #entry} until the next call. */
        Buffer encode(JsonWritable value) {
            entry.reset();
            try {
                value.writeTo(generator);
                generator.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serialise a Datadog payload", e);
            }
            return entry;
        }

        /** Lets go of a buffer that grew for an unusually large entry. */
        void trim() {
            if (entry.bytes.length > MAX_RETAINED_BUFFER_BYTES) {
                entry.bytes = new byte[4096];
            }
        }
    }
}
