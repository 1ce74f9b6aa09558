package dev.lunar.telemetry.consumer.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

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
        // a body has thousands of entries and a handful of tenants: dedupe by hash, sort only the few left (a TreeSet
        // of every entry cost more than the chain's hashing)
        List<String> distinct = new ArrayList<>(new HashSet<>(entryTenants));
        Collections.sort(distinct);
        return List.copyOf(distinct);
    }

    public int entryCount() {
        return entryTenants.size();
    }
}
