package dev.lunar.telemetry.controlplane;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which bearer token belongs to which tenant. Only the SHA-256 of each token is kept; a presented token is hashed
 * and looked up, so the tokens themselves are never held after start-up. Tokens are long random secrets, so an
 * unsalted hash is enough to keep them out of memory dumps and logs.
 */
final class TenantTokens {
    static final String HASH_PREFIX = "sha256:";
    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-fA-F]{64}");
    private static final int MIN_TOKEN_LENGTH = 16;

    private final Map<String, String> tenantByHash = new ConcurrentHashMap<>();
    private final Map<String, String> hashByTenant = new ConcurrentHashMap<>();

    TenantTokens(Map<String, String> tokensByTenant) {
        tokensByTenant.forEach(this::register);
    }

    /** Adds or replaces {@code tenant}'s token ({@code token} may be {@code sha256:<hex>}). */
    synchronized void register(String tenant, String token) {
        checkTenantAndToken(tenant, token);
        String hash = hashOf(token);
        String owner = tenantByHash.get(hash);
        if (owner != null && !owner.equals(tenant)) {
            throw new IllegalArgumentException(ControlPlaneSettings.TENANT_TOKENS + "." + tenant
                    + " is the same token as tenant " + owner + "'s: give each tenant its own token");
        }
        String previous = hashByTenant.put(tenant, hash);
        if (previous != null) {
            tenantByHash.remove(previous);
        }
        tenantByHash.put(hash, tenant);
    }

    /** The tenant whose token is in {@code authorization} ({@code Bearer <token>}), if any. */
    Optional<String> authenticate(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.trim();
        if (value.length() < 7 || !value.substring(0, 7).equalsIgnoreCase("Bearer ")) {
            return Optional.empty();
        }
        String token = value.substring(7).trim();
        if (token.isEmpty() || token.startsWith(HASH_PREFIX)) {
            return Optional.empty(); // a hash is not a token: knowing the hash must not grant access
        }
        return Optional.ofNullable(tenantByHash.get(sha256(token)));
    }

    static void checkTenantAndToken(String tenant, String token) {
        if (!Identifiers.isTenantId(tenant)) {
            throw new IllegalArgumentException(ControlPlaneSettings.TENANT_TOKENS + "." + tenant
                    + ": the tenant id must be " + dev.lunar.telemetry.events.TenantId.RULE);
        }
        String key = ControlPlaneSettings.TENANT_TOKENS + "." + tenant;
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException(key + " is empty: set it to the tenant's token (at least "
                    + MIN_TOKEN_LENGTH + " characters) or to sha256:<hex of its SHA-256>");
        }
        if (token.startsWith(HASH_PREFIX)) {
            if (!HASH.matcher(token).matches()) {
                throw new IllegalArgumentException(key + " starts with sha256: but is not followed by 64 hex"
                        + " digits: write sha256:<hex of the token's SHA-256>");
            }
            return;
        }
        if (token.length() < MIN_TOKEN_LENGTH || !token.strip().equals(token)
                || token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new IllegalArgumentException(key + " must be at least " + MIN_TOKEN_LENGTH
                    + " characters without spaces or control characters: generate one, e.g. openssl rand -hex 24");
        }
    }

    static void checkDistinct(Map<String, String> tokensByTenant) {
        Map<String, String> seen = new HashMap<>();
        tokensByTenant.forEach((tenant, token) -> {
            String other = seen.put(hashOf(token), tenant);
            if (other != null) {
                throw new IllegalArgumentException(ControlPlaneSettings.TENANT_TOKENS + "." + tenant
                        + " is the same token as " + ControlPlaneSettings.TENANT_TOKENS + "." + other
                        + ": give each tenant its own token");
            }
        });
    }

    static String hashOf(String token) {
        return token.startsWith(HASH_PREFIX) ? token.substring(HASH_PREFIX.length()).toLowerCase(Locale.ROOT)
                : sha256(token);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
