package dev.lunar.telemetry.faults;

import dev.lunar.telemetry.proxysim.Canaries;
import dev.lunar.telemetry.proxysim.Canaries.Canary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Looks for every planted canary secret in bytes, case-insensitively (Datadog tags are lower-cased), fast enough for
 * hundreds of thousands of records: candidates are found by their first four bytes, then compared in full. Remembers
 * what it found and where, never the secret itself.
 */
final class CanaryScanner {

    private final Map<Integer, List<byte[]>> byPrefix = new HashMap<>();
    private final Map<byte[], Canary> canaryOf = new HashMap<>();
    private final int total;
    private final Set<String> findings = ConcurrentHashMap.newKeySet();
    private final AtomicLong scannedItems = new AtomicLong();
    private final AtomicLong scannedBytes = new AtomicLong();

    CanaryScanner(Canaries canaries) {
        for (Canary canary : canaries.all()) {
            byte[] needle = lower(canary.value().getBytes(StandardCharsets.UTF_8));
            byPrefix.computeIfAbsent(prefix(needle, 0), k -> new ArrayList<>()).add(needle);
            canaryOf.put(needle, canary);
        }
        this.total = canaries.size();
    }

    /** Scans {@code bytes}; each canary found is recorded as "category of tenant in {@code where}". */
    void scan(byte[] bytes, String where) {
        if (bytes == null) {
            return;
        }
        scannedItems.incrementAndGet();
        scannedBytes.addAndGet(bytes.length);
        byte[] hay = lower(bytes);
        for (int i = 0; i + 4 <= hay.length; i++) {
            List<byte[]> candidates = byPrefix.get(prefix(hay, i));
            if (candidates == null) {
                continue;
            }
            for (byte[] needle : candidates) {
                if (matchesAt(hay, i, needle)) {
                    findings.add(canaryOf.get(needle) + " in " + where);
                }
            }
        }
    }

    Set<String> findings() {
        return Set.copyOf(findings);
    }

    int canaries() {
        return total;
    }

    long scannedItems() {
        return scannedItems.get();
    }

    long scannedBytes() {
        return scannedBytes.get();
    }

    private static boolean matchesAt(byte[] hay, int at, byte[] needle) {
        if (at + needle.length > hay.length) {
            return false;
        }
        for (int j = 4; j < needle.length; j++) {
            if (hay[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    private static int prefix(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static byte[] lower(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            out[i] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
        }
        return out;
    }
}
