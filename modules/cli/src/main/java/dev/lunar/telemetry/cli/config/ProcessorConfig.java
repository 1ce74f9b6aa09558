package dev.lunar.telemetry.cli.config;

import static dev.lunar.telemetry.processor.ProcessorSettings.API_KEY_ENVIRONMENT;
import static dev.lunar.telemetry.processor.ProcessorSettings.API_KEY_TAGS;
import static dev.lunar.telemetry.processor.ProcessorSettings.CLIENT_ID;
import static dev.lunar.telemetry.processor.ProcessorSettings.COMMIT_INTERVAL;
import static dev.lunar.telemetry.processor.ProcessorSettings.CONCURRENCY;
import static dev.lunar.telemetry.processor.ProcessorSettings.DELIVERY;
import static dev.lunar.telemetry.processor.ProcessorSettings.DENYLIST;
import static dev.lunar.telemetry.processor.ProcessorSettings.GROUP_ID;
import static dev.lunar.telemetry.processor.ProcessorSettings.KAFKA;
import static dev.lunar.telemetry.processor.ProcessorSettings.MAX_DEFERRED_COMMITS;
import static dev.lunar.telemetry.processor.ProcessorSettings.MAX_IN_FLIGHT;
import static dev.lunar.telemetry.processor.ProcessorSettings.MIN_LOG_LEVEL;
import static dev.lunar.telemetry.processor.ProcessorSettings.REDACTION_PATTERNS;
import static dev.lunar.telemetry.processor.ProcessorSettings.RESTART_BACKOFF;
import static dev.lunar.telemetry.processor.ProcessorSettings.RESTART_BACKOFF_MAX;
import static dev.lunar.telemetry.processor.ProcessorSettings.SCRUB_BUDGET;
import static dev.lunar.telemetry.processor.ProcessorSettings.SHUTDOWN_TIMEOUT;
import static dev.lunar.telemetry.processor.ProcessorSettings.TOPIC_PREFIX;
import static dev.lunar.telemetry.processor.ProcessorSettings.TRANSACTIONAL_ID;
import static dev.lunar.telemetry.processor.ProcessorSettings.TRANSACTION_BATCH_SIZE;
import static dev.lunar.telemetry.processor.ProcessorSettings.TRANSACTION_BATCH_TIMEOUT;

import dev.lunar.telemetry.processor.ProcessorSettings;

/** Reads the {@code processor.*} keys into {@link ProcessorSettings}, whose definitions give their types and bounds. */
public final class ProcessorConfig {
    private ProcessorConfig() {}

    public static ProcessorSettings bind(ConfigSource config, String bootstrapServers) {
        return ProcessorSettings.builder(bootstrapServers)
                .groupId(config.get(GROUP_ID))
                .clientId(config.get(CLIENT_ID))
                .topicPrefix(config.get(TOPIC_PREFIX))
                .delivery(config.get(DELIVERY))
                .transactionalId(config.get(TRANSACTIONAL_ID))
                .maxInFlight(config.get(MAX_IN_FLIGHT))
                .maxDeferredCommits(config.get(MAX_DEFERRED_COMMITS))
                .concurrency(config.get(CONCURRENCY))
                .commitInterval(config.get(COMMIT_INTERVAL))
                .transactionBatchSize(config.get(TRANSACTION_BATCH_SIZE))
                .transactionBatchTimeout(config.get(TRANSACTION_BATCH_TIMEOUT))
                .shutdownTimeout(config.get(SHUTDOWN_TIMEOUT))
                .restartBackoff(config.get(RESTART_BACKOFF))
                .restartBackoffMax(config.get(RESTART_BACKOFF_MAX))
                .apiKeyTags(config.get(API_KEY_TAGS))
                .apiKeyEnvironment(config.get(API_KEY_ENVIRONMENT))
                .denylist(config.get(DENYLIST))
                .redactionPatterns(config.entries(REDACTION_PATTERNS))
                .scrubBudget(config.get(SCRUB_BUDGET))
                .kafka(config.entries(KAFKA))
                .minLogLevel(config.get(MIN_LOG_LEVEL))
                .build();
    }
}
