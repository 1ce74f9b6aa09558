package dev.lunar.telemetry.datadog;

import java.net.URI;
import java.util.Optional;

/**
 * A Datadog account to send to: the pipeline's own (primary) or a tenant's. The key is held here and put in the
 * {@code DD-API-KEY} header only; {@link #toString()} never shows it.
 *
 * @param name     for logs and health, e.g. {@code datadoghq.com} or {@code tenant acme (datadoghq.eu)}
 * @param site     the Datadog site, for messages
 * @param logsUrl  Logs API v2 endpoint
 * @param seriesUrl Metrics API v2 endpoint
 * @param apiKey   the key; empty when the destination is written to the outbox only
 * @param primary  whether this is the pipeline's own account (its auth failures stop forwarding)
 * @param keySetting where the key comes from, for the fix in error messages ({@code DD_API_KEY}, {@code env ACME_DD_KEY}...)
 * @param tenantId  the tenant whose account this is; null for the primary
 */
record Destination(String name, String site, URI logsUrl, URI seriesUrl, Optional<String> apiKey, boolean primary,
                   String keySetting, String tenantId) {

    @Override
    public String toString() {
        return name;
    }
}
