package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The normalised tags of a (tenant, proxy, version), the same joined with commas ({@code ddtags}), and the parts of
 * entries and series that depend on nothing else, written once.
 */
final class Tags {
    private static final BoundedCache<TagKey, Tags> CACHE = new BoundedCache<>(4096);
    private static final int MAX_PROCESS_TAILS = 64;
    private final String tenantId;
    private final List<String> list;
    private final String joined;
    private final RawJson seriesTail;
    private final ConcurrentHashMap<String, RawJson> processTails = new ConcurrentHashMap<>();
    private volatile EntryFragments entryFragments;

    private Tags(List<String> list, String host, String tenantId) {
        this.tenantId = tenantId;
        this.list = list;
        this.joined = String.join(",", list);
        this.seriesTail = Series.tail(host, list);
    }

    /**
     * The tenant id these tags are of, one string for all the records of the (tenant, proxy, version): its hash is
     * computed once and it equals itself by identity wherever the forwarder groups by tenant.
     */
    String tenantId() {
        return tenantId;
    }

    List<String> list() {
        return list;
    }

    String joined() {
        return joined;
    }

    /** {@code ,"resources":[{"name":<host>,"type":"host"}],"tags":[...]} of the host's series. */
    RawJson seriesTail() {
        return seriesTail;
    }

    /** The same for a process's series: the tags and {@code process:<name>}. */
    RawJson processTail(String host, List<String> processTags, String processName) {
        RawJson tail = processTails.get(processName);
        if (tail == null) {
            tail = Series.tail(host, processTags);
            if (processTails.size() < MAX_PROCESS_TAILS) {
                processTails.put(processName, tail);
            }
        }
        return tail;
    }

    EntryFragments entryFragments(String service, String source, EventHeader header, TenantInfo tenant) {
        EntryFragments f = entryFragments;
        if (f == null || !f.service().equals(service) || !f.source().equals(source)) {
            f = EntryFragments.of(service, source, header, tenant, joined);
            entryFragments = f;
        }
        return f;
    }

    /** Everything the tags depend on. */
    private record TagKey(String tenantName, String tenantId, TenantPlan plan, boolean known,
                          Map<String, String> tenantTags, String proxyId, String proxyVersion) {

        /**
         * The proxy's and the tenant's ids, which tell the cached tags apart well enough: every record brings new
         * strings, so each one hashed is hashed for every record, and the tenant's name and tags (a map) add nothing
         * here. {@link #equals} still compares everything.
         */
        @Override
        public int hashCode() {
            return 31 * proxyId.hashCode() + tenantId.hashCode();
        }
    }

    /** The tags of a (tenant, proxy, version), from a bounded cache. */
    static Tags of(EventHeader header, TenantInfo tenant) {
        TagKey key = new TagKey(tenant.getName(), tenant.getId(), tenant.getPlan(), tenant.getKnown(), tenant.getTags(),
                header.getProxyId(), header.getProxyVersion());
        Tags tags = CACHE.get(key);
        if (tags == null) {
            tags = new Tags(Collections.unmodifiableList(computeTags(header, tenant)), header.getProxyId(),
                    tenant.getId());
            // the key keeps a copy: the record's own map may change after this
            Map<String, String> copy = Collections.unmodifiableMap(new HashMap<>(tenant.getTags()));
            CACHE.put(new TagKey(key.tenantName(), key.tenantId(), key.plan(), key.known(), copy, key.proxyId(),
                    key.proxyVersion()), tags);
        }
        return tags;
    }

    /**
     * Tags for logs ({@code ddtags}) and series: tenant name and id, plan, proxy id and version, then the tenant's own
     * tags (never credential-like ones), normalised the way Datadog stores tags. Unmodifiable.
     */
    private static List<String> computeTags(EventHeader header, TenantInfo tenant) {
        List<String> tags = new ArrayList<>();
        tags.add(TagRules.tag(DatadogField.TAG_TENANT.key(), tenant.getName().isEmpty() ? "unknown" : tenant.getName()));
        tags.add(TagRules.tag(DatadogField.TAG_TENANT_ID.key(), tenant.getId()));
        tags.add(TagRules.tag(DatadogField.TAG_PLAN.key(), tenant.getPlan().name()));
        tags.add(TagRules.tag(DatadogField.TAG_PROXY_ID.key(), header.getProxyId()));
        tags.add(TagRules.tag(DatadogField.TAG_PROXY_VERSION.key(), header.getProxyVersion()));
        if (!tenant.getKnown()) {
            tags.add(DatadogField.TAG_TENANT_KNOWN.key() + ":false");
        }
        String[] keys = tenant.getTags().keySet().toArray(new String[0]);
        Arrays.sort(keys);
        for (String k : keys) {
            if (!TagRules.isCredentialName(k)) {
                // DatadogField.TAG_TENANT_TAG
                tags.add(TagRules.tag(k, tenant.getTags().get(k)));
            }
        }
        return tags;
    }
}
