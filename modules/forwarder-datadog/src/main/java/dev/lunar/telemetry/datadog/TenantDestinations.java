package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.DatadogSite;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.avro.TenantDatadogDestination;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant Datadog accounts, followed live from the compacted {@code tenants.v1} (a tombstone removes the tenant).
 * A tenant's metadata names its site and <em>where</em> its key is — an environment variable or a file — never the
 * key itself; the key is read when the destination is first needed and again when the metadata changes.
 *
 * <p>Reads every partition from the beginning with its own consumer (no group, nothing committed) on one thread.
 */
final class TenantDestinations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TenantDestinations.class);

    private final DatadogSettings settings;
    private final Function<String, String> environment;
    private final Map<String, TenantDatadogDestination> configured = new ConcurrentHashMap<>();
    private final Map<String, Optional<Destination>> resolved = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final KafkaClientSettings kafka;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private Thread thread;

    TenantDestinations(KafkaClientSettings kafka, DatadogSettings settings, Function<String, String> environment) {
        this.kafka = kafka;
        this.settings = settings;
        this.environment = environment;
    }

    /** Starts following {@code tenants.v1}; returns whether the table was read to its end within {@code wait}. */
    boolean start(Duration wait) {
        thread = new Thread(this::follow, "datadog-tenant-destinations");
        thread.setDaemon(true);
        thread.start();
        try {
            return caughtUp.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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

    private void follow() {
        AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
        Map<String, Object> props = new HashMap<>(kafka.properties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            consumer = c;
            List<TopicPartition> partitions = List.of();
            while (!closed && partitions.isEmpty()) {
                try {
                    partitions = c.partitionsFor(settings.tenantsTopic(), Duration.ofSeconds(5)).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    partitions = List.of();
                }
                if (partitions.isEmpty()) {
                    log.warn("{} does not exist yet; per-tenant Datadog destinations wait for it",
                            settings.tenantsTopic());
                    caughtUp.countDown();
                    closing.await(1, TimeUnit.SECONDS);
                }
            }
            if (closed) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String id = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (id == null) {
                        continue;
                    }
                    try {
                        apply(id, r.value() == null ? null : codec.decode(r.value()));
                    } catch (BadRecordException e) {
                        log.warn("{}-{}@{}: unreadable tenant metadata ({}), ignored", r.topic(), r.partition(),
                                r.offset(), e.reason());
                    }
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                    log.info("per-tenant Datadog destinations: {} tenants with their own account", configured.size());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("following {} failed; per-tenant Datadog destinations are frozen: {}", settings.tenantsTopic(),
                    e.toString(), e);
        } finally {
            caughtUp.countDown();
        }
    }

    @Override
    public void close() {
        closed = true;
        closing.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
