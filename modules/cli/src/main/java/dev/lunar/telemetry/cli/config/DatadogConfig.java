package dev.lunar.telemetry.cli.config;

import dev.lunar.telemetry.datadog.DatadogSettings;
import dev.lunar.telemetry.events.EventKind;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the {@code datadog.*} keys (documented in {@link DatadogSettings} and the README) and {@code DD_API_KEY}.
 * Without a key the forwarder runs in dry-run: the exact requests go to {@code <data-dir>/outbox/datadog/} (P7).
 */
public final class DatadogConfig {
    private DatadogConfig() {}

    public static DatadogSettings bind(ConfigSource config, Path dataDir, Map<String, String> env) {
        DatadogSettings d = DatadogSettings.defaults();
        DatadogSettings.Builder b = DatadogSettings.builder()
                .site(config.string("datadog.site", d.site().domain()))
                .baseUrl(config.string("datadog.base-url").orElse(null))
                .apiKeyFromEnvironment(env)
                .dryRun(config.bool("datadog.dry-run", d.dryRun()))
                .dataDir(dataDir)
                .service(config.string("datadog.service", d.service()))
                .source(config.string("datadog.source", d.source()))
                .groupId(config.string("datadog.group-id", d.groupId()))
                .tenantsTopic(config.string("datadog.tenants-topic", d.tenantsTopic()))
                .deadLetterTopic(config.string("datadog.dead-letter-topic", d.deadLetterTopic()))
                .batch(config.integer("datadog.batch.max-records", d.batchMaxRecords(), 1, 1000),
                        config.duration("datadog.batch.max-wait", d.batchMaxWait()))
                .requestTimeout(config.duration("datadog.request-timeout", d.requestTimeout()))
                .retryBackoff(config.duration("datadog.retry.initial-backoff", d.retryInitialBackoff()),
                        config.duration("datadog.retry.max-backoff", d.retryMaxBackoff()))
                .authRetryInterval(config.duration("datadog.auth-retry-interval", d.authRetryInterval()))
                .shutdownTimeout(config.duration("datadog.shutdown-timeout", d.shutdownTimeout()))
                .tenantDestinations(config.bool("datadog.tenant-destinations.enabled", d.tenantDestinations()))
                .dogStatsd(config.bool("datadog.dogstatsd.enabled", d.dogStatsdEnabled()),
                        config.string("datadog.dogstatsd.host", d.dogStatsdHost()),
                        config.integer("datadog.dogstatsd.port", d.dogStatsdPort(), 1, 65535));
        for (EventKind kind : DatadogSettings.FORWARDED_KINDS) {
            b.topic(kind, config.string("datadog.topics." + kind.id(), d.topics().get(kind)));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyIn(e.getMessage()), e.getMessage());
        }
    }

    private static String keyIn(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("datadog\\.[a-z.-]+|DD_API_KEY")
                .matcher(message == null ? "" : message);
        return m.find() ? m.group() : "datadog";
    }
}
