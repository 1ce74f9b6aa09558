package dev.lunar.telemetry.faults;

import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One fault scenario, end to end: its own embedded broker (a free port, its own data directory under
 * {@code target/fault-suite/<scenario>}) with the pipeline's twelve topics under the scenario's topic prefix, the
 * tenants, a {@link LoopbackDatadog}, the processor and the Datadog forwarder as separate JVMs, and a
 * {@link PacedProducer} sending the {@link Traffic}. Faults are {@link Step}s taken when a share of the expected
 * Datadog log entries has arrived; then the run waits until every destination is complete (or a wait runs out,
 * which is a failure with a diagnosis), stops the services gracefully and reads the Kafka destinations to the end.
 */
final class FaultRun implements AutoCloseable {

    static final String API_KEY = "fault-suite-dd-key-6f1c0e2a";
    static final int PARTITIONS = 3;

    /** A fault, taken once {@code share} of the expected Datadog log entries have arrived. */
    record Step(double share, String what, Runnable action) {}

    final String scenario;
    final String delivery;
    final FaultSuiteSettings settings;
    final Traffic traffic;
    final Path directory;
    final String prefix;
    final CanaryScanner canaries;
    final Destinations destinations;
    final List<String> log = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    EmbeddedKafkaBroker broker;
    LoopbackDatadog datadog;
    ServiceProcess processor;
    ServiceProcess forwarder;
    PacedProducer producer;
    int brokerRestarts;
    long startNanos;
    Duration elapsed = Duration.ZERO;

    FaultRun(String scenario, String delivery, FaultSuiteSettings settings, long seed) {
        this.scenario = scenario;
        this.delivery = delivery;
        this.settings = settings;
        this.directory = settings.output().resolve(scenario);
        this.prefix = "faults." + scenario + ".";
        this.traffic = Traffic.generate(settings.events(), seed, settings.perSecond());
        this.canaries = new CanaryScanner(traffic.canaries);
        this.destinations = new Destinations(prefix, canaries);
    }

    /** Broker, topics, tenants, Datadog, and both services running. */
    void start() {
        startNanos = System.nanoTime();
        deleteRecursively(directory);
        broker = closeLater(EmbeddedKafkaBroker.builder().port(0).dataDirectory(directory.resolve("kafka-data"))
                .defaultPartitions(PARTITIONS).build());
        broker.start();
        note("broker on %s, data in %s", broker.bootstrapServers(), broker.logDirectory());
        List<TopicSpec> topics = Topics.all().stream()
                .map(t -> new TopicSpec(prefix + t.name(), PARTITIONS, t.compacted(), Map.of())).toList();
        KafkaTopics.createTopics(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
        writeTenants();
        datadog = closeLater(new LoopbackDatadog(API_KEY, traffic.datadogIds, traffic.refusedIds, canaries));
        processor = closeLater(new ServiceProcess("processor", "processor", processorEnvironment(), directory));
        forwarder = closeLater(new ServiceProcess("forwarder", "forward-datadog", forwarderEnvironment(), directory));
        processor.start();
        forwarder.start();
        processor.awaitRunning(settings.patience());
        forwarder.awaitRunning(settings.patience());
        note("processor (%s) and Datadog forwarder running as separate JVMs", delivery);
    }

    /** Produces the traffic and takes the steps in order of their share. */
    void drive(List<Step> steps) {
        producer = closeLater(new PacedProducer(broker.bootstrapServers(), traffic.records,
                raw -> prefix + raw.kind().rawTopic(), settings.perSecond()));
        producer.start();
        note("producing %,d records (%,d events + %,d poison) at %.0f/s", traffic.records.size(),
                traffic.eventCount(), traffic.poisonCount(), settings.perSecond());
        List<Step> ordered = steps.stream().sorted(Comparator.comparingDouble(Step::share)).toList();
        int expected = traffic.datadogIds.size();
        for (Step step : ordered) {
            int target = (int) Math.ceil(step.share() * expected);
            waitFor(String.format(Locale.ROOT, "%.0f %% of the Datadog entries (%d) before: %s", step.share() * 100,
                    target, step.what()), () -> datadog.progress() >= target);
            note("at %d/%d Datadog entries: %s", datadog.progress(), expected, step.what());
            step.action().run();
        }
    }

    /**
     * Waits until every destination has everything, then stops the services gracefully and reads the topics. If a
     * destination stays incomplete, the run goes on to its summary, whose assertions then name what is missing.
     */
    void finish() {
        waitFor("every record acknowledged by Kafka", () -> producer.done().isDone());
        producer.done().join();
        waitOrNote("every expected log entry at Datadog", () -> datadog.progress() == traffic.datadogIds.size());
        List<String> enrichedTopics = Stream.of(EventKind.values()).map(k -> prefix + k.enrichedTopic()).toList();
        try (TopicTail enriched = new TopicTail(broker.bootstrapServers(), enrichedTopics, destinations::enriched);
             TopicTail letters = new TopicTail(broker.bootstrapServers(), List.of(prefix + Topics.DEAD_LETTERS),
                     destinations::deadLetter)) {
            waitOrNote("every event in its enriched topic, every poison and refused record dead-lettered", () -> {
                enriched.catchUp(settings.patience());
                letters.catchUp(settings.patience());
                return destinations.enrichedDistinct() >= traffic.eventCount()
                        && destinations.processorLetters.size() >= traffic.poisonCount()
                        && destinations.forwarderLetters.size() >= traffic.refusedIds.size();
            });
            note("destinations complete; stopping the services (SIGTERM)");
            forwarder.stop(Duration.ofSeconds(60));
            processor.stop(Duration.ofSeconds(60));
            enriched.catchUp(settings.patience());
            letters.catchUp(settings.patience());
        }
        elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    // ------------------------------------------------------------------ faults

    /** kill -9, evict the dead member from its consumer group, start a new JVM and wait until it runs. */
    void killAndRestart(ServiceProcess service, String group) {
        service.kill();
        evictMembers(group);
        if (service == forwarder) {
            datadog.forgetRateLimits();
        }
        service.start();
        service.awaitRunning(settings.patience());
        note("%s killed with SIGKILL and running again (#%d)", service.name(), service.starts());
    }

    /** Datadog rate-limits, then fails, for {@code requests} requests; returns once they have all been answered. */
    void datadogTrouble(int requests) {
        datadog.troubleFor(requests);
        waitFor("Datadog's " + requests + " rate-limited and failed answers to be used up",
                () -> !datadog.inTrouble());
        note("Datadog answered %d requests with 429 / 503 and is back", requests);
    }

    void restartBroker() {
        long began = System.nanoTime();
        broker.stop();
        broker.start();
        brokerRestarts++;
        note("broker stopped and started again on %s, same data directory (%d ms)", broker.bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /**
     * After a kill -9 the dead member stays in its group until its session times out (45 s by default), holding its
     * partitions. The broker would then drop it; this removes it at once (Admin {@code removeMembersFromConsumerGroup},
     * before the successor starts, so only the dead member is removed) so that a short run need not wait. It changes
     * nothing about what was committed.
     */
    private void evictMembers(String group) {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions()).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            note("could not evict the members of %s (%s); the restarted service waits for the session timeout",
                    group, e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String processorGroup() {
        return prefix + "processor";
    }

    String forwarderGroup() {
        return prefix + "datadog-forwarder";
    }

    // ------------------------------------------------------------------ set-up

    private Map<String, String> common(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LUNAR_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("LUNAR_OPS_PORT", "-1");
        env.put("LUNAR_DATA_DIR", directory.resolve(service + "-data").toString());
        env.put("LUNAR_LOG_LEVEL", System.getProperty("lunar.faults.service-log-level", "INFO"));
        return env;
    }

    private Map<String, String> processorEnvironment() {
        Map<String, String> env = common("processor");
        env.put("LUNAR_PROCESSOR_TOPIC_PREFIX", prefix);
        env.put("LUNAR_PROCESSOR_GROUP_ID", processorGroup());
        env.put("LUNAR_PROCESSOR_DELIVERY", delivery);
        env.put("LUNAR_PROCESSOR_TRANSACTIONAL_ID", prefix + "processor-0");
        env.put("LUNAR_PROCESSOR_RESTART_BACKOFF_MAX", "5s");
        env.put("LUNAR_PROCESSOR_SHUTDOWN_TIMEOUT", "20s");
        return env;
    }

    private Map<String, String> forwarderEnvironment() {
        Map<String, String> env = common("forwarder");
        env.put("DD_API_KEY", API_KEY);
        env.put("LUNAR_DATADOG_BASE_URL", datadog.baseUrl());
        env.put("LUNAR_DATADOG_GROUP_ID", forwarderGroup());
        for (EventKind kind : List.of(EventKind.LOGS, EventKind.RESOURCES, EventKind.HEARTBEATS, EventKind.POLICIES)) {
            env.put("LUNAR_DATADOG_TOPICS_" + kind.id().toUpperCase(Locale.ROOT), prefix + kind.enrichedTopic());
        }
        env.put("LUNAR_DATADOG_TENANTS_TOPIC", prefix + Topics.TENANTS);
        env.put("LUNAR_DATADOG_DEAD_LETTER_TOPIC", prefix + Topics.DEAD_LETTERS);
        env.put("LUNAR_DATADOG_BATCH_MAX_WAIT", "250ms");
        env.put("LUNAR_DATADOG_RETRY_INITIAL_BACKOFF", "200ms");
        env.put("LUNAR_DATADOG_RETRY_MAX_BACKOFF", "2s");
        env.put("LUNAR_DATADOG_REQUEST_TIMEOUT", "10s");
        env.put("LUNAR_DATADOG_SHUTDOWN_TIMEOUT", "20s");
        return env;
    }

    private void writeTenants() {
        AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
        try (KafkaProducer<String, byte[]> tenants = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (TenantMetadata tenant : traffic.tenants) {
                tenants.send(new ProducerRecord<>(prefix + Topics.TENANTS, tenant.getId(), codec.encode(tenant)))
                        .get(60, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write the tenants: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Waits for {@code condition}; on time-out, fails with the state of every part of the run. */
    void waitFor(String what, BooleanSupplier condition) {
        try {
            await(what).atMost(settings.patience()).pollInterval(Duration.ofMillis(200))
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("[" + scenario + "] no progress: waited " + settings.patience() + " for " + what
                    + "\n" + diagnosis(), e);
        }
    }

    /** Like {@link #waitFor}, but a time-out is noted (with the diagnosis) instead of failing here. */
    private void waitOrNote(String what, BooleanSupplier condition) {
        try {
            waitFor(what, condition);
        } catch (AssertionError e) {
            note("INCOMPLETE after %s: %s%n%s", settings.patience(), what, diagnosis());
        }
    }

    String diagnosis() {
        StringBuilder b = new StringBuilder();
        b.append(datadog == null ? "" : datadog.describe()).append('\n');
        b.append(producer == null ? "" : producer.describe()).append('\n');
        b.append("broker ").append(broker != null && broker.isRunning() ? "running" : "not running").append('\n');
        for (ServiceProcess p : new ServiceProcess[] {processor, forwarder}) {
            if (p != null) {
                b.append(p.describe()).append('\n').append(p.tail(30)).append('\n');
            }
        }
        b.append("run log:\n  ").append(String.join("\n  ", log));
        return b.toString();
    }

    void note(String format, Object... args) {
        String line = String.format(Locale.ROOT, "%6.1f s  ", (System.nanoTime() - startNanos) / 1e9)
                + String.format(Locale.ROOT, format, args);
        log.add(line);
        System.out.println("[fault-suite " + scenario + "] " + line);
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.out.println("[fault-suite " + scenario + "] closing " + resources.get(i) + ": " + e);
            }
        }
    }
}
