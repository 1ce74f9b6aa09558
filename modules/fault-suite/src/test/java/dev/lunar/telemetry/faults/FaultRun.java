package dev.lunar.telemetry.faults;

import static org.awaitility.Awaitility.await;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.cluster.LocalKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
 *
 * <p>A run {@code withControlPlane} also runs the real control plane in this JVM behind a {@link ControlPlaneRelay}
 * ({@link LoopbackControlPlane}) and the control-plane forwarder as a third service JVM
 * ({@code lunar-telemetry forward-controlplane --config <tokens>}, windows of {@link #CONTROL_PLANE_WINDOW}); its
 * event time runs {@link #CONTROL_PLANE_TIME_SCALE} times faster so that the proxies' one-minute endpoint counters
 * close every few seconds, and windows are sent while traffic flows. It then also waits until every CONTROL_PLANE
 * tenant's events are counted at the control plane, and reads back what it holds ({@link ControlPlaneOutcome}).
 */
final class FaultRun implements AutoCloseable {

    static final String API_KEY = "fault-suite-dd-key-6f1c0e2a";
    static final int PARTITIONS = 3;
    /** Partitions per topic on a three-broker cluster: two per broker, so every broker leads some. */
    static final int CLUSTER_PARTITIONS = 6;
    /** The control-plane forwarder's tumbling window: short, so that a run's last windows close soon. */
    static final Duration CONTROL_PLANE_WINDOW = Duration.ofSeconds(2);
    /** Its request timeout: a control plane that does not answer within it has timed out. */
    static final Duration CONTROL_PLANE_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** How much faster event time runs in a run with the control plane: a simulated minute every 5 s. */
    static final double CONTROL_PLANE_TIME_SCALE = 12;
    /** What the control-plane forwarder logs when a request of its got no answer in time. */
    static final String FORWARDER_TIMEOUT_LOG = "not accepted (no answer from";

    /**
     * How the pipeline is laid out: broker processes (1 = the embedded broker in this JVM, 3 = a
     * {@link LocalKafkaCluster}) and instances of each service (each in a JVM of its own, one consumer group per
     * service).
     */
    record Shape(int brokers, int instances) {
        static final Shape SINGLE = new Shape(1, 1);
    }

    /** A fault, taken once {@code share} of the expected Datadog log entries have arrived. */
    record Step(double share, String what, Runnable action) {}

    /** The control-plane forwarder's committed offsets at one moment, and the windows accepted by then. */
    record CommitSnapshot(String when, Map<Integer, Long> committed, Set<String> acceptedWindows) {}

    final String scenario;
    final String delivery;
    final long seed;
    final boolean withControlPlane;
    /** Events per second the fleet produces. */
    final double perSecond;
    final FaultSuiteSettings settings;
    final Traffic traffic;
    final Path directory;
    final String prefix;
    final CanaryScanner canaries;
    final Destinations destinations;
    final List<String> log = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Set unless the run has a {@link #cluster}. */
    EmbeddedKafkaBroker broker;
    /** Set for a run on three broker processes ({@link Shape#brokers()} 3). */
    LocalKafkaCluster cluster;
    final Shape shape;
    final int partitions;
    LoopbackDatadog datadog;
    /** The first instance of each service (the only one unless the shape has more). */
    ServiceProcess processor;
    ServiceProcess forwarder;
    LoopbackControlPlane controlPlane;
    ServiceProcess controlPlaneForwarder;
    final List<ServiceProcess> processors = new ArrayList<>();
    final List<ServiceProcess> forwarders = new ArrayList<>();
    final List<ServiceProcess> controlPlaneForwarders = new ArrayList<>();
    /** The faults' time spans, for {@link LatencyByPhase}. */
    final List<LatencyByPhase.Phase> phases = new ArrayList<>();
    int brokerFaults;
    /**
     * Whether the traffic is cut in equal slices, one before the first step and one more released as each step
     * begins: every fault then has traffic flowing during it, however long the faults before it took.
     */
    boolean slicePerStep;
    final List<CommitSnapshot> commitSnapshots = new ArrayList<>();
    ControlPlaneOutcome controlPlaneOutcome;
    PacedProducer producer;
    int brokerRestarts;
    long startNanos;
    Duration elapsed = Duration.ZERO;

    FaultRun(String scenario, String delivery, FaultSuiteSettings settings, long seed) {
        this(scenario, delivery, settings, seed, false, 1);
    }

    /**
     * @param rateFactor the fleet produces {@code rateFactor} times {@link FaultSuiteSettings#perSecond()} (a run
     *                   whose faults take less time than its traffic can be shorter)
     */
    FaultRun(String scenario, String delivery, FaultSuiteSettings settings, long seed, boolean withControlPlane,
             double rateFactor) {
        this(scenario, delivery, settings, seed, withControlPlane, rateFactor, Shape.SINGLE);
    }

    FaultRun(String scenario, String delivery, FaultSuiteSettings settings, long seed, boolean withControlPlane,
             double rateFactor, Shape shape) {
        this.shape = shape;
        this.partitions = shape.brokers() > 1 ? CLUSTER_PARTITIONS : PARTITIONS;
        this.scenario = scenario;
        this.delivery = delivery;
        this.settings = settings;
        this.seed = seed;
        this.withControlPlane = withControlPlane;
        this.perSecond = settings.perSecond() * rateFactor;
        this.directory = settings.output().resolve(scenario);
        this.prefix = "faults." + scenario + ".";
        this.traffic = Traffic.generate(settings.events(), seed, perSecond,
                withControlPlane ? CONTROL_PLANE_TIME_SCALE : 1);
        this.canaries = new CanaryScanner(traffic.canaries);
        this.destinations = new Destinations(prefix, canaries);
    }

    /** Broker, topics, tenants, Datadog, and both services running. */
    void start() {
        startNanos = System.nanoTime();
        deleteRecursively(directory);
        if (shape.brokers() > 1) {
            cluster = closeLater(LocalKafkaCluster.builder().nodes(shape.brokers())
                    .dataDirectory(directory.resolve("kafka-cluster")).defaultPartitions(partitions).build());
            cluster.start();
            note("%d broker processes on %s (replication 3, min.insync.replicas 2), data in %s", shape.brokers(),
                    bootstrap(), cluster.dataDirectory());
        } else {
            broker = closeLater(EmbeddedKafkaBroker.builder().port(0).dataDirectory(directory.resolve("kafka-data"))
                    .defaultPartitions(partitions).build());
            broker.start();
            note("broker on %s, data in %s", bootstrap(), broker.logDirectory());
        }
        List<TopicSpec> topics = Topics.all().stream()
                .map(t -> new TopicSpec(prefix + t.name(), partitions, t.compacted(), Map.of())).toList();
        KafkaTopics.createTopics(bootstrap(), topics, Duration.ofSeconds(60));
        writeTenants();
        datadog = closeLater(new LoopbackDatadog(API_KEY, traffic.datadogIds, traffic.refusedIds, canaries));
        for (int i = 1; i <= shape.instances(); i++) {
            processors.add(closeLater(new ServiceProcess(instanceName("processor", i), "processor",
                    processorEnvironment(i), directory)));
            forwarders.add(closeLater(new ServiceProcess(instanceName("forwarder", i), "forward-datadog",
                    forwarderEnvironment(i), directory)));
        }
        processor = processors.get(0);
        forwarder = forwarders.get(0);
        // several instances start one after another: a dozen JVMs starting at once on two shared cores time out
        boolean oneByOne = shape.instances() > 1;
        for (ServiceProcess service : processorsThenForwarders()) {
            service.start();
            if (oneByOne) {
                service.awaitRunning(settings.patience());
            }
        }
        if (withControlPlane) {
            controlPlane = closeLater(new LoopbackControlPlane(directory, traffic.tenants, seed, canaries));
            for (int i = 1; i <= shape.instances(); i++) {
                ServiceProcess added = addControlPlaneForwarder();
                added.start();
                if (oneByOne) {
                    added.awaitRunning(settings.patience());
                }
            }
            controlPlaneForwarder = controlPlaneForwarders.get(0);
        }
        processors.forEach(p -> p.awaitRunning(settings.patience()));
        forwarders.forEach(f -> f.awaitRunning(settings.patience()));
        note("%d processor(s) (%s) and %d Datadog forwarder(s) running as separate JVMs", processors.size(), delivery,
                forwarders.size());
        if (withControlPlane) {
            controlPlaneForwarders.forEach(f -> f.awaitRunning(settings.patience()));
            note("control plane on %s (%s), behind a relay on %s; control-plane forwarder running (windows of %s)",
                    controlPlane.url(), controlPlane.settings.effectiveJdbcUrl(), controlPlane.forwarderUrl(),
                    CONTROL_PLANE_WINDOW);
        }
    }

    /** Produces the traffic and takes the steps in order of their share. */
    void drive(List<Step> steps) {
        producer = closeLater(new PacedProducer(bootstrap(), traffic.records,
                raw -> prefix + raw.kind().rawTopic(), perSecond));
        if (slicePerStep) {
            int slices = steps.size() + 1;
            producer.holdAt(java.util.stream.IntStream.range(1, slices).mapToObj(i -> (double) i / slices).toList());
        }
        producer.start();
        note("producing %,d records (%,d events + %,d poison) at %.0f/s", traffic.records.size(),
                traffic.eventCount(), traffic.poisonCount(), perSecond);
        List<Step> ordered = steps.stream().sorted(Comparator.comparingDouble(Step::share)).toList();
        int expected = traffic.datadogIds.size();
        for (int i = 0; i < ordered.size(); i++) {
            Step step = ordered.get(i);
            int target = (int) Math.ceil(step.share() * expected);
            waitFor(String.format(Locale.ROOT, "%.0f %% of the Datadog entries (%d) before: %s", step.share() * 100,
                    target, step.what()), () -> datadog.progress() >= target);
            note("at %d/%d Datadog entries: %s", datadog.progress(), expected, step.what());
            long began = System.nanoTime();
            if (slicePerStep) {
                note("releasing the fleet's next slice (%,d of %,d records produced so far)", producer.sent(),
                        traffic.records.size());
                producer.release();
            }
            step.action().run();
            phases.add(new LatencyByPhase.Phase(step.what(), began, System.nanoTime()));
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
        try (TopicTail enriched = new TopicTail(bootstrap(), enrichedTopics, destinations::enriched);
             TopicTail letters = new TopicTail(bootstrap(), List.of(prefix + Topics.DEAD_LETTERS),
                     destinations::deadLetter)) {
            waitOrNote("every event in its enriched topic, every poison and refused record dead-lettered", () -> {
                enriched.catchUp(settings.patience());
                letters.catchUp(settings.patience());
                return destinations.enrichedDistinct() >= traffic.eventCount()
                        && destinations.processorLetters.size() >= traffic.poisonCount()
                        && destinations.forwarderLetters.size() >= traffic.refusedIds.size();
            });
            if (withControlPlane) {
                waitOrNote("every CONTROL_PLANE tenant's endpoint events counted at the control plane",
                        this::controlPlaneComplete);
                snapshotCommits("destinations complete");
            }
            note("destinations complete; stopping the services (SIGTERM)");
            controlPlaneForwarders.forEach(f -> f.stop(Duration.ofSeconds(60)));
            forwarders.forEach(f -> f.stop(Duration.ofSeconds(60)));
            processors.forEach(p -> p.stop(Duration.ofSeconds(60)));
            enriched.catchUp(settings.patience());
            letters.catchUp(settings.patience());
        }
        if (withControlPlane) {
            Map<String, LoopbackControlPlane.Held> held = new TreeMap<>();
            for (String tenant : traffic.plans.keySet()) {
                held.put(tenant, controlPlane.read(tenant, queryFrom(), queryTo()));
            }
            controlPlane.stop();
            controlPlaneOutcome = new ControlPlaneOutcome(this, held, controlPlane.storedTenants(), commitViolations());
        }
        elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private Instant queryFrom() {
        return Instant.ofEpochMilli(traffic.firstEventMillis).minus(Duration.ofHours(1));
    }

    private Instant queryTo() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    /** Whether every CONTROL_PLANE tenant's endpoint rows and window overviews count all its events. */
    private boolean controlPlaneComplete() {
        Map<String, Long> expected = new TreeMap<>();
        traffic.endpointEvents(TenantPlan.CONTROL_PLANE).forEach(e -> expected.merge(e.tenantId(), 1L, Long::sum));
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            LoopbackControlPlane.Held held = controlPlane.read(e.getKey(), queryFrom(), queryTo());
            if (held.endpointTotals().events() < e.getValue() || held.windows().events() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ faults

    /** kill -9, evict the dead member from its consumer group, start a new JVM and wait until it runs. */
    void killAndRestart(ServiceProcess service, String group) {
        if (service == controlPlaneForwarder) {
            snapshotCommits("before kill -9 #" + (service.kills() + 1) + " of the control-plane forwarder");
        }
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

    /**
     * The control plane times out: the relay accepts every request and never answers (alternately without passing
     * it on, and after the control plane stored it). Once the forwarder has seen a time-out, it is killed with
     * SIGKILL and restarted — its records must all be read again, since none of its windows was accepted — and the
     * control plane recovers once the new forwarder has seen {@code timeoutsAfterRestart} time-outs too.
     */
    void controlPlaneTimesOut(int timeoutsAfterRestart) {
        ControlPlaneRelay relay = controlPlane.relay;
        relay.timeOut();
        note("the control plane times out from now on");
        waitFor("the control-plane forwarder to see a request time out",
                () -> controlPlaneForwarder.linesContainingNow(FORWARDER_TIMEOUT_LOG) >= 1);
        note("the control-plane forwarder saw its first time-out (%d requests timed out so far)", relay.timedOut());
        killAndRestart(controlPlaneForwarder, controlPlaneForwarderGroup());
        waitFor("the restarted control-plane forwarder to see " + timeoutsAfterRestart + " time-outs",
                () -> controlPlaneForwarder.linesContainingNow(FORWARDER_TIMEOUT_LOG) >= timeoutsAfterRestart);
        snapshotCommits("end of the time-out");
        relay.recover();
        note("the control plane answers again: %d requests timed out (%d of them stored, their answers withheld),"
                + " %d given up by the forwarder", relay.timedOut(), relay.storedUnanswered(), relay.givenUp());
    }

    /**
     * Reads the control-plane forwarder's committed offsets of the endpoints topic, then the windows whose
     * acceptance reached it: a commit it made had to follow the acceptance of every window of what it committed.
     */
    void snapshotCommits(String when) {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        String topic = prefix + EventKind.ENDPOINTS.enrichedTopic();
        Map<Integer, Long> committed = new TreeMap<>();
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                    controlPlaneForwarderGroup()).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    committed.put(tp.partition(), om.offset());
                }
            });
        } catch (ExecutionException | TimeoutException e) {
            note("could not read the committed offsets of %s (%s)", controlPlaneForwarderGroup(), e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        commitSnapshots.add(new CommitSnapshot(when, committed, controlPlane.relay.acceptedWindows()));
        note("control-plane forwarder's committed offsets %s: %s", when, committed);
    }

    /**
     * Every CONTROL_PLANE endpoint record below a snapshot's committed offset must belong to a window the control
     * plane had accepted by then (checked once the enriched topics have been read).
     */
    private List<String> commitViolations() {
        Map<String, Traffic.EndpointEvent> events = new java.util.HashMap<>();
        traffic.endpointEvents(TenantPlan.CONTROL_PLANE).forEach(e -> events.put(e.eventId(), e));
        long w = CONTROL_PLANE_WINDOW.toMillis();
        List<String> violations = new ArrayList<>();
        for (CommitSnapshot snapshot : commitSnapshots) {
            int count = 0;
            String first = null;
            for (Destinations.Position p : destinations.endpointPositions) {
                Traffic.EndpointEvent e = events.get(p.eventId());
                Long committed = snapshot.committed().get(p.partition());
                if (e == null || committed == null || p.offset() >= committed) {
                    continue;
                }
                String window = e.tenantId() + "|" + Math.floorDiv(e.windowStartMs(), w) * w;
                if (!snapshot.acceptedWindows().contains(window)) {
                    count++;
                    first = first != null ? first : "event " + p.eventId() + " at partition " + p.partition()
                            + " offset " + p.offset() + " (window " + window + ")";
                }
            }
            if (count > 0) {
                violations.add(snapshot.when() + ": " + count + " records committed before their window was"
                        + " accepted, e.g. " + first);
            }
        }
        return violations;
    }

    // ------------------------------------------------------------------ cluster faults

    /**
     * kill -9 of the broker that leads the most partitions of the raw logs topic (the busiest: most of the fleet's
     * records are logs), until its partitions have new leaders; then it is started again on its data directory and
     * the run waits until every partition has its full ISR.
     */
    void killBusiestLeader() {
        Map<TopicPartition, Integer> leaders = cluster.leaders(List.of(prefix + EventKind.LOGS.rawTopic()));
        Map<Integer, Long> led = new TreeMap<>();
        leaders.values().forEach(id -> led.merge(id, 1L, Long::sum));
        int victim = led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        long began = System.nanoTime();
        cluster.kill(victim);
        brokerFaults++;
        note("kill -9 of broker %d, leader of %d of the %d partitions of %s", victim, led.get(victim), leaders.size(),
                prefix + EventKind.LOGS.rawTopic());
        waitFor("new leaders for the partitions broker " + victim + " led", () -> cluster.leaders(
                List.of(prefix + EventKind.LOGS.rawTopic())).values().stream().noneMatch(id -> id == victim || id < 0));
        note("partitions of broker %d led by the others after %d ms", victim, millisSince(began));
        bringBack(victim, began);
    }

    /** kill -9 of the active controller, until another voter leads the quorum; then back, and full ISR. */
    void killActiveController() {
        int controller = cluster.activeController();
        long began = System.nanoTime();
        cluster.kill(controller);
        brokerFaults++;
        note("kill -9 of broker %d, the active controller", controller);
        waitFor("a new active controller", () -> {
            try {
                int now = cluster.activeController();
                return now != controller && now >= 0;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
        note("broker %d is the active controller after %d ms", cluster.activeController(), millisSince(began));
        bringBack(controller, began);
    }

    /** A rolling restart: each broker stopped gracefully, started, and back in every ISR before the next. */
    void rollingRestart() {
        for (int id : new java.util.TreeSet<>(cluster.nodeIds())) {
            long began = System.nanoTime();
            cluster.stop(id);
            cluster.start(id);
            cluster.awaitFullIsr();
            brokerFaults++;
            note("rolling restart: broker %d stopped, started and back in every ISR in %d ms", id, millisSince(began));
        }
    }

    /** A third control-plane forwarder joins its group; once it runs, the first one is killed with SIGKILL. */
    void addControlPlaneForwarderThenKillOne() {
        ServiceProcess added = addControlPlaneForwarder();
        added.start();
        added.awaitRunning(settings.patience());
        note("%s joined the group: %d control-plane forwarders", added.name(), controlPlaneForwarders.size());
        ServiceProcess victim = controlPlaneForwarders.get(0);
        snapshotCommits("before kill -9 of " + victim.name());
        victim.kill();
        evictMembers(controlPlaneForwarderGroup());
        note("%s killed with SIGKILL (not restarted): %d control-plane forwarders remain", victim.name(),
                controlPlaneForwarders.size() - 1);
    }

    private void bringBack(int id, long began) {
        cluster.start(id);
        cluster.awaitFullIsr();
        note("broker %d started again on its data directory; every partition has its full ISR (%d ms after the kill)",
                id, millisSince(began));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private ServiceProcess addControlPlaneForwarder() {
        int instance = controlPlaneForwarders.size() + 1;
        ServiceProcess added = closeLater(new ServiceProcess(instanceName("cp-forwarder", instance),
                "forward-controlplane", List.of("--config", controlPlane.configFile.toString()),
                controlPlaneForwarderEnvironment(instance), directory));
        controlPlaneForwarders.add(added);
        return added;
    }

    private List<ServiceProcess> processorsThenForwarders() {
        List<ServiceProcess> all = new ArrayList<>(processors);
        all.addAll(forwarders);
        return all;
    }

    /** Kills of all instances of a service. */
    static int kills(List<ServiceProcess> instances) {
        return instances.stream().mapToInt(ServiceProcess::kills).sum();
    }

    /** The distinct ERROR events of all instances of a service. */
    static List<String> errors(List<ServiceProcess> instances) {
        return instances.stream().flatMap(i -> i.errors().stream()).distinct().toList();
    }

    private static String instanceName(String service, int instance) {
        return instance == 1 ? service : service + "-" + instance;
    }

    /** The brokers' addresses: the embedded broker's, or every node of the cluster. */
    String bootstrap() {
        return cluster != null ? cluster.bootstrapServers() : broker.bootstrapServers();
    }

    void restartBroker() {
        long began = System.nanoTime();
        broker.stop();
        broker.start();
        brokerRestarts++;
        note("broker stopped and started again on %s, same data directory (%d ms)", bootstrap(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /**
     * After a kill -9 the dead member stays in its group until its session times out (45 s by default), holding its
     * partitions. The broker would then drop it; this removes it at once (Admin {@code removeMembersFromConsumerGroup},
     * before the successor starts, so only the dead member is removed) so that a short run need not wait. It changes
     * nothing about what was committed.
     */
    private void evictMembers(String group) {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
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

    String controlPlaneForwarderGroup() {
        return prefix + "control-plane-forwarder";
    }

    // ------------------------------------------------------------------ set-up

    private Map<String, String> common(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LUNAR_KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        env.put("LUNAR_OPS_PORT", "-1");
        env.put("LUNAR_DATA_DIR", directory.resolve(service + "-data").toString());
        env.put("LUNAR_LOG_LEVEL", System.getProperty("lunar.faults.service-log-level", "INFO"));
        return env;
    }

    private Map<String, String> processorEnvironment(int instance) {
        Map<String, String> env = common(instanceName("processor", instance));
        env.put("LUNAR_PROCESSOR_TOPIC_PREFIX", prefix);
        env.put("LUNAR_PROCESSOR_GROUP_ID", processorGroup());
        env.put("LUNAR_PROCESSOR_DELIVERY", delivery);
        env.put("LUNAR_PROCESSOR_TRANSACTIONAL_ID", prefix + "processor-" + (instance - 1));
        env.put("LUNAR_PROCESSOR_RESTART_BACKOFF_MAX", "5s");
        env.put("LUNAR_PROCESSOR_SHUTDOWN_TIMEOUT", "20s");
        return env;
    }

    private Map<String, String> forwarderEnvironment(int instance) {
        Map<String, String> env = common(instanceName("forwarder", instance));
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

    private Map<String, String> controlPlaneForwarderEnvironment(int instance) {
        Map<String, String> env = common(instanceName("cp-forwarder", instance));
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.URL), controlPlane.forwarderUrl());
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.TOPIC), prefix + EventKind.ENDPOINTS.enrichedTopic());
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.GROUP_ID), controlPlaneForwarderGroup());
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.DEAD_LETTER_TOPIC), prefix + Topics.DEAD_LETTERS);
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.WINDOW), CONTROL_PLANE_WINDOW.toMillis() + "ms");
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.ALLOWED_LATENESS), "2s");
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.IDLE_TICK), "500ms");
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.REQUEST_TIMEOUT),
                CONTROL_PLANE_REQUEST_TIMEOUT.toMillis() + "ms");
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.BATCH_MAX_WAIT), "250ms");
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.RETRY_INITIAL_BACKOFF), "200ms");
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.RETRY_MAX_BACKOFF), "2s");
        env.put(ConfigSource.envName(ControlPlaneForwarderSettings.SHUTDOWN_TIMEOUT), "20s");
        return env;
    }

    private void writeTenants() {
        AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
        try (KafkaProducer<String, byte[]> tenants = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
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
        b.append(controlPlane == null ? "" : controlPlane.relay.describe()).append('\n');
        b.append(producer == null ? "" : producer.describe()).append('\n');
        b.append(cluster != null ? cluster.toString() + " under-replicated " + underReplicatedOrError()
                : "broker " + (broker != null && broker.isRunning() ? "running" : "not running")).append('\n');
        List<ServiceProcess> services = new ArrayList<>(processors);
        services.addAll(forwarders);
        services.addAll(controlPlaneForwarders);
        for (ServiceProcess p : services) {
            if (p != null) {
                b.append(p.describe()).append('\n').append(p.tail(30)).append('\n');
            }
        }
        b.append("run log:\n  ").append(String.join("\n  ", log));
        return b.toString();
    }

    private String underReplicatedOrError() {
        try {
            return cluster.underReplicated().toString();
        } catch (RuntimeException e) {
            return "(" + e.getMessage() + ")";
        }
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
