package dev.lunar.telemetry.proxysim;

import dev.lunar.telemetry.events.avro.EventHeader;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who publishes: the proxy instance, its software version, and how the processor tells its tenant — a tenant id, an
 * API key, or both.
 *
 * <p>The API key travels in every event's tags under {@value #API_KEY_TAG} (one of the processor's default
 * {@code processor.api-key-tags}); the processor hashes it, looks the tenant up by {@code apiKeySha256} and removes the
 * tag before anything leaves the pipeline. {@link #toString()} never prints the key.
 *
 * @param proxyId      stable id of the proxy instance; the Kafka record key, so one proxy's events stay in order
 * @param proxyVersion version of the proxy software, e.g. {@code 1.4.2}
 * @param tenantId     the tenant, when the proxy knows its id; written to {@code header.tenantId}
 * @param apiKey       the tenant's API key, when the proxy identifies itself by key
 * @param tags         further proxy tags added to every event ({@code env}, {@code region}, ...), copied
 */
public record ProxyIdentity(String proxyId, String proxyVersion, Optional<String> tenantId, Optional<String> apiKey,
        Map<String, String> tags) {

    /** Tag that carries {@link #apiKey()} on every event. */
    public static final String API_KEY_TAG = "lunar_api_key";

    public ProxyIdentity {
        proxyId = requireText(proxyId, "proxyId", "the proxy's stable instance id, e.g. its host name");
        proxyVersion = requireText(proxyVersion, "proxyVersion", "the proxy software's version, e.g. 1.4.2");
        tenantId = Objects.requireNonNull(tenantId, "tenantId").filter(t -> !t.isBlank());
        apiKey = Objects.requireNonNull(apiKey, "apiKey").filter(k -> !k.isBlank());
        if (tenantId.isEmpty() && apiKey.isEmpty()) {
            throw new IllegalArgumentException("proxy " + proxyId + " has neither a tenant id nor an API key: the"
                    + " processor could not tell whose events these are. Set tenantId or apiKey.");
        }
        Objects.requireNonNull(tags, "tags");
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            String k = tag.getKey();
            String v = tag.getValue();
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("proxy " + proxyId + ": tag keys must be non-blank and values"
                        + " non-null, got " + k + "=" + (v == null ? null : "..."));
            }
            if (k.equalsIgnoreCase(API_KEY_TAG)) {
                throw new IllegalArgumentException("proxy " + proxyId + ": tag " + API_KEY_TAG
                        + " is reserved for the API key; set apiKey instead");
            }
            copy.put(k, v);
        }
        tags = Collections.unmodifiableMap(copy);
    }

    /** A proxy that knows its tenant id. */
    public static ProxyIdentity ofTenant(String proxyId, String proxyVersion, String tenantId) {
        return new ProxyIdentity(proxyId, proxyVersion, Optional.of(tenantId), Optional.empty(), Map.of());
    }

    /** A proxy that identifies its tenant only by API key ({@code header.tenantId} stays null). */
    public static ProxyIdentity ofApiKey(String proxyId, String proxyVersion, String apiKey) {
        return new ProxyIdentity(proxyId, proxyVersion, Optional.empty(), Optional.of(apiKey), Map.of());
    }

    /** This identity with these proxy tags (replacing the current ones). */
    public ProxyIdentity withTags(Map<String, String> newTags) {
        return new ProxyIdentity(proxyId, proxyVersion, tenantId, apiKey, newTags);
    }

    /** An event header of this proxy. {@code producedAt} is truncated to milliseconds, as the schema stores it. */
    public EventHeader header(String eventId, Instant producedAt) {
        return EventHeader.newBuilder()
                .setEventId(eventId)
                .setTenantId(tenantId.orElse(null))
                .setProxyId(proxyId)
                .setProxyVersion(proxyVersion)
                .setProducedAt(Instant.ofEpochMilli(producedAt.toEpochMilli()))
                .build();
    }

    /** The tags every event carries: {@link #tags()} plus {@value #API_KEY_TAG} when there is an API key. A new, mutable map. */
    public Map<String, String> eventTags() {
        Map<String, String> all = new LinkedHashMap<>(tags);
        apiKey.ifPresent(key -> all.put(API_KEY_TAG, key));
        return all;
    }

    @Override
    public String toString() {
        return "ProxyIdentity[proxyId=" + proxyId + ", proxyVersion=" + proxyVersion + ", tenantId="
                + tenantId.orElse("-") + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "-") + ", tags=" + tags.keySet()
                + "]";
    }

    private static String requireText(String value, String name, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is empty: set it to " + what);
        }
        return value;
    }
}
