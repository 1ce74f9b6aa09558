package dev.lunar.telemetry.controlplane.forwarder;

import java.util.Comparator;
import java.util.Objects;

/**
 * An API endpoint as the dashboard groups it: provider host, HTTP method (upper case, or {@code *}) and path
 * template. Ordered by provider, then path template, then method.
 */
record EndpointKey(String provider, String method, String pathTemplate) implements Comparable<EndpointKey> {
    private static final Comparator<EndpointKey> ORDER = Comparator.comparing(EndpointKey::provider)
            .thenComparing(EndpointKey::pathTemplate).thenComparing(EndpointKey::method);

    public EndpointKey {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathTemplate, "pathTemplate");
    }

    @Override
    public int compareTo(EndpointKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return method + " " + provider + pathTemplate;
    }
}
