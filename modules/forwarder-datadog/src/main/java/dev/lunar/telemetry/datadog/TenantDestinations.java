package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.DatadogSite;
import dev.lunar.telemetry.events.avro.TenantDatadogDestination;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower.MissingTopic;
import dev.lunar.telemetry.kafka.runtime.CompactedTopicFollower.RejectedRecord;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant Datadog accounts, followed live from the compacted {@code tenants.v1} (a tombstone removes the tenant).
 * A tenant's metadata names its site and <em>where</em> its key is — an environment variable or a file — never the
 * key itself; the key is read when the destination is first needed and again when the metadata changes.
 *
 * <p>Follows the topic with the runtime's {@link CompactedTopicFollower} (no group, nothing committed).
 */
final class TenantDestinations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TenantDestinations.class);

    private final DatadogSettings settings;
    private final Function<String, String> environment;
    private final Map<String, TenantDatadogDestination> configured = new ConcurrentHashMap<>();
    private final Map<String, Optional<Destination>> resolved = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
    private final CompactedTopicFollower<TenantMetadata> follower;

    TenantDestinations(KafkaClientSettings kafka, DatadogSettings settings, Function<String, String> environment) {
        this.settings = settings;
        this.environment = environment;
        // a missing topic counts as no tenant accounts yet: the pipeline's own account still takes everything
        this.follower = new CompactedTopicFollower<>(kafka, "datadog-tenant-destinations", settings.tenantsTopic(),
                this::decode, new Changes(), MissingTopic.EMPTY, Duration.ofSeconds(10));
    }

    /** Starts following {@code tenants.v1}; returns whether the table was read to its end within {@code wait}. */
    boolean start(Duration wait) {
        follower.start();
        try {
            follower.caughtUp().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // failed (logged by the follower) or still loading: the caller decides from the answer
        }
        if (follower.caughtUp().isDone()) {
            log.info("per-tenant Datadog destinations: {} tenants with their own account", configured.size());
            return true;
        }
        return false;
    }

    /** The tenant's own Datadog account, if its metadata names one whose key could be read. */
    Optional<Destination> destinationFor(String tenantId) {
        if (tenantId == null) {
            return Optional.empty();
        }
        TenantDatadogDestination dd = configured.get(tenantId);
        if (dd == null) {
            return Optional.empty();
        }
        return resolved.computeIfAbsent(tenantId, id -> resolve(id, dd));
    }

    /** What is wrong with tenant destinations, by tenant id (for the health detail). */
    Map<String, String> problems() {
        return Map.copyOf(problems);
    }

    void reportProblem(String tenantId, String problem) {
        if (!problem.equals(problems.put(tenantId, problem))) {
            log.error("tenant {}: {}", tenantId, problem);
        }
    }

    void clearProblem(String tenantId) {
        problems.remove(tenantId);
    }

    // package-private for tests without a broker
    void apply(String tenantId, TenantMetadata metadata) {
        resolved.remove(tenantId);
        problems.remove(tenantId);
        if (metadata == null || metadata.getDatadog() == null) {
            configured.remove(tenantId);
        } else {
            configured.put(tenantId, metadata.getDatadog());
        }
    }

    private Optional<Destination> resolve(String tenantId, TenantDatadogDestination dd) {
        DatadogSite site;
        try {
            site = DatadogSite.of("tenants.v1 " + tenantId + " datadog.site", dd.getSite());
        } catch (IllegalArgumentException e) {
            reportProblem(tenantId, e.getMessage());
            return Optional.empty();
        }
        String keySetting;
        Optional<String> key;
        if (dd.getApiKeyEnv() != null) {
            keySetting = "environment variable " + dd.getApiKeyEnv();
            key = Optional.ofNullable(environment.apply(dd.getApiKeyEnv())).map(String::strip).filter(k -> !k.isEmpty());
        } else if (dd.getApiKeyFile() != null) {
            keySetting = "file " + dd.getApiKeyFile();
            key = readKeyFile(dd.getApiKeyFile());
        } else {
            keySetting = "(none)";
            key = Optional.empty();
        }
        if (key.isEmpty() && !settings.isDryRun()) {
            reportProblem(tenantId, "its Datadog destination " + site.domain() + " has no readable API key in "
                    + keySetting + ": set it, or fix the tenant's datadog entry in " + settings.tenantsTopic()
                    + "; its data still goes to the pipeline's own Datadog account");
            return Optional.empty();
        }
        URI logs = settings.baseUrl().map(b -> b.resolve(DatadogSite.LOGS_PATH)).orElse(site.logsUrl());
        URI series = settings.baseUrl().map(b -> b.resolve(DatadogSite.SERIES_PATH)).orElse(site.seriesUrl());
        return Optional.of(new Destination("tenant " + tenantId + " (" + site.domain() + ")", site.domain(), logs,
                series, key, false, keySetting, tenantId));
    }

    private static Optional<String> readKeyFile(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip()).filter(k -> !k.isEmpty());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private TenantMetadata decode(String tenantId, byte[] value) throws RejectedRecord {
        try {
            return codec.decode(value);
        } catch (BadRecordException e) {
            throw new RejectedRecord("unreadable tenant metadata (" + e.reason() + ")");
        }
    }

    /** Applies the follower's changes to the destinations. */
    private final class Changes implements CompactedTopicFollower.Listener<TenantMetadata> {
        @Override
        public void changed(String tenantId, TenantMetadata metadata) {
            apply(tenantId, metadata);
        }

        @Override
        public void rejected(String where, String tenantId, String reason) {
            log.warn("{}: {}, ignored", where, reason);
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
