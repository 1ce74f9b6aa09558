package dev.lunar.telemetry.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The record hash is a contract (records already written must keep verifying): the one-buffer header of
 * {@link AuditChain#hash} must hash exactly the bytes of the definition in its javadoc — here written out field by
 * field, as the first implementation did — and {@link AuditEntry#tenantIds} stays the sorted distinct tenants.
 */
class AuditChainHashTest {

    @Test
    void hashEqualsTheFieldByFieldDefinition() throws Exception {
        SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 300; i++) {
            List<String> entryTenants = new ArrayList<>();
            int entries = random.nextInt(0, 3000);
            for (int e = 0; e < entries; e++) {
                entryTenants.add(random.nextInt(10) == 0 ? "" : "tenant-" + random.nextInt(12)
                        + (random.nextInt(50) == 0 ? "-é✓" : ""));
            }
            AuditEntry entry = new AuditEntry("datadog-logs", "127.0.0.1:" + random.nextInt(1, 65536), entryTenants,
                    new byte[] {1, 2, 3});
            String prev = HexFormat.of().formatHex(new byte[32]).replace('0', (char) ('a' + random.nextInt(6)));
            Instant at = Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L));
            long sequence = random.nextLong(0, Long.MAX_VALUE);
            String bodySha = AuditChain.sha256Hex(new byte[] {(byte) i});

            String actual = AuditChain.hash(prev, "chain-" + i, sequence, at, entry.destination(),
                    entry.destinationHost(), entry.tenantIds(), entryTenants, entries, bodySha);

            assertThat(actual).isEqualTo(reference(prev, "chain-" + i, sequence, at, entry.destination(),
                    entry.destinationHost(), entry.tenantIds(), entryTenants, entries, bodySha));
            assertThat(entry.tenantIds()).isSorted().doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(new java.util.TreeSet<>(entryTenants));
        }
    }

    private static String reference(String prevHash, String chainId, long sequence, Instant recordedAt,
                                    String destination, String destinationHost, List<String> tenantIds,
                                    List<String> entryTenants, int entryCount, String bodySha256) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(prevHash.getBytes(StandardCharsets.US_ASCII));
        field(sha, chainId);
        field(sha, Long.toString(sequence));
        field(sha, Long.toString(recordedAt.toEpochMilli()));
        field(sha, destination);
        field(sha, destinationHost);
        list(sha, tenantIds);
        list(sha, entryTenants);
        field(sha, Integer.toString(entryCount));
        sha.update(bodySha256.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void field(MessageDigest sha, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static void list(MessageDigest sha, List<String> values) {
        sha.update(ByteBuffer.allocate(4).putInt(values.size()).array());
        values.forEach(v -> field(sha, v));
    }
}
