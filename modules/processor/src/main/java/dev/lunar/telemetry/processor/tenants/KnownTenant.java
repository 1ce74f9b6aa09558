package dev.lunar.telemetry.processor.tenants;

import dev.lunar.telemetry.events.avro.TenantInfo;
import java.util.List;

/**
 * A tenant of {@code tenants.v1} as the processor uses it: the {@link TenantInfo} attached to its events (built
 * once per tenant version, with {@code githubUsername} only for SANDBOX tenants — P5) and its extra denylist patterns.
 * The {@code info} instance is shared by every event of the tenant and never modified.
 */
public record KnownTenant(String id, TenantInfo info, List<String> denylist) {}
