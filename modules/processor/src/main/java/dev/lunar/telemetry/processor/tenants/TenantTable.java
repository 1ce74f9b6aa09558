package dev.lunar.telemetry.processor.tenants;

import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.processor.privacy.FieldPattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants of {@code tenants.v1}, by id and by the SHA-256 of their API keys. Written by one thread (the tenant
 * feed), read by the stream: lookups are lock-free and see each update as a whole. An API-key hash claimed by two
 * tenants identifies neither (an event is never given another tenant's data).
 */
public final class TenantTable {

    private static final Logger log = LoggerFactory.getLogger(TenantTable.class);
    private static final String AMBIGUOUS = "";

    private final Map<String, KnownTenant> byId = new ConcurrentHashMap<>();
    private final Map<String, String> tenantByKeyHash = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keyOwners = new HashMap<>();
    private final Map<String, List<String>> keysOfTenant = new HashMap<>();

    /** Adds or replaces a tenant. */
    public synchronized void put(TenantMetadata metadata) {
        String id = metadata.getId();
        List<String> denylist = new ArrayList<>();
        for (String pattern : metadata.getDenylist()) {
            try {
                FieldPattern.parse(pattern);
                denylist.add(pattern);
            } catch (IllegalArgumentException e) {
                log.error("tenant {}: ignoring denylist pattern #{}: {}; fix it with `lunar-telemetry tenants put`",
                        id, metadata.getDenylist().indexOf(pattern), e.getMessage());
            }
        }
        TenantInfo info = TenantInfo.newBuilder()
                .setId(id)
                .setName(metadata.getName())
                .setPlan(metadata.getPlan())
                .setGithubUsername(metadata.getPlan() == TenantPlan.SANDBOX ? metadata.getGithubUsername() : null)
                .setTags(new LinkedHashMap<>(metadata.getTags()))
                .setKnown(true)
                .build();
        byId.put(id, new KnownTenant(id, info, List.copyOf(denylist)));
        List<String> hashes = new ArrayList<>();
        for (String hash : metadata.getApiKeySha256()) {
            hashes.add(hash.toLowerCase(Locale.ROOT));
        }
        reindexKeys(id, hashes);
    }

    /** Deletes a tenant (a tombstone). */
    public synchronized void remove(String id) {
        byId.remove(id);
        reindexKeys(id, List.of());
    }

    public Optional<KnownTenant> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The one tenant whose API keys include one with this lower-case hex SHA-256. */
    public Optional<KnownTenant> byApiKeySha256(String hash) {
        String id = tenantByKeyHash.get(hash);
        if (id == null || id.equals(AMBIGUOUS)) {
            return Optional.empty();
        }
        return byId(id);
    }

    public int size() {
        return byId.size();
    }

    private void reindexKeys(String id, List<String> hashes) {
        Set<String> touched = new HashSet<>(hashes);
        List<String> previous = keysOfTenant.remove(id);
        if (previous != null) {
            for (String hash : previous) {
                Set<String> owners = keyOwners.get(hash);
                if (owners != null) {
                    owners.remove(id);
                    if (owners.isEmpty()) {
                        keyOwners.remove(hash);
                    }
                }
                touched.add(hash);
            }
        }
        for (String hash : hashes) {
            keyOwners.computeIfAbsent(hash, h -> new HashSet<>()).add(id);
        }
        if (!hashes.isEmpty()) {
            keysOfTenant.put(id, List.copyOf(hashes));
        }
        for (String hash : touched) {
            Set<String> owners = keyOwners.get(hash);
            if (owners == null) {
                tenantByKeyHash.remove(hash);
            } else if (owners.size() == 1) {
                tenantByKeyHash.put(hash, owners.iterator().next());
            } else {
                log.warn("an API key hash is claimed by tenants {}; it identifies none of them until one drops it",
                        owners.stream().sorted().toList());
                tenantByKeyHash.put(hash, AMBIGUOUS);
            }
        }
    }
}
