package dev.lunar.telemetry.events.inventory;

import dev.lunar.telemetry.events.avro.TenantPlan;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One thing that can leave the pipeline (DESIGN.md P7): a JSON key, a metric name or a tag key of a destination's
 * payloads. The forwarders declare theirs as enums whose constants the payload writers use for every key they write,
 * so the data inventory ({@code docs/data-inventory.md}) is read from the same place as the bytes are written from.
 *
 * <p>Key notation: JSON keys are paths of object keys joined by {@code .}, with {@code []} for the elements of an
 * array and {@code {name}} for a key taken from the data (an attribute name, a tenant's tag); metric names and tag keys
 * are given as they are sent.
 *
 * @param destinations where it is sent (tag keys go to Datadog logs and metrics alike)
 * @param kind         JSON key, metric name or tag key
 * @param key          the key in the notation above
 * @param sources      the enriched record fields it is made from, {@code Record.path} (for example
 *                     {@code EnrichedLog.header.proxyId}; {@code *.header.proxyId}: every record type the destination
 *                     reads); empty when it comes from configuration or is a constant
 * @param plans        the tenant plans whose data may carry it (P2: open-source traffic volumes never leave)
 * @param example      an example value, as sent
 * @param description  what it is, in a sentence
 */
public record OutgoingField(List<Destination> destinations, Kind kind, String key, List<String> sources,
                            Set<TenantPlan> plans, String example, String description) {

    /** Every tenant plan. */
    public static final Set<TenantPlan> ALL_PLANS = Set.copyOf(EnumSet.allOf(TenantPlan.class));

    public OutgoingField {
        destinations = List.copyOf(destinations);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        sources = List.copyOf(sources);
        plans = Set.copyOf(plans);
        Objects.requireNonNull(example, "example");
        Objects.requireNonNull(description, "description");
        if (destinations.isEmpty() || plans.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("an outgoing field needs a key, a destination and a plan: " + key);
        }
    }

    /** The last object key of a JSON key's path: the name its writer writes ({@code latency.p95Ms} → {@code p95Ms}). */
    public String name() {
        String last = key.substring(key.lastIndexOf('.') + 1);
        return last.endsWith("[]") ? last.substring(0, last.length() - 2) : last;
    }

    /** Where payloads go. */
    public enum Destination {
        DATADOG_LOGS("Datadog logs", "Logs API v2 (`POST /api/v2/logs`): JSON keys of one entry of the request's "
                + "array, and the tag keys of its `ddtags`"),
        DATADOG_METRICS("Datadog metrics", "Metrics API v2 (`POST /api/v2/series`: JSON keys of the request body, "
                + "metric names, tag keys of `series[].tags[]`) and DogStatsD lines (`datadog.dogstatsd.enabled`: "
                + "the same metric names and tags, plus a `host` tag instead of `resources`)"),
        CONTROL_PLANE("Control plane", "`PUT /api/v1/aggregates` of the control-plane forwarder: JSON keys of the "
                + "request body");

        private final String title;
        private final String payloads;

        Destination(String title, String payloads) {
            this.title = title;
            this.payloads = payloads;
        }

        public String title() {
            return title;
        }

        /** Which requests the destination's keys are keys of. */
        public String payloads() {
            return payloads;
        }
    }

    /** What a key is a key of. */
    public enum Kind {
        JSON_KEY("JSON key"), METRIC("metric"), TAG("tag key");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
