package dev.lunar.telemetry.kafka.embedded.junit;

import java.util.Locale;
import java.util.Optional;

import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives tests a real Kafka broker: declare {@code @ExtendWith(KafkaBrokerExtension.class)} and a parameter of
 * type {@link KafkaBroker} (test method, lifecycle method or constructor).
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class ProcessorIT {
 *     @Test
 *     void enriches(KafkaBroker kafka) {
 *         String topic = kafka.uniqueTopic("proxy.logs");
 *         kafka.createTopics(TopicSpec.topic(topic, 6));
 *         ... kafka.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 *
 * <p><b>One broker per test JVM</b>, started on first use and shared by every test class; it lives in the
 * root {@link ExtensionContext.Store} and is closed when the test run ends (its temporary data directory is
 * deleted). Tests therefore share topics: use {@link KafkaBroker#uniqueTopic} names.
 *
 * <p><b>Which broker</b>: system property {@value #SELECTION_PROPERTY}:
 * <ul>
 *   <li>{@code auto} (default): a Testcontainers {@code apache/kafka} container when
 *       {@code org.testcontainers:kafka} is on the test classpath and a Docker engine answers a ping (a
 *       sub-second probe that cannot hang); the {@link EmbeddedKafkaBroker} otherwise, or if the container
 *       fails to start;</li>
 *   <li>{@code embedded}: always the in-process broker;</li>
 *   <li>{@code container}: always the container; failing to start it fails the test.</li>
 * </ul>
 * The image is {@code apache/kafka:<kafka-clients version>}, overridable with {@value #IMAGE_PROPERTY}.
 * {@link KafkaBroker#restart()} works on the embedded broker only.
 *
 * <p>Dependencies of a module using this (test scope): {@code dev.lunar.telemetry:kafka-embedded} and
 * {@code org.junit.jupiter:junit-jupiter-api}; plus {@code org.testcontainers:kafka} for the container
 * variant.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    /** System property choosing the broker: {@code auto} (default), {@code embedded} or {@code container}. */
    public static final String SELECTION_PROPERTY = "lunar.test.broker";
    /** System property overriding the container image (default {@code apache/kafka:<kafka-clients version>}). */
    public static final String IMAGE_PROPERTY = "lunar.test.kafka.image";

    private static final Logger log = LoggerFactory.getLogger(KafkaBrokerExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final String KEY = "shared-kafka-broker";

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return sharedBroker(extensionContext);
    }

    /** The JVM-wide broker, started on first call. Also usable from other extensions. */
    public static KafkaBroker sharedBroker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> new SharedBroker(startBroker()), SharedBroker.class)
                .broker();
    }

    private static KafkaBroker startBroker() {
        String selection = System.getProperty(SELECTION_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (selection) {
            case "embedded":
                return startEmbedded("-D" + SELECTION_PROPERTY + "=embedded");
            case "container":
                if (!testcontainersPresent()) {
                    throw new ParameterResolutionException("-D" + SELECTION_PROPERTY + "=container needs "
                            + "org.testcontainers:kafka on the test classpath; add it as a test dependency");
                }
                try {
                    return startContainer();
                } catch (RuntimeException | LinkageError e) {
                    throw new ParameterResolutionException("-D" + SELECTION_PROPERTY + "=container, but the Kafka container "
                            + "did not start: " + e.getMessage() + " (is a Docker engine running? use -D" + SELECTION_PROPERTY
                            + "=embedded or auto to fall back to the in-process broker)", e);
                }
            case "":
            case "auto":
                return startAuto();
            default:
                throw new ParameterResolutionException("-D" + SELECTION_PROPERTY + "=" + selection
                        + " is not understood: use auto, embedded or container");
        }
    }

    private static KafkaBroker startAuto() {
        if (!testcontainersPresent()) {
            return startEmbedded("org.testcontainers:kafka is not on the test classpath");
        }
        long began = System.nanoTime();
        Optional<String> engine = DockerProbe.reachableEngine();
        long probeMs = (System.nanoTime() - began) / 1_000_000L;
        if (engine.isEmpty()) {
            return startEmbedded("no Docker engine answered (probe took " + probeMs + " ms)");
        }
        try {
            return startContainer();
        } catch (RuntimeException | LinkageError e) {
            log.warn("Docker engine at {} answered but the Kafka container did not start ({}); using the embedded broker",
                    engine.get(), e.toString());
            return startEmbedded("the container failed to start");
        }
    }

    private static KafkaBroker startEmbedded(String why) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).build();
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        log.info("tests use the embedded Kafka broker at {} ({}; started in {} ms)",
                broker.bootstrapServers(), why, broker.startupTime().toMillis());
        return broker;
    }

    private static KafkaBroker startContainer() {
        String image = System.getProperty(IMAGE_PROPERTY, "apache/kafka:" + AppInfoParser.getVersion());
        long began = System.nanoTime();
        ContainerKafkaBroker broker = ContainerKafkaBroker.start(image);
        log.info("tests use a Kafka container ({}) at {}; started in {} ms",
                image, broker.bootstrapServers(), (System.nanoTime() - began) / 1_000_000L);
        return broker;
    }

    private static boolean testcontainersPresent() {
        try {
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, KafkaBrokerExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Store value closing the broker at the end of the run. {@code AutoCloseable} is what JUnit 5.13+ closes;
     * {@code CloseableResource} (deprecated in 5.13) keeps older JUnit versions working. JUnit calls one of
     * the two, and {@link #close()} is idempotent anyway.
     */
    @SuppressWarnings("deprecation")
    private static final class SharedBroker implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        private final KafkaBroker broker;
        private boolean closed;

        SharedBroker(KafkaBroker broker) {
            this.broker = broker;
        }

        KafkaBroker broker() {
            return broker;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (broker instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("closing the shared Kafka broker failed: " + e, e);
                }
            }
        }
    }
}
