package dev.lunar.telemetry.processor.tenants;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.ProcessorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads and writes the tenant table, the compacted topic {@code tenants.v1} (key = tenant id, value =
 * {@link TenantMetadata}, a tombstone deletes): what {@code lunar-telemetry tenants put|get|delete|list} calls. Every
 * write is validated first and waits for Kafka's acknowledgement; reads go through the topic to its end. Errors are
 * {@link IllegalArgumentException} (bad tenant) or {@link IllegalStateException} (Kafka unreachable, topic missing),
 * each with a sentence saying what to do. Not thread-safe; one per command.
 */
public final class TenantAdmin implements AutoCloseable {

    /** Default bound on each operation. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessorSettings settings;
    private final String topic;
    private final Duration timeout;
    private final Clock clock;
    private final AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
    private KafkaProducer<String, byte[]> producer;

    private TenantAdmin(ProcessorSettings settings, Duration timeout, Clock clock) {
        this.settings = settings;
        this.topic = settings.topic(dev.lunar.telemetry.events.Topics.TENANTS);
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Uses {@code processor.bootstrap-servers}, {@code processor.topic-prefix} and {@code processor.kafka}. */
    public static TenantAdmin connect(ProcessorSettings settings) {
        return connect(settings, DEFAULT_TIMEOUT);
    }

    public static TenantAdmin connect(ProcessorSettings settings, Duration timeout) {
        return new TenantAdmin(settings, timeout, Clock.systemUTC());
    }

    /**
     * Parses tenants from YAML (one tenant, or a list under {@code tenants:}; plain API keys under {@code apiKeys}
     * are hashed here and never kept). See {@link TenantYaml} for the format.
     *
     * @throws IllegalArgumentException naming the tenant and key that are wrong
     */
    public static List<TenantMetadata> parseYaml(String yaml) {
        return TenantYaml.parse(yaml);
    }

    /** The tenants as YAML in the format {@link #parseYaml} reads (hashes only, never keys). */
    public static String toYaml(Collection<TenantMetadata> tenants) {
        return TenantYaml.write(tenants);
    }

    /** Lower-case hex SHA-256 of an API key, the form {@code apiKeySha256} stores. */
    public static String apiKeySha256(String apiKey) {
        return EnrichmentPipeline.sha256(apiKey);
    }

    /** @throws IllegalArgumentException naming the field that is wrong and how to fix it */
    public static void validate(TenantMetadata tenant) {
        TenantYaml.validate(tenant, "tenant " + tenant.getId());
    }

    /** Writes (adds or replaces) a tenant, stamped with {@code updatedAt} = now; returns what was written. */
    public TenantMetadata put(TenantMetadata tenant) {
        validate(tenant);
        TenantMetadata stamped = TenantMetadata.newBuilder(tenant).setUpdatedAt(clock.instant()).build();
        send(stamped.getId(), codec.encode(stamped));
        return stamped;
    }

    /** The tenant as the table holds it now. */
    public Optional<TenantMetadata> get(String id) {
        return Optional.ofNullable(readAll().get(id));
    }

    /** Writes a tombstone for {@code id} if the tenant exists; returns whether it existed. */
    public boolean delete(String id) {
        if (!readAll().containsKey(id)) {
            return false;
        }
        send(id, null);
        return true;
    }

    /** Every tenant, by id, reading the topic from its beginning to its current end. */
    public List<TenantMetadata> list() {
        List<TenantMetadata> tenants = new ArrayList<>(readAll().values());
        tenants.sort(Comparator.comparing(TenantMetadata::getId));
        return tenants;
    }

    private Map<String, TenantMetadata> readAll() {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, TenantMetadata> tenants = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = TenantTopic.consumer(settings, "tenant-admin")) {
            List<TopicPartition> partitions = TenantTopic.partitions(consumer, topic, timeout);
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist on " + settings.bootstrapServers()
                        + "; create the pipeline topics first (`lunar-telemetry run` creates them)");
            }
            Map<TopicPartition, Long> end = TenantTopic.assignFromBeginning(consumer, partitions);
            while (!TenantTopic.caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout
                            + "; is Kafka at " + settings.bootstrapServers() + " healthy?");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        tenants.remove(record.key());
                        continue;
                    }
                    try {
                        tenants.put(record.key(), codec.decode(record.value()));
                    } catch (BadRecordException e) {
                        // an unreadable version does not replace the previous one, as in the processor
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("reading " + topic + " from " + settings.bootstrapServers() + " failed: "
                    + e.getMessage(), e);
        }
        return tenants;
    }

    private void send(String id, byte[] value) {
        if (producer == null) {
            Properties props = new Properties();
            props.putAll(settings.kafka().admin(settings.clientId() + "-tenant-admin"));
            props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-tenant-admin");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 30_000));
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer = new KafkaProducer<>(props);
        }
        try {
            producer.send(new ProducerRecord<>(topic, id, value)).get(timeout.toMillis() + 30_000,
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing tenant " + id + " to " + topic + " failed: "
                    + e.getCause().getMessage() + "; check that the topic exists and Kafka at "
                    + settings.bootstrapServers() + " is reachable", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("writing tenant " + id + " to " + topic + " was not acknowledged in time;"
                    + " is Kafka at " + settings.bootstrapServers() + " reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing tenant " + id, e);
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
