package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.events.avro.AuditRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@link AuditTrail} on a Kafka topic: one idempotent producer ({@code acks=all}, lz4), one write at a time, each
 * awaited. The chain head advances only when a write is acknowledged; a write whose fate is unknown (a timeout or
 * another retriable error: it may have been stored) stays pending and is written again, unchanged, before anything
 * else (the same entry asked again reuses it); a write Kafka refused for good is dropped.
 */
final class KafkaAuditTrail implements AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(KafkaAuditTrail.class);
    static final int POOLED_BATCH_BYTES = 1024 * 1024;

    private final AuditSettings settings;
    private final String chainId;
    private final KafkaProducer<String, byte[]> producer;
    private final Scheduler writer;
    private final Clock clock;
    private long nextSequence;
    private String head = AuditChain.GENESIS;
    private AuditRecord pending;

    private KafkaAuditTrail(KafkaClientSettings kafka, AuditSettings settings, String chainId, Clock clock) {
        this.settings = settings;
        this.chainId = chainId;
        this.clock = clock;
        Map<String, Object> props = new HashMap<>(kafka.properties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, chainId + "-audit");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, AuditSettings.MAX_RECORD_BYTES);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        // each write is a batch of its own; a batch of at most batch.size bytes takes a buffer from the producer's
        // pool and gives it back, a larger one allocates a buffer of its size each time. Request bodies of a kit
        // batch (500 records) are mostly a few hundred KB: with the default 16 KB every write allocated one.
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, POOLED_BATCH_BYTES);
        long timeout = settings.writeTimeout().toMillis();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout);
        this.producer = new KafkaProducer<>(props);
        this.writer = Schedulers.newSingle(chainId + "-audit", true);
    }

    static KafkaAuditTrail start(KafkaClientSettings kafka, AuditSettings settings, String writerName) {
        ensureTopic(kafka, settings);
        String chainId = writerName + "-" + UUID.randomUUID();
        log.info("audit trail: chain {} on {}", chainId, settings.topic());
        return new KafkaAuditTrail(kafka, settings, chainId, Clock.systemUTC());
    }

    @Override
    public String chainId() {
        return chainId;
    }

    @Override
    public Mono<AuditRecord> record(AuditEntry entry) {
        // one thread of its own: writes are serialised (the chain is a sequence) and blocking waits stay off the
        // callers' threads
        return Mono.fromCallable(() -> write(entry)).subscribeOn(writer);
    }

    private AuditRecord write(AuditEntry entry) throws InterruptedException, ExecutionException, TimeoutException {
        if (pending != null && !sameRequest(pending, entry)) {
            send(pending); // the chain's next position is taken by the pending record: it goes first
        }
        AuditRecord record = pending != null ? pending
                : AuditChain.next(chainId, nextSequence, head, clock.instant(), entry);
        pending = record;
        send(record);
        return record;
    }

    private void send(AuditRecord record) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            producer.send(new ProducerRecord<>(settings.topic(), chainId, AuditRecordBytes.of(record)))
                    .get(settings.writeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RetriableException)) {
                // refused for good (too large, not authorised...): certainly not written, so it does not hold the
                // chain's next position
                pending = null;
            }
            throw e;
        }
        head = record.getHash();
        nextSequence = record.getSequence() + 1;
        pending = null;
    }

    private static boolean sameRequest(AuditRecord pending, AuditEntry entry) {
        return pending.getDestination().equals(entry.destination())
                && pending.getDestinationHost().equals(entry.destinationHost())
                && pending.getEntryTenants().equals(entry.entryTenants())
                && Arrays.equals(AuditChain.body(pending), entry.body());
    }

    private static void ensureTopic(KafkaClientSettings kafka, AuditSettings settings) {
        Map<String, Object> props = new HashMap<>(kafka.properties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(settings.topic())) {
                return;
            }
            NewTopic topic = new NewTopic(settings.topic(), Optional.empty(), Optional.empty())
                    .configs(settings.topicConfigs());
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            log.info("audit trail: created topic {} (retention {})", settings.topic(), settings.retention());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                log.warn("audit trail: cannot make sure topic {} exists ({}); audit writes fail, and nothing is"
                        + " committed, until it does: create it", settings.topic(), e.getCause().toString());
            }
        } catch (TimeoutException e) {
            log.warn("audit trail: Kafka did not answer within 30 s whether topic {} exists; audit writes fail, and"
                    + " nothing is committed, until it does", settings.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        writer.dispose();
    }

}
