package dev.lunar.telemetry.proxysim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every secret and personal datum the simulator plants in raw events: the processor must remove each of them, so a
 * downstream test asserts that none of {@link #values()} occurs in what leaves the pipeline ({@link #foundIn}).
 *
 * <p>Each simulated proxy plants all of its tenant's canaries within its first ten events (its start-up burst), and
 * again now and then later, so any run that lets every proxy send ten events has sent every canary at least once.
 * Values are unique per tenant and long enough never to occur by chance.
 */
public final class Canaries {

    /** What kind of secret, and where the simulator puts it. */
    public enum Category {
        TENANT_API_KEY("the tenant's API key: tag lunar_api_key of every event; environment LUNAR_API_KEY of some proxies"),
        AUTHORIZATION_HEADER("bearer token of the Authorization request header of access logs"),
        SESSION_COOKIE("session cookie of the Cookie request and Set-Cookie response headers of access logs"),
        STRIPE_SECRET_KEY("sk_live_ key: environment STRIPE_SECRET_KEY; log messages"),
        AWS_ACCESS_KEY_ID("AKIA key id: environment AWS_ACCESS_KEY_ID; log messages; policies.yaml exporters"),
        AWS_SECRET_ACCESS_KEY("environment AWS_SECRET_ACCESS_KEY; policies.yaml exporters"),
        GITHUB_TOKEN("ghp_ token: environment GITHUB_TOKEN; log attribute gh_pat"),
        JWT("signed JWT: environment LUNAR_HUB_TOKEN; log attribute auth; log messages"),
        BEARER_TOKEN("bearer token: log messages; policies.yaml accounts"),
        URL_PASSWORD("password in a URL: access-log url, endpoint-stats url, log messages"),
        DATABASE_PASSWORD("password in environment DATABASE_URL"),
        EMAIL("e-mail address: log messages; log attribute user.email"),
        POLICIES_PASSWORD("basic-auth password in policies.yaml"),
        DATADOG_API_KEY("32 hex digits: policies.yaml exporters.datadog.api_key; environment DD_API_KEY");

        private final String plantedIn;

        Category(String plantedIn) {
            this.plantedIn = plantedIn;
        }

        public String plantedIn() {
            return plantedIn;
        }
    }

    /** One planted value of one tenant. {@link #toString()} shows the category and tenant, not the value. */
    public record Canary(Category category, String tenantId, String value) {
        public Canary {
            Objects.requireNonNull(category, "category");
            Objects.requireNonNull(tenantId, "tenantId");
            if (value == null || value.length() < 8) {
                throw new IllegalArgumentException("a canary needs at least 8 characters to be unambiguous");
            }
        }

        public byte[] utf8() {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return category + " of " + tenantId;
        }
    }

    private final List<Canary> all;

    Canaries(Collection<Canary> canaries) {
        this.all = List.copyOf(canaries);
    }

    public List<Canary> all() {
        return all;
    }

    /** The planted strings. */
    public Set<String> values() {
        Set<String> values = new LinkedHashSet<>();
        all.forEach(c -> values.add(c.value()));
        return values;
    }

    public List<Canary> of(Category category) {
        return all.stream().filter(c -> c.category() == category).toList();
    }

    /** The categories present: all of them for any fleet. */
    public Set<Category> categories() {
        Set<Category> present = EnumSet.noneOf(Category.class);
        all.forEach(c -> present.add(c.category()));
        return present;
    }

    /** The canaries that occur in {@code text}. */
    public List<Canary> foundIn(String text) {
        List<Canary> found = new ArrayList<>();
        for (Canary canary : all) {
            if (text.contains(canary.value())) {
                found.add(canary);
            }
        }
        return found;
    }

    /** The canaries whose UTF-8 bytes occur in {@code bytes} (e.g. a record value, Avro or JSON). */
    public List<Canary> foundIn(byte[] bytes) {
        List<Canary> found = new ArrayList<>();
        for (Canary canary : all) {
            if (indexOf(bytes, canary.utf8()) >= 0) {
                found.add(canary);
            }
        }
        return found;
    }

    public int size() {
        return all.size();
    }

    @Override
    public String toString() {
        return all.size() + " canaries in " + categories().size() + " categories";
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
