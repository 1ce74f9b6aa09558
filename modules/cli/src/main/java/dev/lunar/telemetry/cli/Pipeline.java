package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.cli.ops.HealthCheck;
import dev.lunar.telemetry.cli.ops.OpsServer;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    private Pipeline() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    static Pipeline start(ConfigSource config, CoreSettings core, PrintWriter out) {
        Pipeline pipeline = new Pipeline();
        try {
            pipeline.startKafka(core, out);
            pipeline.startOps(core, out);
            config.requireAllKeysKnown("data-dir", "kafka", "ops");
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

    private void startKafka(CoreSettings core, PrintWriter out) {
        if (core.embedded()) {
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
                .map(t -> new TopicSpec(t.name(), core.partitions(), t.compacted(), Map.of()))
                .toList();
        KafkaTopics.createTopics(bootstrapServers, topics, Duration.ofSeconds(60));
        out.printf("Topics ready: %d (%s compacted)%n", topics.size(), Topics.TENANTS);
        out.flush();
    }

    private void startOps(CoreSettings core, PrintWriter out) {
        if (core.opsPort() < 0) {
            return;
        }
        ops = stack.add("ops endpoint", OpsServer.start(core.opsPort(), registry));
        if (embeddedBroker != null) {
            EmbeddedKafkaBroker broker = embeddedBroker;
            ops.register("kafka", HealthCheck.of(broker::isRunning,
                    () -> broker.isRunning() ? "embedded broker on " + bootstrapServers : "embedded broker stopped"));
        }
        out.printf("Metrics: %s/metrics   Health: %s/health%n", ops.url(), ops.url());
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
