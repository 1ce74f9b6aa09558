package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.events.avro.AuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The hash chain of the audit trail, as plain functions: what the writer computes and the verifier recomputes.
 *
 * <pre>
 * bodySha256 = hex(SHA-256(body))
 * hash       = hex(SHA-256(prevHash ‖ canonical header ‖ bodySha256))
 * </pre>
 *
 * The canonical header is, in this order, each as a length-prefixed field (4-byte big-endian length, then UTF-8
 * bytes; lists as a 4-byte count followed by their items): chainId, sequence (decimal), recordedAt (epoch
 * milliseconds, decimal), destination, destinationHost, tenantIds, entryTenants, entryCount (decimal). Length
 * prefixes make the encoding unambiguous, so no two different headers hash alike. {@code prevHash} and
 * {@code bodySha256} are lower-case hex, 64 characters; the first record of a chain (sequence 0) has
 * {@link #GENESIS} as {@code prevHash}.
 */
public final class AuditChain {

    /** The previous hash of a chain's first record. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** The hash {@code record} should carry, computed from its other fields (its body hash as stated). */
    public static String hashOf(AuditRecord record) {
        return hash(record.getPrevHash(), record.getChainId(), record.getSequence(), record.getRecordedAt(),
                record.getDestination(), record.getDestinationHost(), record.getTenantIds(), record.getEntryTenants(),
                record.getEntryCount(), record.getBodySha256());
    }

    static String hash(String prevHash, String chainId, long sequence, Instant recordedAt, String destination,
                       String destinationHost, List<String> tenantIds, List<String> entryTenants, int entryCount,
                       String bodySha256) {
        // the canonical header is built in one buffer and hashed once: a body's entry tenants are thousands of short
        // fields, and a digest update (and two small arrays) per field cost more than the hashing itself
        Header header = new Header(256 + 16 * entryTenants.size());
        header.ascii(prevHash);
        header.field(chainId);
        header.field(Long.toString(sequence));
        header.field(Long.toString(recordedAt.toEpochMilli()));
        header.field(destination);
        header.field(destinationHost);
        header.list(tenantIds);
        header.list(entryTenants);
        header.field(Integer.toString(entryCount));
        header.ascii(bodySha256);
        MessageDigest sha = sha256();
        sha.update(header.bytes, 0, header.length);
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The record that follows {@code prevHash} at {@code sequence} in chain {@code chainId} for {@code entry}.
     * {@code recordedAt} is cut to milliseconds (what the record can hold).
     */
    public static AuditRecord next(String chainId, long sequence, String prevHash, Instant recordedAt,
                                   AuditEntry entry) {
        Instant at = Instant.ofEpochMilli(recordedAt.toEpochMilli());
        String bodySha = sha256Hex(entry.body());
        List<String> tenants = entry.tenantIds();
        String hash = hash(prevHash, chainId, sequence, at, entry.destination(), entry.destinationHost(), tenants,
                entry.entryTenants(), entry.entryCount(), bodySha);
        return AuditRecord.newBuilder()
                .setChainId(chainId)
                .setSequence(sequence)
                .setPrevHash(prevHash)
                .setHash(hash)
                .setRecordedAt(at)
                .setDestination(entry.destination())
                .setDestinationHost(entry.destinationHost())
                .setTenantIds(tenants)
                .setEntryTenants(entry.entryTenants())
                .setEntryCount(entry.entryCount())
                .setBodySha256(bodySha)
                .setBody(ByteBuffer.wrap(entry.body()))
                .build();
    }

    /** The body of {@code record} as bytes (a copy; the record's buffer is left as it was). */
    public static byte[] body(AuditRecord record) {
        ByteBuffer b = record.getBody().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    /** The canonical header's bytes: ASCII hashes as they are, other fields length-prefixed (4 bytes, big-endian). */
    private static final class Header {
        private final String[] recent = new String[16];
        private final byte[][] recentUtf8 = new byte[16][];
        private int nextRecent;
        byte[] bytes;
        int length;

        Header(int capacity) {
            bytes = new byte[capacity];
        }

        void ascii(String value) {
            put(value.getBytes(StandardCharsets.US_ASCII));
        }

        void field(String value) {
            byte[] utf8 = utf8(value);
            putInt(utf8.length);
            put(utf8);
        }

        /** A body's entry tenants are thousands of fields with a handful of values: each is encoded once. */
        private byte[] utf8(String value) {
            for (int i = 0; i < recent.length && recent[i] != null; i++) {
                if (recent[i] == value || recent[i].equals(value)) {
                    return recentUtf8[i];
                }
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            recent[nextRecent] = value;
            recentUtf8[nextRecent] = utf8;
            nextRecent = (nextRecent + 1) % recent.length;
            return utf8;
        }

        void list(List<String> values) {
            putInt(values.size());
            values.forEach(this::field);
        }

        private void putInt(int v) {
            ensure(4);
            bytes[length++] = (byte) (v >>> 24);
            bytes[length++] = (byte) (v >>> 16);
            bytes[length++] = (byte) (v >>> 8);
            bytes[length++] = (byte) v;
        }

        private void put(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    /** This thread's SHA-256, reset: looking one up per hash costs a provider search. */
    private static MessageDigest sha256() {
        MessageDigest sha = SHA256.get();
        sha.reset();
        return sha;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });
}
