package dev.lunar.telemetry.consumer.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One request a destination accepted, as the forwarder that sent it describes it to the {@link AuditTrail}.
 *
 * @param destination     {@code datadog-logs}, {@code datadog-metrics}, {@code datadog-dogstatsd} or {@code control-plane}
 * @param destinationHost the host (and port, when not the default) of the URL the request went to
 * @param entryTenants    the tenant of each entry of the body (log entry, series, window), in body order
 * @param body            the body exactly as sent, uncompressed (not copied: the caller must not change it)
 */
public record AuditEntry(String destination, String destinationHost, List<String> entryTenants, byte[] body) {

    public static final String DATADOG_LOGS = "datadog-logs";
    public static final String DATADOG_METRICS = "datadog-metrics";
    public static final String DATADOG_DOGSTATSD = "datadog-dogstatsd";
    public static final String CONTROL_PLANE = "control-plane";

    public AuditEntry {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(destinationHost, "destinationHost");
        entryTenants = List.copyOf(entryTenants);
        Objects.requireNonNull(body, "body");
    }

    /** The tenants the body concerns: sorted, distinct. */
    public List<String> tenantIds() {
        // a body has thousands of entries, in runs of one tenant, and a handful of tenants: a run costs one
        // comparison, a new run a look through the few found so far (a hash set once there are many), and only the
        // few left are sorted (a TreeSet of every entry cost more than the chain's hashing)
        List<String> distinct = new ArrayList<>();
        Set<String> many = null;
        String last = null;
        for (String tenant : entryTenants) {
            if (tenant.equals(last)) {
                continue;
            }
            last = tenant;
            if (many != null) {
                if (many.add(tenant)) {
                    distinct.add(tenant);
                }
            } else if (!distinct.contains(tenant)) {
                distinct.add(tenant);
                if (distinct.size() > FEW_TENANTS) {
                    many = new HashSet<>(distinct);
                }
            }
        }
        Collections.sort(distinct);
        return List.copyOf(distinct);
    }

    /** Up to this many distinct tenants are looked up in a list, more in a hash set. */
    private static final int FEW_TENANTS = 16;

    public int entryCount() {
        return entryTenants.size();
    }
}
