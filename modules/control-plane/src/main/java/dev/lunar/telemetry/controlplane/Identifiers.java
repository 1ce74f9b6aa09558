package dev.lunar.telemetry.controlplane;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What a tenant id, provider, method and path template may look like, and the idempotency keys built from them.
 * The forwarder builds the same keys; the API refuses a key that does not match the fields it travels with.
 */
final class Identifiers {
    static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    static final Pattern PROVIDER = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]{1,255}");
    static final Pattern METHOD = Pattern.compile("[A-Z*]{1,16}");
    static final int PATH_TEMPLATE_MAX_BYTES = 1024;

    private Identifiers() {}

    static boolean isTenantId(String s) {
        return s != null && TENANT_ID.matcher(s).matches();
    }

    /** Null when {@code path} is a valid path template, otherwise why not. */
    static String pathTemplateProblem(String path) {
        if (path == null || path.isEmpty()) {
            return "must be a non-empty path template such as /v1/customers/{id}";
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > PATH_TEMPLATE_MAX_BYTES) {
            return "must be at most " + PATH_TEMPLATE_MAX_BYTES + " bytes";
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                return "must not contain control characters";
            }
        }
        return null;
    }

    /** {@code tenant|windowStart|windowLengthMs}: the key of a window's overview. */
    static String windowKey(String tenant, Instant windowStart, long windowLengthMs) {
        return tenant + "|" + windowStart + "|" + windowLengthMs;
    }

    /**
     * {@code tenant|windowStart|windowLengthMs|p<partition>}: the key of one source partition's partial of a window
     * (wire format v2); {@link #windowKey} when {@code sourcePartition} is negative (a whole window, v1).
     */
    static String windowKey(String tenant, Instant windowStart, long windowLengthMs, int sourcePartition) {
        String whole = windowKey(tenant, windowStart, windowLengthMs);
        return sourcePartition < 0 ? whole : whole + "|p" + sourcePartition;
    }

    /** The key of one endpoint's partial of one source partition; {@link #endpointKey} for a negative partition. */
    static String endpointKey(String tenant, Instant windowStart, long windowLengthMs, int sourcePartition,
            String provider, String method, String pathTemplate) {
        return windowKey(tenant, windowStart, windowLengthMs, sourcePartition) + "|" + provider + "|" + method + " "
                + pathTemplate;
    }

    /** {@code tenant|windowStart|windowLengthMs|provider|METHOD pathTemplate}: the key of one endpoint aggregate. */
    static String endpointKey(String tenant, Instant windowStart, long windowLengthMs, String provider, String method,
            String pathTemplate) {
        return windowKey(tenant, windowStart, windowLengthMs) + "|" + provider + "|" + method + " " + pathTemplate;
    }
}
