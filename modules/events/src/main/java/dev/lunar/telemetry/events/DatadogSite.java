package dev.lunar.telemetry.events;

import java.net.URI;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Datadog sites, the one list of them: by the domain used in {@code datadog.site} and in a tenant's Datadog
 * destination on {@code tenants.v1} (which the processor checks when a tenant is written and the Datadog forwarder
 * when it sends). Logs go to
 * {@code https://http-intake.logs.<site>/api/v2/logs}, metrics to {@code https://api.<site>/api/v2/series}.
 */
public enum DatadogSite {
    US1("datadoghq.com"),
    US3("us3.datadoghq.com"),
    US5("us5.datadoghq.com"),
    EU1("datadoghq.eu"),
    AP1("ap1.datadoghq.com"),
    AP2("ap2.datadoghq.com"),
    US1_FED("ddog-gov.com");

    public static final String LOGS_PATH = "/api/v2/logs";
    public static final String SERIES_PATH = "/api/v2/series";
    /** Datadog's API key check: GET with {@code DD-API-KEY}; 200 {@code {"valid":true}}, 403 for a rejected key. */
    public static final String VALIDATE_PATH = "/api/v1/validate";

    private final String domain;

    DatadogSite(String domain) {
        this.domain = domain;
    }

    /** The value of {@code datadog.site}, e.g. {@code datadoghq.eu}. */
    public String domain() {
        return domain;
    }

    public URI logsUrl() {
        return URI.create("https://http-intake.logs." + domain + LOGS_PATH);
    }

    public URI seriesUrl() {
        return URI.create("https://api." + domain + SERIES_PATH);
    }

    /** {@code https://api.<site>/api/v1/validate}: answers whether an API key is accepted. */
    public URI validateUrl() {
        return URI.create("https://api." + domain + VALIDATE_PATH);
    }

    /** Whether {@code domain} is exactly one site's domain (as a tenant's destination must spell it). */
    public static boolean isDomain(String domain) {
        return Arrays.stream(values()).anyMatch(site -> site.domain.equals(domain));
    }

    /** Every site's domain, comma-separated, for messages and documentation. */
    public static String domains() {
        return Arrays.stream(values()).map(DatadogSite::domain).collect(Collectors.joining(", "));
    }

    /**
     * The site for a {@code datadog.site} value (case-insensitive; an {@code app.} prefix as in the web UI's address
     * is accepted).
     *
     * @throws IllegalArgumentException naming the key and the accepted values
     */
    public static DatadogSite of(String key, String domain) {
        String d = domain == null ? "" : domain.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.startsWith("app.")) {
            d = d.substring(4);
        }
        for (DatadogSite site : values()) {
            if (site.domain.equals(d)) {
                return site;
            }
        }
        throw new IllegalArgumentException(key + " '" + domain + "' is not a Datadog site: use one of "
                + domains());
    }
}
