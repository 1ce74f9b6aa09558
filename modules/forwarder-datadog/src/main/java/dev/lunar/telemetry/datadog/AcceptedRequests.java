package dev.lunar.telemetry.datadog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fingerprints (SHA-256 of destination, URL and body) of the last requests a destination accepted. When a batch is
 * retried because another of its requests failed, requests already accepted are not sent again, so a retry does not
 * duplicate what Datadog already has.
 */
final class AcceptedRequests {

    private final Map<String, Boolean> recent;

    AcceptedRequests(int capacity) {
        this.recent = new LinkedHashMap<>(capacity, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    static String fingerprint(IntakeRequest request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(request.destination().name().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(request.url().toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(request.body());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized boolean contains(String fingerprint) {
        return recent.get(fingerprint) != null;
    }

    synchronized void add(String fingerprint) {
        recent.put(fingerprint, Boolean.TRUE);
    }

    synchronized void remove(String fingerprint) {
        recent.remove(fingerprint);
    }
}
