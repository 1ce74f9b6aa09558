package dev.lunar.telemetry.controlplane.forwarder;

import java.time.Duration;
import java.time.Instant;

/**
 * The control plane's idempotency keys: {@code tenant|windowStart|windowLengthMs|p<sourcePartition>} for a partial
 * window's overview and {@code tenant|windowStart|windowLengthMs|p<sourcePartition>|provider|METHOD pathTemplate}
 * for a partial endpoint aggregate (window start as an ISO-8601 instant). Without a source partition (negative: a
 * whole window, wire format v1) the {@code |p<n>} part is left out. The control plane derives the same keys from the
 * fields and refuses a batch whose keys differ; it stores one row per key.
 */
final class IdempotencyKeys {
    private IdempotencyKeys() {}

    static String window(String tenant, Instant windowStart, Duration windowLength, int sourcePartition) {
        String whole = tenant + "|" + windowStart + "|" + windowLength.toMillis();
        return sourcePartition < 0 ? whole : whole + "|p" + sourcePartition;
    }

    static String endpoint(String tenant, Instant windowStart, Duration windowLength, int sourcePartition,
                           EndpointKey endpoint) {
        return window(tenant, windowStart, windowLength, sourcePartition) + "|" + endpoint.provider() + "|"
                + endpoint.method() + " " + endpoint.pathTemplate();
    }
}
