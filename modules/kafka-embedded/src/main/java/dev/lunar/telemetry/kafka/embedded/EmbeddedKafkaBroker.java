package dev.lunar.telemetry.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined {@code broker,controller} roles) running in this
 * JVM, from the {@code org.apache.kafka:kafka_2.13} artifact — the same broker code as a Kafka
 * distribution, not a mock.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(0).dataDirectory(dir).build().start()) {
 *     kafka.createTopics(TopicSpec.compactedTopic("tenants.v1", 6));
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:41234"
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Listeners {@code PLAINTEXT} (clients) and {@code CONTROLLER} bind to 127.0.0.1 only. Port 0 picks a
 *       free port for each at the first start; later starts of the same object reuse them.</li>
 *   <li>The log directory is {@code <dataDirectory>/kafka}. It is formatted on first use (new cluster id);
 *       a formatted directory is reused as is, so a restart — of this object, or of a new one on the same
 *       directory — keeps every topic and record. Without a data directory a temporary one is used and
 *       deleted by {@link #close()}.</li>
 *   <li>Single-node settings: replication factor 1 and min ISR 1 for the internal topics,
 *       {@code group.initial.rebalance.delay.ms=0}, a 2 MiB log-cleaner dedupe buffer (the 128 MiB default
 *       comes out of the heap), {@code auto.create.topics.enable=false}. {@link Builder#brokerProperty}
 *       overrides any of them.</li>
 *   <li>{@link #createTopics} is idempotent and returns only when every partition's leader takes produce
 *       requests (see {@link KafkaTopics}), which avoids KAFKA-15591 without writing any record.</li>
 * </ul>
 *
 * <p>Thread-safe. A fatal broker error (for example a failed log directory) is handled the way the Kafka
 * broker handles it: it may halt the JVM.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker, AutoCloseable {

    /** Default client port, as for a stand-alone broker. */
    public static final int DEFAULT_PORT = 9092;
    /** Default partition count ({@code num.partitions}) for topics created without one. */
    public static final int DEFAULT_PARTITIONS = 6;
    /** Default bound on {@link #start()} and on each {@link #createTopics} call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The node id of the single node (broker and controller). */
    public static final int NODE_ID = 1;
    /** Name of the sub-directory of the data directory that holds the Kafka log directory. */
    public static final String LOG_DIR_NAME = "kafka";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final AtomicLong TOPIC_COUNTER = new AtomicLong();

    private final int requestedPort;
    private final Path requestedDataDirectory;
    private final int defaultPartitions;
    private final Map<String, String> extraProperties;
    private final Duration timeout;
    private final int nodeId;
    private final int requestedControllerPort;
    private final String quorumVoters;
    private final String requestedClusterId;

    private int port = -1;
    private int controllerPort = -1;
    private Path dataDirectory;
    private boolean ownsDataDirectory;
    private KafkaRaftServer server;
    private String clusterId;
    private Duration startupTime;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.requestedPort = builder.port;
        this.requestedDataDirectory = builder.dataDirectory;
        this.defaultPartitions = builder.defaultPartitions;
        this.extraProperties = Map.copyOf(builder.properties);
        this.timeout = builder.timeout;
        this.nodeId = builder.nodeId;
        this.requestedControllerPort = builder.controllerPort;
        this.quorumVoters = builder.quorumVoters;
        this.requestedClusterId = builder.clusterId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the log directory if needed, starts the broker and returns once it answers an Admin
     * DescribeCluster and (after a restart) every existing partition answers on its leader. Bounded by the
     * builder's {@code timeout}.
     *
     * @return this
     * @throws IllegalStateException if the broker does not start (port in use, unusable data directory,
     *                               timeout); the message says which
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("this EmbeddedKafkaBroker is closed; build a new one");
        }
        if (server != null) {
            return this;
        }
        long began = System.nanoTime();
        resolveDataDirectory();
        resolvePorts();
        Path logDir = logDirectory();
        Map<String, String> props = brokerProperties(logDir);
        KafkaConfig config;
        try {
            config = new KafkaConfig(props, false);
        } catch (RuntimeException e) {
            throw new IllegalStateException("invalid Kafka broker configuration: " + e.getMessage(), e);
        }
        formatIfNeeded(logDir, nodeId, requestedClusterId);

        KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            candidate.startup();
        } catch (RuntimeException e) {
            shutDownQuietly(candidate);
            throw new IllegalStateException("Kafka broker failed to start on " + HOST + ":" + port
                    + " (controller port " + controllerPort + ", log dir " + logDir + "): " + rootMessage(e), e);
        }
        server = candidate;
        try {
            clusterId = awaitReady(began);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - began);
        log.info("Kafka broker {} ready on {} in {} ms (cluster {}, log dir {})",
                nodeId, bootstrapServers(), startupTime.toMillis(), clusterId, logDir);
        return this;
    }

    /** Stops the broker cleanly and waits until it has shut down. Idempotent. {@link #start()} may follow. */
    public synchronized void stop() {
        KafkaRaftServer running = server;
        server = null;
        if (running != null) {
            long began = System.nanoTime();
            running.shutdown();
            running.awaitShutdown();
            log.info("Kafka broker on {}:{} stopped in {} ms", HOST, port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        }
    }

    /** {@link #stop()} then {@link #start()}: same data directory, same ports, all data kept. */
    @Override
    public synchronized void restart() {
        stop();
        start();
    }

    /** Stops the broker and deletes the data directory if it was a temporary one made by this object. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (ownsDataDirectory && dataDirectory != null) {
                deleteRecursively(dataDirectory);
            }
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** {@code 127.0.0.1:<port>}; known once the broker has been started. */
    @Override
    public synchronized String bootstrapServers() {
        return HOST + ":" + port();
    }

    /** The client (PLAINTEXT) port; known once the broker has been started. */
    public synchronized int port() {
        if (port < 0) {
            throw new IllegalStateException("the port is chosen at start(); start the broker first");
        }
        return port;
    }

    /** The CONTROLLER listener port; known once the broker has been started. */
    public synchronized int controllerPort() {
        if (controllerPort < 0) {
            throw new IllegalStateException("the controller port is chosen at start(); start the broker first");
        }
        return controllerPort;
    }

    /** The data directory (given, or the temporary one); known once the broker has been started. */
    public synchronized Path dataDirectory() {
        if (dataDirectory == null) {
            throw new IllegalStateException("start the broker first");
        }
        return dataDirectory;
    }

    /** {@code <dataDirectory>/kafka}, the Kafka log directory. */
    public synchronized Path logDirectory() {
        return dataDirectory().resolve(LOG_DIR_NAME);
    }

    /** The cluster id reported by the running broker (stable across restarts on the same directory). */
    public synchronized String clusterId() {
        requireRunning();
        return clusterId;
    }

    /** How long the last {@link #start()} took, formatting included, until the broker answered. */
    public synchronized Duration startupTime() {
        if (startupTime == null) {
            throw new IllegalStateException("the broker has not been started");
        }
        return startupTime;
    }

    /** Partition count for topics created without one ({@code num.partitions}). */
    public int defaultPartitions() {
        return defaultPartitions;
    }

    /** See {@link KafkaTopics#createTopics(String, Collection, Duration)}; bounded by the builder's timeout. */
    @Override
    public void createTopics(Collection<TopicSpec> topics) {
        String bootstrap;
        synchronized (this) {
            requireRunning();
            bootstrap = bootstrapServers();
        }
        KafkaTopics.createTopics(bootstrap, topics, timeout);
    }

    @Override
    public String uniqueTopic(String prefix) {
        return uniqueTopicName(prefix);
    }

    @Override
    public boolean isEmbedded() {
        return true;
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedKafkaBroker[" + (port < 0 ? "not started" : bootstrapServers())
                + (server == null ? ", stopped" : ", running") + "]";
    }

    /**
     * {@code <prefix>-<n>-<6 hex digits>}, unique within this JVM and very likely across JVMs.
     *
     * @param prefix legal topic-name characters; the result must fit 249 characters
     */
    public static String uniqueTopicName(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String name = prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-"
                + String.format("%06x", ThreadLocalRandom.current().nextInt(0x1000000));
        TopicSpec.requireLegalTopicName(name);
        return name;
    }

    // ------------------------------------------------------------------------------------------------------

    private Map<String, String> brokerProperties(Path logDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", quorumVoters != null ? quorumVoters : nodeId + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", Integer.toString(defaultPartitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.put("auto.create.topics.enable", "false");
        p.put("initial.broker.registration.timeout.ms", Long.toString(timeout.toMillis()));
        p.putAll(extraProperties);
        return p;
    }

    private void resolveDataDirectory() {
        if (dataDirectory != null) {
            return;
        }
        try {
            if (requestedDataDirectory != null) {
                dataDirectory = Files.createDirectories(requestedDataDirectory.toAbsolutePath());
            } else {
                dataDirectory = Files.createTempDirectory("lunar-kafka-");
                ownsDataDirectory = true;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the Kafka data directory "
                    + (requestedDataDirectory == null ? "(temporary)" : requestedDataDirectory) + ": " + e, e);
        }
    }

    private void resolvePorts() {
        if (port >= 0) {
            return; // a restart keeps the ports clients already know
        }
        try (ServerSocket forController = requestedControllerPort == 0 ? bindLoopback(0) : null;
             ServerSocket forClients = requestedPort == 0 ? bindLoopback(0) : null) {
            controllerPort = requestedControllerPort == 0 ? forController.getLocalPort() : requestedControllerPort;
            port = requestedPort == 0 ? forClients.getLocalPort() : requestedPort;
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port on " + HOST + ": " + e, e);
        }
    }

    private static ServerSocket bindLoopback(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        return socket;
    }

    private static void formatIfNeeded(Path logDir, int nodeId, String clusterId) {
        if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            log.debug("Kafka log directory {} is already formatted; reusing it", logDir);
            return;
        }
        String newClusterId = clusterId != null ? clusterId : Uuid.randomUuid().toString();
        StringBuilder output = new StringBuilder();
        try (PrintStream sink = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                output.append((char) b);
            }
        }, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(sink)
                    .setNodeId(nodeId)
                    .setClusterId(newClusterId)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setHasDynamicQuorum(false)
                    .addDirectory(logDir.toString())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka log directory " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("formatting the Kafka log directory " + logDir + " failed: " + e.getMessage(), e);
        }
        log.debug("formatted Kafka log directory {} for cluster {}: {}", logDir, newClusterId, output.toString().trim());
    }

    private String awaitReady(long began) {
        long deadline = began + timeout.toNanos();
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "lunar-embedded-readiness"))) {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, remainingMs)));
            Collection<Node> nodes = cluster.nodes().get(remainingMs, TimeUnit.MILLISECONDS);
            // A node of a cluster restarted after kill -9 answers while still fenced: the controller lists it only
            // once it has caught up with the metadata log and recovered its logs. Ask again until it is listed.
            while (nodes.stream().noneMatch(node -> node.id() == nodeId)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " answered without node "
                            + nodeId + " (still fenced?): " + nodes);
                }
                TimeUnit.MILLISECONDS.sleep(200);
                remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, remainingMs)));
                nodes = cluster.nodes().get(remainingMs, TimeUnit.MILLISECONDS);
            }
            String id = cluster.clusterId().get(remainingMs, TimeUnit.MILLISECONDS);
            // after a restart: every partition must be led again before producers come (see KafkaTopics)
            remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)
                    .timeoutMs((int) Math.min(Integer.MAX_VALUE, remainingMs))).names().get(remainingMs, TimeUnit.MILLISECONDS);
            KafkaTopics.awaitLeaders(admin, topics, Duration.ofMillis(remainingMs));
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker on " + bootstrapServers(), e);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " did not answer DescribeCluster within "
                    + timeout + ": " + rootMessage(e), e);
        }
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("the Kafka broker is not running; call start() first");
        }
    }

    private static void shutDownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException suppressed) {
            log.debug("error while cleaning up after a failed start", suppressed);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + root + ")";
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    /** Builder of {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private Path dataDirectory;
        private int defaultPartitions = DEFAULT_PARTITIONS;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private int nodeId = NODE_ID;
        private int controllerPort;
        private String quorumVoters;
        private String clusterId;

        private Builder() {
        }

        /**
         * Makes this broker one node of a multi-node KRaft cluster (see {@link LocalKafkaCluster}): its node id, its
         * fixed CONTROLLER port, the cluster's static voters ({@code 1@127.0.0.1:p1,2@127.0.0.1:p2,...}) and the
         * cluster id its log directory is formatted with on first use. Replication settings come with
         * {@link #brokerProperties}.
         */
        public Builder clusterMember(int nodeId, int controllerPort, String quorumVoters, String clusterId) {
            if (nodeId < 0 || controllerPort < 1 || controllerPort > 65535) {
                throw new IllegalArgumentException("node id must be >= 0 and the controller port 1..65535, was "
                        + nodeId + " and " + controllerPort);
            }
            this.nodeId = nodeId;
            this.controllerPort = controllerPort;
            this.quorumVoters = Objects.requireNonNull(quorumVoters, "quorumVoters");
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            return this;
        }

        /** Client port on 127.0.0.1 (default 9092); 0 picks a free port at the first start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Where the broker keeps its data ({@code <dir>/kafka}); created if missing, reused if already
         * formatted. Default: a temporary directory deleted by {@link EmbeddedKafkaBroker#close()}.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** {@code num.partitions} (default 6). */
        public Builder defaultPartitions(int defaultPartitions) {
            if (defaultPartitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be at least 1, was " + defaultPartitions);
            }
            this.defaultPartitions = defaultPartitions;
            return this;
        }

        /** One more broker property; overrides this class's defaults, listeners included. */
        public Builder brokerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            properties.put(key, value);
            return this;
        }

        /** More broker properties; see {@link #brokerProperty}. */
        public Builder brokerProperties(Map<String, String> properties) {
            Objects.requireNonNull(properties, "properties").forEach(this::brokerProperty);
            return this;
        }

        /** Bound on {@link EmbeddedKafkaBroker#start()} and on each createTopics call (default 30 s). */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** A broker that is not started yet: call {@link EmbeddedKafkaBroker#start()}. */
        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
