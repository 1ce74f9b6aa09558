package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.AuditConfig;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.ControlPlaneConfig;
import dev.lunar.telemetry.cli.config.ControlPlaneForwarderConfig;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.cli.config.DatadogConfig;
import dev.lunar.telemetry.cli.config.ProcessorConfig;
import dev.lunar.telemetry.cli.ops.OpsServer;
import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.controlplane.ControlPlaneServer;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarder;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import dev.lunar.telemetry.datadog.DatadogForwarder;
import dev.lunar.telemetry.datadog.DatadogSettings;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.health.HealthCheck;
import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.kafka.embedded.cluster.LocalKafkaCluster;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.TelemetryProcessor;
import dev.lunar.telemetry.settings.InvalidSettingException;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The services of one process, started in dependency order: metrics and ops endpoint, Kafka (embedded unless
 * {@code kafka.bootstrap-servers} is set) with the pipeline's topics, then the pipeline's services.
 */
final class Pipeline implements AutoCloseable {

    private final ServiceStack stack = new ServiceStack();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private String bootstrapServers;
    private OpsServer ops;
    private EmbeddedKafkaBroker embeddedBroker;
    private LocalKafkaCluster localCluster;
    /** {@code run --brokers N}: how many local broker processes replace the in-process broker (1 = none). */
    private int localBrokers = 1;
    private ControlPlaneServer controlPlane;

    private Pipeline() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** The long-running services one process can run; {@code run} starts them all. */
    enum Service {
        PROCESSOR("processor"), DATADOG("datadog"), CONTROL_PLANE("control-plane"),
        CONTROL_PLANE_FORWARDER("control-plane-forwarder");

        final String configSection;

        Service(String configSection) {
            this.configSection = configSection;
        }
    }

    /** Everything, with an embedded broker unless {@code kafka.bootstrap-servers} is set: {@code run}. */
    static Pipeline start(ConfigSource config, CoreSettings core, PrintWriter out) {
        return start(config, core, out, true, EnumSet.allOf(Service.class), Map.of());
    }

    static Pipeline start(ConfigSource config, CoreSettings core, PrintWriter out, boolean embeddedAllowed,
            Set<Service> services) {
        return start(config, core, out, embeddedAllowed, services, Map.of());
    }

    /**
     * Some services. With {@code embeddedAllowed} false (a service run alone) Kafka is never embedded: it is
     * {@code kafka.bootstrap-servers}, else 127.0.0.1:9092, and the topics are expected to exist.
     */
    /** As above; {@code tenantTokens} are added on both sides of the control plane (run --demo's tenants). */
    static Pipeline start(ConfigSource config, CoreSettings core, PrintWriter out, boolean embeddedAllowed,
            Set<Service> services, Map<String, String> tenantTokens) {
        return start(config, core, out, embeddedAllowed, services, tenantTokens, 1);
    }

    /**
     * As above; {@code brokers} above 1 ({@code run --brokers 3}) starts that many local broker processes
     * ({@link LocalKafkaCluster}: replication 3, {@code min.insync.replicas=2}) instead of the in-process broker.
     */
    static Pipeline start(ConfigSource config, CoreSettings core, PrintWriter out, boolean embeddedAllowed,
            Set<Service> services, Map<String, String> tenantTokens, int brokers) {
        Pipeline pipeline = new Pipeline();
        pipeline.localBrokers = brokers;
        try {
            AuditSettings audit = AuditConfig.bind(config);
            if (embeddedAllowed) {
                pipeline.startKafka(core, audit, out);
            } else {
                pipeline.bootstrapServers = core.bootstrapServers().orElse("127.0.0.1:9092");
                out.printf("Kafka: %s%n", pipeline.bootstrapServers);
            }
            pipeline.startOps(core, out);
            if (services.contains(Service.PROCESSOR)) {
                pipeline.startProcessor(ProcessorConfig.bind(config, pipeline.bootstrapServers), out);
            }
            if (services.contains(Service.DATADOG)) {
                pipeline.startDatadog(DatadogConfig.bind(config, core.dataDirectory().toAbsolutePath().normalize(),
                        System.getenv()).toBuilder().audit(audit).build(), pipeline.kafkaClient(config, Service.DATADOG),
                        out);
            }
            if (services.contains(Service.CONTROL_PLANE)) {
                pipeline.startControlPlane(ControlPlaneConfig.bind(config,
                        core.dataDirectory().toAbsolutePath().normalize()), out);
                if (config.get(AuditConfig.FOLLOW_AUDIT_TRAIL)) {
                    // the per-tenant "what we sent about you" view reads the audit trail into the control plane's
                    // storage
                    pipeline.controlPlane.followAuditTrail(pipeline.kafkaClient(config, Service.CONTROL_PLANE),
                            audit.topic());
                }
                tenantTokens.forEach(pipeline.controlPlane::registerTenantToken);
            }
            if (services.contains(Service.CONTROL_PLANE_FORWARDER)) {
                java.net.URI local = pipeline.controlPlane == null ? null : pipeline.controlPlane.url();
                pipeline.startControlPlaneForwarder(ControlPlaneForwarderConfig.bind(config, local, tenantTokens)
                                .toBuilder().audit(audit).build(),
                        pipeline.kafkaClient(config, Service.CONTROL_PLANE_FORWARDER), out);
            }
            // Only the sections this process bound: a shared file may configure services that run elsewhere.
            java.util.List<String> sections = new java.util.ArrayList<>(java.util.List.of("data-dir", "kafka", "ops",
                    AuditConfig.SECTION));
            services.forEach(service -> sections.add(service.configSection));
            config.requireAllKeysKnown(sections.toArray(String[]::new));
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    private void startKafka(CoreSettings core, AuditSettings audit, PrintWriter out) {
        if (localBrokers > 1) {
            if (!core.embedded()) {
                throw new IllegalStateException("--brokers " + localBrokers + " starts local brokers, but"
                        + " kafka.bootstrap-servers is set to " + core.bootstrapServers().orElseThrow()
                        + "; remove kafka.bootstrap-servers (LUNAR_KAFKA_BOOTSTRAP_SERVERS) or drop --brokers");
            }
            startLocalCluster(core, out);
        } else if (core.embedded()) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                    .port(core.embeddedPort())
                    .dataDirectory(core.dataDirectory().toAbsolutePath().normalize())
                    .defaultPartitions(core.partitions())
                    .build();
            stack.add("embedded Kafka broker", broker);
            broker.start();
            bootstrapServers = broker.bootstrapServers();
            embeddedBroker = broker;
            out.printf("Kafka (embedded, KRaft) listening on %s, data in %s (started in %d ms)%n",
                    bootstrapServers, broker.logDirectory(), broker.startupTime().toMillis());
        } else {
            bootstrapServers = core.bootstrapServers().orElseThrow();
            out.printf("Kafka: %s%n", bootstrapServers);
        }
        List<TopicSpec> topics = Topics.all().stream()
                .map(t -> t.name().equals(Topics.AUDIT)
                        ? new TopicSpec(audit.topic(), core.partitions(), false, audit.topicConfigs())
                        : new TopicSpec(t.name(), core.partitions(), t.compacted(), Map.of()))
                .toList();
        KafkaTopics.createTopics(bootstrapServers, topics, Duration.ofSeconds(60));
        out.printf("Topics ready: %d (%s compacted)%n", topics.size(), Topics.TENANTS);
        out.flush();
    }

    private void startLocalCluster(CoreSettings core, PrintWriter out) {
        long began = System.nanoTime();
        LocalKafkaCluster cluster = LocalKafkaCluster.builder()
                .nodes(localBrokers)
                .firstPort(core.embeddedPort())
                .dataDirectory(core.dataDirectory().toAbsolutePath().normalize().resolve("kafka-cluster"))
                .defaultPartitions(core.partitions())
                .build();
        stack.add("local Kafka cluster", cluster);
        cluster.start();
        bootstrapServers = cluster.bootstrapServers();
        localCluster = cluster;
        out.printf("Kafka (%d local broker processes, KRaft, replication %d, min.insync.replicas %d) listening on %s,"
                + " data in %s (started in %d ms)%n", localBrokers, Math.min(3, localBrokers),
                Math.min(2, localBrokers), bootstrapServers, cluster.dataDirectory(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    private void startOps(CoreSettings core, PrintWriter out) {
        if (core.opsPort() < 0) {
            return;
        }
        ops = stack.add("ops endpoint", OpsServer.start(core.opsHost(), core.opsPort(), registry));
        if (embeddedBroker != null) {
            EmbeddedKafkaBroker broker = embeddedBroker;
            ops.register("kafka", HealthCheck.of(broker::isRunning,
                    () -> broker.isRunning() ? "embedded broker on " + bootstrapServers : "embedded broker stopped"));
        }
        if (localCluster != null) {
            LocalKafkaCluster cluster = localCluster;
            ops.register("kafka", HealthCheck.of(
                    () -> cluster.nodeIds().stream().allMatch(cluster::isRunning),
                    () -> "local brokers " + cluster.nodeIds().stream().filter(cluster::isRunning).toList()
                            + " of " + cluster.nodeIds() + " running on " + bootstrapServers));
        }
        out.printf("Metrics: %s/metrics   Health: %s/health%n", ops.url(), ops.url());
    }

    private void startProcessor(ProcessorSettings settings, PrintWriter out) {
        TelemetryProcessor processor = stack.add("processor", TelemetryProcessor.start(settings, registry));
        register("processor", processor);
        try {
            processor.ready().get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the processor did not load the tenant table within 60 s: "
                    + processor.healthDetail(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the processor did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the processor", e);
        }
        out.printf("Processor: %s, %s -> telemetry.<kind>.v1 (%s)%n", settings.delivery().name().toLowerCase()
                .replace('_', '-'), "proxy.<kind>.v1", processor.healthDetail());
        out.flush();
    }

    /** The broker list plus {@code <section>.kafka.*}: extra client properties (security, timeouts) for a consumer. */
    private KafkaClientSettings kafkaClient(ConfigSource config, Service service) {
        String prefix = service.configSection + ".kafka";
        try {
            return new KafkaClientSettings(bootstrapServers, config.map(prefix));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(prefix, e.getMessage());
        }
    }

    private void startDatadog(DatadogSettings settings, KafkaClientSettings kafka, PrintWriter out) {
        DatadogForwarder forwarder = stack.add("Datadog forwarder", DatadogForwarder.start(settings, kafka, registry));
        register("datadog-forwarder", forwarder);
        if (forwarder.isDryRun()) {
            out.printf("Datadog: DRY RUN (no DD_API_KEY) - the exact requests are written to %s%n",
                    forwarder.outboxDirectory().map(p -> p.toAbsolutePath().normalize().toString()).orElse("?"));
        } else {
            out.printf("Datadog: forwarding logs and metrics to %s%n", settings.site().domain());
        }
        out.flush();
    }

    private void startControlPlane(ControlPlaneSettings settings, PrintWriter out) {
        controlPlane = stack.add("control plane", ControlPlaneServer.start(settings, registry));
        ControlPlaneServer server = controlPlane;
        register("control-plane", server);
        out.printf("Control plane: %s (dashboards at %s/dashboard/<tenant>; storage %s)%n", server.url(),
                server.url(), server.storageDescription());
        out.flush();
    }

    private void startControlPlaneForwarder(ControlPlaneForwarderSettings settings, KafkaClientSettings kafka,
                                            PrintWriter out) {
        ControlPlaneForwarder forwarder = stack.add("control-plane forwarder",
                ControlPlaneForwarder.start(settings, kafka, registry));
        register("control-plane-forwarder", forwarder);
        out.printf("Control-plane forwarder: %s windows of CONTROL_PLANE tenants' endpoint stats to %s%n",
                settings.window(), settings.controlPlaneUrl());
        out.flush();
    }

    /** The control plane this process runs, if any. */
    java.util.Optional<ControlPlaneServer> controlPlane() {
        return java.util.Optional.ofNullable(controlPlane);
    }

    private void register(String component, HealthCheck check) {
        if (ops != null) {
            ops.register(component, check);
        }
    }

    /** Adds something that runs on top of the pipeline; it is stopped first. */
    <T extends AutoCloseable> T attach(String name, T service) {
        return stack.add(name, service);
    }

    void awaitClose() throws InterruptedException {
        stack.awaitClose();
    }

    @Override
    public void close() {
        stack.close();
        registry.close();
    }
}
