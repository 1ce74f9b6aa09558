package dev.lunar.telemetry.datadog;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * gzip (RFC 1952) of request bodies, with one {@link Deflater} per thread, reset between bodies instead of a new
 * native deflate stream per body ({@code GZIPOutputStream} allocates and initialises one each time).
 *
 * <p>Level {@value #LEVEL}: Datadog accepts any valid gzip, and on these bodies (repetitive JSON) the fastest level
 * costs a fraction of the default's CPU for output only somewhat larger, far below the intakes' size limits.
 */
final class Gzip {

    static final int LEVEL = Deflater.BEST_SPEED;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(LEVEL, true));

    private Gzip() {}

    static byte[] compress(byte[] body) {
        return compress(body, 0, body.length);
    }

    static byte[] compress(byte[] body, int offset, int length) {
        Deflater deflater = DEFLATERS.get();
        deflater.reset();
        deflater.setInput(body, offset, length);
        deflater.finish();
        byte[] out = new byte[Math.max(256, length / 3)];
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        int n = HEADER.length;
        while (!deflater.finished()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            n += deflater.deflate(out, n, out.length - n);
        }
        CRC32 crc = new CRC32();
        crc.update(body, offset, length);
        if (out.length < n + 8) {
            out = Arrays.copyOf(out, n + 8);
        }
        writeIntLe(out, n, (int) crc.getValue());
        writeIntLe(out, n + 4, length);
        return n + 8 == out.length ? out : Arrays.copyOf(out, n + 8);
    }

    private static void writeIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    static byte[] decompress(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
