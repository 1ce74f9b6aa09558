package dev.lunar.telemetry.controlplane.forwarder;

import java.time.Duration;
import java.time.Instant;

/**
 * The control plane's idempotency keys: {@code tenant|windowStart|windowLengthMs} for a window's overview and
 * {@code tenant|windowStart|windowLengthMs|provider|METHOD pathTemplate} for an endpoint aggregate (window start as
 * an ISO-8601 instant). The control plane derives the same keys from the fields and refuses a batch whose keys
 * differ; it stores one row per key.
 */
final class IdempotencyKeys {
    private IdempotencyKeys() {}

    static String window(String tenant, Instant windowStart, Duration windowLength) {
        return tenant + "|" + windowStart + "|" + windowLength.toMillis();
    }

    static String endpoint(String tenant, Instant windowStart, Duration windowLength, EndpointKey endpoint) {
        return window(tenant, windowStart, windowLength) + "|" + endpoint.provider() + "|" + endpoint.method() + " "
                + endpoint.pathTemplate();
    }
}
