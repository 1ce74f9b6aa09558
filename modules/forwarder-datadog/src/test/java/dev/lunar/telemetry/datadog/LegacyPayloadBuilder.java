package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tree-building {@code PayloadBuilder} as it was before the streaming rewrite, kept unchanged as the reference the
 * new one is proven equivalent to ({@code StreamingEquivalenceTest}). Not used by the forwarder.
 *
 * <p>Cuts log entries and metric series into request bodies within Datadog's documented limits, next to the numbers:
 *
 * <ul>
 *   <li>Logs API v2: at most {@value #LOGS_MAX_ENTRIES} entries and 5 MB uncompressed per request, 1 MB per entry
 *       (we stay at {@value #LOGS_MAX_BODY_BYTES} and {@value #LOGS_MAX_ENTRY_BYTES} bytes). A larger entry has its
 *       message cut to fit and is marked {@code "truncated": true} with the original message length — never dropped.</li>
 *   <li>Metrics API v2: at most 512,000 bytes compressed and 5,242,880 bytes decompressed per request
 *       ({@value #SERIES_MAX_GZIP_BYTES} / {@value #SERIES_MAX_BODY_BYTES}); a body whose gzip form is too large is
 *       split in halves until it fits.</li>
 * </ul>
 */
final class LegacyPayloadBuilder {

    static final int LOGS_MAX_ENTRIES = 1000;
    static final int LOGS_MAX_BODY_BYTES = 5_000_000;
    static final int LOGS_MAX_ENTRY_BYTES = 1_000_000;
    static final int SERIES_MAX_BODY_BYTES = 5_242_880;
    static final int SERIES_MAX_GZIP_BYTES = 512_000;

    /** An entry or series with the batch index of the record it came from. */
    record Item(int recordIndex, ObjectNode json) {}

    /** A request body and the records whose data it carries. */
    record Body(byte[] json, byte[] gzipped, Set<Integer> recordIndices) {}

    private final ObjectMapper mapper;
    private final Runnable onTruncated;

    LegacyPayloadBuilder(ObjectMapper mapper, Runnable onTruncated) {
        this.mapper = mapper;
        this.onTruncated = onTruncated;
    }

    List<Body> logs(List<Item> entries) {
        List<Body> bodies = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        Set<Integer> indices = new LinkedHashSet<>();
        long size = 2;
        for (Item item : entries) {
            byte[] entry = fitEntry(item.json());
            if (!current.isEmpty() && (current.size() == LOGS_MAX_ENTRIES || size + entry.length + 1 > LOGS_MAX_BODY_BYTES)) {
                bodies.add(gzip(array(current, '[', ']'), indices));
                current = new ArrayList<>();
                indices = new LinkedHashSet<>();
                size = 2;
            }
            current.add(entry);
            indices.add(item.recordIndex());
            size += entry.length + 1;
        }
        if (!current.isEmpty()) {
            bodies.add(gzip(array(current, '[', ']'), indices));
        }
        return bodies;
    }

    List<Body> series(List<Item> series) {
        List<Body> bodies = new ArrayList<>();
        List<Item> current = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        long size = SERIES_PREFIX.length + 2;
        for (Item item : series) {
            byte[] s = write(item.json());
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
    }

    private static final byte[] SERIES_PREFIX = "{\"series\":".getBytes(StandardCharsets.UTF_8);

    private void addSeriesBodies(List<Item> items, List<byte[]> encoded, List<Body> out) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(SERIES_PREFIX);
        b.writeBytes(array(encoded, '[', ']'));
        b.write('}');
        Set<Integer> indices = new LinkedHashSet<>();
        items.forEach(i -> indices.add(i.recordIndex()));
        Body body = gzip(b.toByteArray(), indices);
        if (body.gzipped().length <= SERIES_MAX_GZIP_BYTES || items.size() == 1) {
            out.add(body);
            return;
        }
        int half = items.size() / 2;
        addSeriesBodies(items.subList(0, half), encoded.subList(0, half), out);
        addSeriesBodies(items.subList(half, items.size()), encoded.subList(half, encoded.size()), out);
    }

    static final String TRUNCATION_MARK = "…[truncated]";

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
        String message = copy.path("message").asText("");
        copy.put("truncated", true);
        copy.put("original_message_bytes", message.getBytes(StandardCharsets.UTF_8).length);
        byte[] best = null;
        int lo = 0;
        int hi = message.length();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            copy.put("message", cutUtf16(message, mid) + TRUNCATION_MARK);
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
            copy.put("message", TRUNCATION_MARK);
            copy.remove("attributes");
            copy.put("attributes_removed", true);
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

    private static byte[] array(List<byte[]> items, char open, char close) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(open);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.write(',');
            }
            b.writeBytes(items.get(i));
        }
        b.write(close);
        return b.toByteArray();
    }

    private static Body gzip(byte[] json, Set<Integer> indices) {
        return new Body(json, LegacyPayloadBuilder.gzipLegacy(json), Set.copyOf(indices));
    }

    static byte[] gzipLegacy(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 8192)) {
            gz.write(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    byte[] write(ObjectNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a Datadog payload", e);
        }
    }
}
