package dev.lunar.telemetry.cli.config;

import dev.lunar.telemetry.processor.DeliveryGuarantee;
import dev.lunar.telemetry.processor.ProcessorSettings;
import java.util.List;

/** Reads the {@code processor.*} keys into {@link ProcessorSettings}; the keys are documented there and in the README. */
public final class ProcessorConfig {
    private ProcessorConfig() {}

    public static ProcessorSettings bind(ConfigSource config, String bootstrapServers) {
        ProcessorSettings d = ProcessorSettings.builder(bootstrapServers).build();
        ProcessorSettings.Builder b = ProcessorSettings.builder(bootstrapServers)
                .groupId(config.string("processor.group-id", d.groupId()))
                .clientId(config.string("processor.client-id", d.clientId()))
                .topicPrefix(config.string("processor.topic-prefix", d.topicPrefix()))
                .delivery(config.enumValue("processor.delivery", DeliveryGuarantee.class, d.delivery()))
                .transactionalId(config.string("processor.transactional-id").orElse(null))
                .maxInFlight(config.integer("processor.max-in-flight", d.maxInFlight(), 1, 1 << 20))
                .maxDeferredCommits(config.integer("processor.max-deferred-commits", d.maxDeferredCommits(), 1,
                        1 << 22))
                .concurrency(config.integer("processor.concurrency", d.concurrency(), 1, 1024))
                .commitInterval(config.duration("processor.commit-interval", d.commitInterval()))
                .transactionBatchSize(config.integer("processor.transaction-batch-size", d.transactionBatchSize(), 1,
                        1 << 20))
                .transactionBatchTimeout(config.duration("processor.transaction-batch-timeout",
                        d.transactionBatchTimeout()))
                .shutdownTimeout(config.duration("processor.shutdown-timeout", d.shutdownTimeout()))
                .restartBackoff(config.duration("processor.restart-backoff", d.restartBackoff()))
                .restartBackoffMax(config.duration("processor.restart-backoff-max", d.restartBackoffMax()))
                .apiKeyTags(config.list("processor.api-key-tags", d.apiKeyTags()))
                .apiKeyEnvironment(config.list("processor.api-key-environment", d.apiKeyEnvironment()))
                .denylist(config.list("processor.denylist", List.of()))
                .redactionPatterns(config.map("processor.redaction-patterns"))
                .scrubBudget(config.duration("processor.scrub-budget", d.scrubBudget()))
                .kafka(config.map("processor.kafka"))
                .minLogLevel(config.string("processor.min-log-level", d.minLogLevel().name()));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // The settings name the key (processor.<key>); say where to change it.
            throw new ConfigException(keyIn(e.getMessage()), e.getMessage()
                    + " (set it in the configuration file or the environment; see the README's processor keys)");
        }
    }

    static String keyIn(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("processor\\.[a-z-]+").matcher(
                message == null ? "" : message);
        return m.find() ? m.group() : "processor";
    }
}
