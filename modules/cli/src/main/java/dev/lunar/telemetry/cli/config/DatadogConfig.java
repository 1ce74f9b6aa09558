package dev.lunar.telemetry.cli.config;

import static dev.lunar.telemetry.datadog.DatadogSettings.AUTH_RETRY_INTERVAL;
import static dev.lunar.telemetry.datadog.DatadogSettings.BASE_URL;
import static dev.lunar.telemetry.datadog.DatadogSettings.BATCH_MAX_RECORDS;
import static dev.lunar.telemetry.datadog.DatadogSettings.BATCH_MAX_WAIT;
import static dev.lunar.telemetry.datadog.DatadogSettings.DEAD_LETTER_TOPIC;
import static dev.lunar.telemetry.datadog.DatadogSettings.DOGSTATSD_ENABLED;
import static dev.lunar.telemetry.datadog.DatadogSettings.DOGSTATSD_HOST;
import static dev.lunar.telemetry.datadog.DatadogSettings.DOGSTATSD_PORT;
import static dev.lunar.telemetry.datadog.DatadogSettings.DRY_RUN;
import static dev.lunar.telemetry.datadog.DatadogSettings.GROUP_ID;
import static dev.lunar.telemetry.datadog.DatadogSettings.REQUEST_TIMEOUT;
import static dev.lunar.telemetry.datadog.DatadogSettings.RETRY_INITIAL_BACKOFF;
import static dev.lunar.telemetry.datadog.DatadogSettings.RETRY_MAX_BACKOFF;
import static dev.lunar.telemetry.datadog.DatadogSettings.SERVICE;
import static dev.lunar.telemetry.datadog.DatadogSettings.SHUTDOWN_TIMEOUT;
import static dev.lunar.telemetry.datadog.DatadogSettings.SITE;
import static dev.lunar.telemetry.datadog.DatadogSettings.SOURCE;
import static dev.lunar.telemetry.datadog.DatadogSettings.TENANTS_TOPIC;
import static dev.lunar.telemetry.datadog.DatadogSettings.TENANT_DESTINATIONS;
import static dev.lunar.telemetry.datadog.DatadogSettings.TOPICS;

import dev.lunar.telemetry.datadog.DatadogSettings;
import dev.lunar.telemetry.events.EventKind;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the {@code datadog.*} keys defined in {@link DatadogSettings}, and {@code DD_API_KEY}. Without a key the
 * forwarder runs in dry-run: the exact requests go to {@code <data-dir>/outbox/datadog/} (P7).
 */
public final class DatadogConfig {
    private DatadogConfig() {}

    public static DatadogSettings bind(ConfigSource config, Path dataDir, Map<String, String> env) {
        DatadogSettings.Builder b = DatadogSettings.builder()
                .site(config.get(SITE))
                .baseUrl(config.get(BASE_URL))
                .apiKeyFromEnvironment(env)
                .dryRun(config.get(DRY_RUN))
                .dataDir(dataDir)
                .service(config.get(SERVICE))
                .source(config.get(SOURCE))
                .groupId(config.get(GROUP_ID))
                .tenantsTopic(config.get(TENANTS_TOPIC))
                .deadLetterTopic(config.get(DEAD_LETTER_TOPIC))
                .batch(config.get(BATCH_MAX_RECORDS), config.get(BATCH_MAX_WAIT))
                .requestTimeout(config.get(REQUEST_TIMEOUT))
                .retryBackoff(config.get(RETRY_INITIAL_BACKOFF), config.get(RETRY_MAX_BACKOFF))
                .authRetryInterval(config.get(AUTH_RETRY_INTERVAL))
                .shutdownTimeout(config.get(SHUTDOWN_TIMEOUT))
                .tenantDestinations(config.get(TENANT_DESTINATIONS))
                .dogStatsd(config.get(DOGSTATSD_ENABLED), config.get(DOGSTATSD_HOST), config.get(DOGSTATSD_PORT));
        // Only the forwarded kinds are read (file or environment): a datadog.topics.endpoints key stays unknown
        // and stops start-up.
        for (EventKind kind : DatadogSettings.FORWARDED_KINDS) {
            config.string(TOPICS.prefix() + "." + kind.id()).ifPresent(topic -> b.topic(kind, topic));
        }
        return b.build();
    }
}
