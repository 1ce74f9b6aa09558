package dev.lunar.telemetry.events;

import java.util.regex.Pattern;

/**
 * The one rule for a tenant id, wherever one is accepted: written by {@code tenants apply}, configured as a token
 * key, sent to and stored by the control plane. At most 128 characters because the control plane stores it in a
 * {@code VARCHAR(128)}; {@code @} is allowed because the control plane and its forwarder always have.
 */
public final class TenantId {
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    /** The rule in words, for error messages. */
    public static final String RULE = "1..128 characters of A-Z a-z 0-9 . _ : @ -";

    private TenantId() {}

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }
}
