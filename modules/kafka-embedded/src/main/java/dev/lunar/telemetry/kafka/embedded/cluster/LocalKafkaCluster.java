package dev.lunar.telemetry.kafka.embedded.cluster;

import static java.util.stream.Collectors.joining;

import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster on 127.0.0.1: {@code nodes} KRaft nodes (combined {@code broker,controller} roles, all of them
 * voters), each in a JVM of its own so that {@link #kill(int)} is a real {@code kill -9}. Replicated as
 * {@code compose.yaml}: default replication factor 3 and {@code min.insync.replicas=2}, the internal topics (consumer
 * offsets, transaction state) replicated 3 with min ISR 2 (fewer with fewer nodes).
 *
 * <pre>{@code
 * try (LocalKafkaCluster kafka = LocalKafkaCluster.builder().dataDirectory(dir).build().start()) {
 *     kafka.createTopics(TopicSpec.topic("proxy.logs.v1", 12));   // replication 3, min ISR 2
 *     int victim = kafka.leaderOf(new TopicPartition("proxy.logs.v1", 0));
 *     kafka.kill(victim);
 *     kafka.start(victim);                                        // same data directory, same ports
 *     kafka.awaitFullIsr();
 * }
 * }</pre>
 *
 * <p>Node {@code i} (1-based) keeps its data in {@code <dataDirectory>/node-<i>} (its Kafka log directory is
 * {@code node-<i>/kafka}, its output {@code node-<i>/node-<i>-<n>.log}). The child JVMs run with this JVM's class
 * path. Not thread-safe for concurrent faults; one caller drives it.
 */
public final class LocalKafkaCluster implements KafkaBroker, AutoCloseable {

    public static final int DEFAULT_NODES = 3;
    private static final Logger log = LoggerFactory.getLogger(LocalKafkaCluster.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final int nodeCount;
    private final int firstPort;
    private final Path requestedDataDirectory;
    private final int defaultPartitions;
    private final Duration timeout;
    private final Map<String, String> extraProperties;
    private final List<String> javaOptions;
    private final Map<Integer, ClusterNode> nodes = new TreeMap<>();
    private Path dataDirectory;
    private boolean ownsDataDirectory;
    private String clusterId;

    private LocalKafkaCluster(Builder b) {
        this.nodeCount = b.nodes;
        this.firstPort = b.firstPort;
        this.requestedDataDirectory = b.dataDirectory;
        this.defaultPartitions = b.defaultPartitions;
        this.timeout = b.timeout;
        this.extraProperties = Map.copyOf(b.properties);
        this.javaOptions = List.copyOf(b.javaOptions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every node (in parallel: a KRaft quorum needs a majority of voters up) and returns once each answers
     * and the cluster's metadata lists all of them.
     *
     * @throws IllegalStateException if a node exits or the cluster is not up within the timeout; the message
     *                               carries the node's last output lines
     */
    public synchronized LocalKafkaCluster start() {
        if (!nodes.isEmpty()) {
            return this;
        }
        long began = System.nanoTime();
        resolveDataDirectory();
        clusterId = Uuid.randomUuid().toString(); // used only by nodes whose directory is not formatted yet
        List<Integer> clientPorts = firstPort == 0 ? freePorts(nodeCount) : consecutive(firstPort, nodeCount);
        List<Integer> controllerPorts = freePorts(nodeCount);
        for (int i = 1; i <= nodeCount; i++) {
            nodes.put(i, new ClusterNode(i, clientPorts.get(i - 1), controllerPorts.get(i - 1),
                    dataDirectory.resolve("node-" + i)));
        }
        nodes.values().forEach(this::launch);
        for (ClusterNode node : nodes.values()) {
            awaitCondition("Kafka node " + node.id + " to answer", node::isReady, node);
        }
        awaitCondition("all " + nodeCount + " nodes in the cluster metadata",
                () -> describeNodes().size() == nodeCount, null);
        log.info("Kafka cluster of {} nodes ready on {} in {} ms (data in {})", nodeCount, bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), dataDirectory);
        return this;
    }

    /** Starts node {@code id} again (after {@link #kill} or {@link #stop}) on its data directory and ports. */
    public synchronized void start(int id) {
        ClusterNode node = node(id);
        launch(node);
        awaitCondition("Kafka node " + id + " to answer again", node::isReady, node);
    }

    /** {@code kill -9} of node {@code id}; returns once its process is gone. */
    public synchronized void kill(int id) {
        node(id).kill();
        log.info("Kafka node {} killed (SIGKILL)", id);
    }

    /** Graceful stop of node {@code id} (SIGTERM, controlled shutdown: its leaderships move first). */
    public synchronized void stop(int id) {
        ClusterNode node = node(id);
        node.signalStop();
        if (!node.awaitExit(STOP_TIMEOUT)) {
            log.warn("Kafka node {} did not stop within {}; killed", id, STOP_TIMEOUT);
        }
    }

    /** Graceful stop, start, and wait until every partition has its full ISR again. */
    public synchronized void restartNode(int id) {
        stop(id);
        start(id);
        awaitFullIsr();
    }

    /** {@link KafkaBroker#restart()}: a rolling restart, one node after another, each back in every ISR first. */
    @Override
    public synchronized void restart() {
        for (int id : nodes.keySet()) {
            restartNode(id);
        }
    }

    /** The node ids, 1..n. */
    public synchronized Set<Integer> nodeIds() {
        return Set.copyOf(nodes.keySet());
    }

    public synchronized boolean isRunning(int id) {
        return node(id).isAlive();
    }

    /** The leader of {@code partition}, or -1 if it has none right now. */
    public int leaderOf(TopicPartition partition) {
        Map<TopicPartition, TopicPartitionInfo> all = describe(List.of(partition.topic()));
        TopicPartitionInfo info = all.get(partition);
        if (info == null) {
            throw new IllegalArgumentException("no such partition: " + partition);
        }
        return info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id();
    }

    /** Every partition of {@code topics} with its leader's node id (-1 if none). */
    public Map<TopicPartition, Integer> leaders(Collection<String> topics) {
        Map<TopicPartition, Integer> leaders = new LinkedHashMap<>();
        describe(topics).forEach((tp, info) -> leaders.put(tp,
                info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id()));
        return leaders;
    }

    /** The node id of the active controller (the KRaft quorum's leader), from {@code describeMetadataQuorum}. */
    public int activeController() {
        return withAdmin("describe the metadata quorum",
                admin -> admin.describeMetadataQuorum().quorumInfo().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .leaderId());
    }

    /** Waits (up to the timeout) until every partition of every topic, internal ones too, has its full ISR. */
    public void awaitFullIsr() {
        awaitCondition("every partition to have its full ISR", () -> underReplicated().isEmpty(), null);
    }

    /** The partitions whose ISR is smaller than their replica set, or that have no leader. */
    public Map<TopicPartition, String> underReplicated() {
        Set<String> topics = withAdmin("list the topics", admin -> admin.listTopics(new ListTopicsOptions()
                .listInternal(true)).names().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        Map<TopicPartition, String> lagging = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        describe(topics).forEach((tp, info) -> {
            if (info.leader() == null || info.leader().isEmpty() || info.isr().size() < info.replicas().size()) {
                lagging.put(tp, "leader " + (info.leader() == null ? "none" : info.leader().id()) + ", isr "
                        + ids(info.isr()) + " of " + ids(info.replicas()));
            }
        });
        return lagging;
    }

    /** The brokers the cluster metadata lists now. */
    public List<Node> describeNodes() {
        return List.copyOf(withAdmin("describe the cluster",
                admin -> admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS)));
    }

    /** Every node's client address, {@code 127.0.0.1:p1,127.0.0.1:p2,...}: clients find the others through any. */
    @Override
    public synchronized String bootstrapServers() {
        if (nodes.isEmpty()) {
            throw new IllegalStateException("the ports are chosen at start(); start the cluster first");
        }
        return nodes.values().stream().map(ClusterNode::bootstrapServer).collect(joining(","));
    }

    /** The data directory (given, or the temporary one); known once started. */
    public synchronized Path dataDirectory() {
        return Objects.requireNonNull(dataDirectory, "start the cluster first");
    }

    /** The node's last output lines (for diagnoses). */
    public synchronized String tail(int id, int lines) {
        return node(id).tail(lines);
    }

    @Override
    public void createTopics(Collection<TopicSpec> topics) {
        KafkaTopics.createTopics(bootstrapServers(), topics, timeout);
    }

    @Override
    public String uniqueTopic(String prefix) {
        return dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker.uniqueTopicName(prefix);
    }

    /** Local processes of this machine, like the embedded broker. */
    @Override
    public boolean isEmbedded() {
        return true;
    }

    /** Stops every node (SIGTERM to all at once, so the last ones need no quorum they no longer have). */
    @Override
    public synchronized void close() {
        nodes.values().forEach(ClusterNode::signalStop);
        nodes.values().forEach(node -> node.awaitExit(STOP_TIMEOUT));
        if (ownsDataDirectory && dataDirectory != null) {
            deleteRecursively(dataDirectory);
        }
    }

    @Override
    public synchronized String toString() {
        return "LocalKafkaCluster" + nodes.values();
    }

    // ------------------------------------------------------------------------------------------------------

    private void launch(ClusterNode node) {
        String voters = nodes.values().stream().map(ClusterNode::voter).collect(joining(","));
        List<String> args = new ArrayList<>(List.of(node.dataDirectory.toString(), Integer.toString(node.id),
                Integer.toString(node.port), Integer.toString(node.controllerPort), clusterId, voters,
                Integer.toString(defaultPartitions), Long.toString(timeout.toMillis())));
        brokerProperties().forEach((k, v) -> args.add(k + "=" + v));
        node.launch(javaOptions, args);
    }

    private Map<String, String> brokerProperties() {
        String replicas = Integer.toString(Math.min(3, nodeCount));
        String minIsr = Integer.toString(Math.min(2, nodeCount));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("unclean.leader.election.enable", "false");
        // 6 instead of 50 partitions each for the offsets and transaction-state topics: a node restarted on two
        // shared cores then recovers and rejoins every ISR sooner; replication and min ISR stay as compose.yaml
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.num.partitions", "6");
        p.putAll(extraProperties);
        return p;
    }

    private ClusterNode node(int id) {
        ClusterNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " (nodes: " + nodes.keySet() + ")");
        }
        return node;
    }

    private Map<TopicPartition, TopicPartitionInfo> describe(Collection<String> topics) {
        Map<String, TopicDescription> described = withAdmin("describe topics " + topics,
                admin -> admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        Map<TopicPartition, TopicPartitionInfo> partitions = new LinkedHashMap<>();
        described.values().forEach(d -> d.partitions().forEach(
                p -> partitions.put(new TopicPartition(d.name(), p.partition()), p)));
        return partitions;
    }

    private interface AdminCall<T> {
        T call(Admin admin) throws InterruptedException, ExecutionException, TimeoutException;
    }

    private <T> T withAdmin(String what, AdminCall<T> call) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "lunar-local-cluster",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 10_000)))) {
            return call.call(admin);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not " + what + " on " + bootstrapServers() + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    /** Polls {@code condition} (errors count as "not yet") until it holds or the timeout ends. */
    private void awaitCondition(String what, BooleanSupplier condition, ClusterNode about) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                if (about != null && !about.isAlive()) {
                    throw e; // the node died: no point waiting
                }
                last = e;
            }
            try {
                Thread.sleep(100); // polling interval between checks, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        throw new IllegalStateException("waited " + timeout + " for " + what + (last == null ? "" : " (last: "
                + last.getMessage() + ")") + (about == null ? "" : "\n" + about.tail(30)), last);
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(n -> Integer.toString(n.id())).collect(joining(",", "[", "]"));
    }

    private void resolveDataDirectory() {
        try {
            if (requestedDataDirectory != null) {
                dataDirectory = Files.createDirectories(requestedDataDirectory.toAbsolutePath());
            } else {
                dataDirectory = Files.createTempDirectory("lunar-kafka-cluster-");
                ownsDataDirectory = true;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the Kafka cluster's data directory "
                    + (requestedDataDirectory == null ? "(temporary)" : requestedDataDirectory) + ": " + e, e);
        }
    }

    private static List<Integer> consecutive(int first, int count) {
        if (first + count - 1 > 65535) {
            throw new IllegalArgumentException("ports " + first + ".." + (first + count - 1) + " exceed 65535");
        }
        return Stream.iterate(first, p -> p + 1).limit(count).toList();
    }

    /** Ports free right now, all distinct (the sockets are held open together). */
    private static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                sockets.add(socket);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find free ports on 127.0.0.1: " + e, e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    /** Builder of {@link LocalKafkaCluster}. */
    public static final class Builder {
        private int nodes = DEFAULT_NODES;
        private int firstPort;
        private Path dataDirectory;
        private int defaultPartitions = 6;
        private Duration timeout = Duration.ofSeconds(90);
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> javaOptions = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true"));

        private Builder() {
        }

        /** How many nodes (default 3); all are brokers and voters. */
        public Builder nodes(int nodes) {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** Client ports {@code firstPort, firstPort+1, ...} on 127.0.0.1; 0 (the default) picks free ports. */
        public Builder firstPort(int firstPort) {
            if (firstPort < 0 || firstPort > 65535) {
                throw new IllegalArgumentException("firstPort must be 0..65535, was " + firstPort);
            }
            this.firstPort = firstPort;
            return this;
        }

        /** Where node {@code i} keeps its data ({@code <dir>/node-<i>}); default a temporary directory. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** {@code num.partitions} (default 6). */
        public Builder defaultPartitions(int defaultPartitions) {
            this.defaultPartitions = defaultPartitions;
            return this;
        }

        /** Bound on each start and each wait (default 90 s: three JVMs start on a shared machine). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** A broker property for every node; overrides this class's replication settings. */
        public Builder brokerProperty(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** One more JVM option of every node's JVM (defaults: a 384 MiB heap, serial GC, C1 only). */
        public Builder javaOption(String option) {
            javaOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        public LocalKafkaCluster build() {
            return new LocalKafkaCluster(this);
        }
    }
}
