package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.DatadogSite;
import dev.lunar.telemetry.health.HealthCheck;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.consumer.ConsumerHealth;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.consumer.TelemetryConsumer;
import dev.lunar.telemetry.consumer.audit.AuditTrail;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Datadog forwarder: reads the enriched logs, resources, heartbeats and policies topics (never endpoint stats —
 * P2, P4) with the consumer kit and sends them to Datadog's Logs API v2 and Metrics API v2 (or, for metrics, to a
 * local Agent over DogStatsD), to the pipeline's account and to tenants' own accounts.
 *
 * <p>Delivery: what the kit promises — at least once, offsets committed only after Datadog accepted the data or the
 * record went to the dead-letter topic. A rejected {@code DD_API_KEY} stops forwarding loudly (health DOWN) and commits
 * nothing until the key works. Without {@code DD_API_KEY} (or with {@code datadog.dry-run}) nothing is sent: every
 * request is appended to {@code <data-dir>/outbox/datadog/} instead (P7). Either way every accepted request (an outbox
 * write counts as accepted) is recorded in the audit trail ({@code audit.topic}) before its batch is committed; see
 * {@link AuditTrail} and {@code DatadogBatchHandler} for exactly what that guarantees.
 *
 * <pre>{@code
 * DatadogSettings settings = DatadogSettings.builder().site("datadoghq.eu").apiKeyFromEnvironment(System.getenv()).build();
 * try (DatadogForwarder forwarder = DatadogForwarder.start(settings, KafkaClientSettings.of("127.0.0.1:9092"), registry)) {
 *     ... forwarder.isHealthy(), forwarder.healthDetail() ...
 * }
 * }</pre>
 */
public final class DatadogForwarder implements AutoCloseable, HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(DatadogForwarder.class);
    /** The kit consumer's name: metrics are tagged {@code consumer=datadog-forwarder}. */
    public static final String CONSUMER_NAME = "datadog-forwarder";
    private static final Duration TENANT_TABLE_WAIT = Duration.ofSeconds(10);

    private final DatadogSettings settings;
    private final TelemetryConsumer<PreparedRecord> consumer;
    private final TenantDestinations tenants;
    private final IntakeSender sender;
    private final DogStatsdSender dogStatsd;
    private final ForwarderMetrics metrics;
    private final AuditTrail audit;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private DatadogForwarder(DatadogSettings settings, KafkaClientSettings kafka, MeterRegistry registry,
                             Function<String, String> environment) {
        this.settings = settings;
        Clock clock = Clock.systemUTC();
        ObjectMapper mapper = new ObjectMapper();
        this.metrics = new ForwarderMetrics(registry);
        URI logsUrl = settings.baseUrl().map(b -> b.resolve(DatadogSite.LOGS_PATH)).orElse(settings.site().logsUrl());
        URI seriesUrl = settings.baseUrl().map(b -> b.resolve(DatadogSite.SERIES_PATH)).orElse(settings.site().seriesUrl());
        Destination primary = new Destination(settings.site().domain(), settings.site().domain(), logsUrl, seriesUrl,
                settings.apiKey(), true, DatadogSettings.API_KEY_ENV, null);
        if (settings.isDryRun()) {
            this.sender = new OutboxSender(settings.outboxDirectory(), mapper, clock);
            log.warn("Datadog forwarder in DRY-RUN ({}): nothing is sent to Datadog; every request it would send is"
                            + " appended to {}", settings.apiKey().isEmpty() ? "no " + DatadogSettings.API_KEY_ENV
                            : "datadog.dry-run=true", settings.outboxDirectory().toAbsolutePath());
        } else {
            this.sender = new HttpIntakeSender(settings.requestTimeout());
            log.info("Datadog forwarder sending to {} (logs {}, metrics {})", settings.site().domain(), logsUrl,
                    settings.dogStatsdEnabled() ? "DogStatsD " + settings.dogStatsdHost() + ":" + settings.dogStatsdPort()
                            : seriesUrl.toString());
        }
        this.dogStatsd = settings.dogStatsdEnabled() && !settings.isDryRun()
                ? new DogStatsdSender(settings.dogStatsdHost(), settings.dogStatsdPort()) : null;
        this.tenants = settings.tenantDestinations() ? new TenantDestinations(kafka, settings, environment) : null;
        if (tenants != null && !tenants.start(TENANT_TABLE_WAIT)) {
            log.warn("{} was not read to its end within {} s; per-tenant destinations fill in as it is read",
                    settings.tenantsTopic(), TENANT_TABLE_WAIT.toSeconds());
        }
        this.audit = AuditTrail.kafka(kafka, settings.audit(), CONSUMER_NAME);
        DatadogBatchHandler handler = new DatadogBatchHandler(settings, primary, tenants, sender, dogStatsd,
                new PayloadBuilder(mapper, metrics::truncated), metrics, clock, audit);
        TelemetryConsumer.Builder<PreparedRecord> builder =
                TelemetryConsumer.builder(CONSUMER_NAME, PreparedRecord.class)
                        .kafka(kafka)
                        .groupId(settings.groupId())
                        .destination("datadog")
                        .deadLetterTopic(settings.deadLetterTopic())
                        .batching(settings.batchMaxRecords(), 4L * 1024 * 1024, settings.batchMaxWait())
                        .retryBackoff(settings.retryInitialBackoff(), settings.retryMaxBackoff())
                        .authRetryInterval(settings.authRetryInterval())
                        .shutdownTimeout(settings.shutdownTimeout())
                        .meterRegistry(registry)
                        .handler(handler::handlePrepared);
        // records are mapped and serialised as they are read, while earlier batches are being sent; decoding skips
        // the fields the mapping never reads
        settings.topics().forEach((kind, topic) -> builder.topic(topic,
                AvroCodec.of(kind.enrichedType()).leavingUnread(DatadogMapping.unreadFields(kind.enrichedType())),
                handler::prepare));
        this.consumer = builder.start();
    }

    /** Starts forwarding; tenants' keys are read from the process environment. */
    public static DatadogForwarder start(DatadogSettings settings, KafkaClientSettings kafka, MeterRegistry registry) {
        return start(settings, kafka, registry, System::getenv);
    }

    /**
     * Starts forwarding.
     *
     * @param environment looks up the environment variables named by tenants' {@code apiKeyEnv}
     */
    public static DatadogForwarder start(DatadogSettings settings, KafkaClientSettings kafka, MeterRegistry registry,
                                         Function<String, String> environment) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(environment, "environment");
        return new DatadogForwarder(settings, kafka, registry, environment);
    }

    /** False when Datadog rejected {@code DD_API_KEY} (nothing is being committed) or the forwarder is stopped. */
    @Override
    public boolean isHealthy() {
        return consumer.health().isHealthy();
    }

    /** One or a few sentences for the ops endpoint: status, the last failure and its fix, tenant problems. */
    @Override
    public String healthDetail() {
        ConsumerHealth h = consumer.health();
        StringBuilder b = new StringBuilder();
        b.append(settings.isDryRun() ? "dry-run to " + settings.outboxDirectory() + "; " : "")
                .append(h.status()).append(" since ").append(h.since()).append(": ").append(h.detail());
        if (metrics.notSent.get() > 0) {
            b.append("; ").append(metrics.notSent.get())
                    .append(" log entries/points not sent because Datadog refuses their timestamps");
        }
        if (tenants != null) {
            Map<String, String> problems = tenants.problems();
            if (!problems.isEmpty()) {
                b.append("; tenant destinations: ").append(problems.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")));
            }
        }
        return b.toString();
    }

    public ConsumerHealth health() {
        return consumer.health();
    }

    public boolean isDryRun() {
        return settings.isDryRun();
    }

    /** Where dry-run requests are written, when in dry-run. */
    public Optional<Path> outboxDirectory() {
        return settings.isDryRun() ? Optional.of(settings.outboxDirectory()) : Optional.empty();
    }

    /** The chain id of this process's audit records ({@code audit.topic}). */
    public String auditChainId() {
        return audit.chainId();
    }

    /** Records read from Kafka and not yet done; never more than {@link #inFlightBound()}. */
    public int inFlightRecords() {
        return consumer.inFlightRecords();
    }

    public int maxInFlightRecords() {
        return consumer.maxInFlightRecords();
    }

    public int inFlightBound() {
        return consumer.inFlightBound();
    }

    /** Stops polling, lets requests in flight finish (up to {@code datadog.shutdown-timeout}), commits, closes. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        consumer.close();
        audit.close();
        if (tenants != null) {
            tenants.close();
        }
        sender.close();
        if (dogStatsd != null) {
            dogStatsd.close();
        }
    }
}
