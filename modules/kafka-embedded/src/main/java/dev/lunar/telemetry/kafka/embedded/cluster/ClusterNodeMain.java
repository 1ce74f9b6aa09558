package dev.lunar.telemetry.kafka.embedded.cluster;

import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The entry point of one {@link LocalKafkaCluster} node in a JVM of its own, so that {@code kill -9} of a node is a
 * real process kill. Arguments: {@code <data-dir> <node-id> <client-port> <controller-port> <cluster-id> <voters>
 * <default-partitions> <timeout-ms> [key=value ...]} (broker properties). Prints {@link #READY} once the node
 * answers; SIGTERM stops it gracefully (controlled shutdown) through the shutdown hook, and so does the end of the
 * JVM that started it.
 */
public final class ClusterNodeMain {

    /** Printed on stdout, followed by the node id, once the node answers clients. */
    public static final String READY = "LUNAR KAFKA NODE READY";

    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 8) {
            System.err.println("usage: ClusterNodeMain <data-dir> <node-id> <client-port> <controller-port>"
                    + " <cluster-id> <voters> <default-partitions> <timeout-ms> [key=value ...]");
            System.exit(2);
        }
        int nodeId = Integer.parseInt(args[1]);
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
                .dataDirectory(Path.of(args[0]))
                .port(Integer.parseInt(args[2]))
                .clusterMember(nodeId, Integer.parseInt(args[3]), args[5], args[4])
                .defaultPartitions(Integer.parseInt(args[6]))
                .timeout(Duration.ofMillis(Long.parseLong(args[7])));
        for (int i = 8; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            builder.brokerProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddedKafkaBroker broker = builder.build();
        // A node outlives no parent (run, a test): if that JVM dies, even by kill -9, this node stops gracefully.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }, "kafka-node-" + nodeId + "-shutdown"));
        try {
            broker.start();
        } catch (RuntimeException e) {
            System.err.println("Kafka node " + nodeId + " failed to start: " + e.getMessage());
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        System.out.println(READY + " " + nodeId + " " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
