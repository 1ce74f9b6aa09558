package dev.lunar.telemetry.kafka.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One consumer's part of the runtime's settings (the client properties are {@link KafkaClientSettings}).
 *
 * @param groupId           the consumer group; its committed offsets are the consumer's progress
 * @param clientId          the Kafka client id (broker logs, client metrics)
 * @param topics            what to subscribe to
 * @param maxPollRecords    at most this many records per poll; also what the receiver may buffer ahead
 * @param commitInterval    how often acknowledged offsets are committed (never past an unfinished record)
 * @param revocationTimeout how long a revocation waits for the revoked partitions' records still being worked on
 *                          before it commits what is done and lets the rebalance go on
 * @param closeTimeout      how long closing the consumer may take
 * @param transactional     offsets are committed in producer transactions ({@link RecordSender#commitTransaction}),
 *                          never by the consumer
 * @param registry          Kafka client metrics go here; may be null
 */
public record ReceiverSettings(String groupId, String clientId, List<String> topics, int maxPollRecords,
                               Duration commitInterval, Duration revocationTimeout, Duration closeTimeout,
                               boolean transactional, MeterRegistry registry) {

    public ReceiverSettings {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(clientId, "clientId");
        topics = List.copyOf(topics);
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("maxPollRecords must be positive, was " + maxPollRecords);
        }
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(revocationTimeout, "revocationTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    /** At-least-once defaults: 500 records per poll, commits every 500 ms, revocations wait up to 10 s. */
    public static ReceiverSettings of(String groupId, String clientId, List<String> topics) {
        return new ReceiverSettings(groupId, clientId, topics, 500, Duration.ofMillis(500), Duration.ofSeconds(10),
                Duration.ofSeconds(30), false, null);
    }

    public ReceiverSettings withMaxPollRecords(int value) {
        return new ReceiverSettings(groupId, clientId, topics, value, commitInterval, revocationTimeout,
                closeTimeout, transactional, registry);
    }

    public ReceiverSettings withCommitInterval(Duration value) {
        return new ReceiverSettings(groupId, clientId, topics, maxPollRecords, value, revocationTimeout,
                closeTimeout, transactional, registry);
    }

    public ReceiverSettings withTimeouts(Duration revocation, Duration close) {
        return new ReceiverSettings(groupId, clientId, topics, maxPollRecords, commitInterval, revocation, close,
                transactional, registry);
    }

    public ReceiverSettings withTransactional(boolean value) {
        return new ReceiverSettings(groupId, clientId, topics, maxPollRecords, commitInterval, revocationTimeout,
                closeTimeout, value, registry);
    }

    public ReceiverSettings withRegistry(MeterRegistry value) {
        return new ReceiverSettings(groupId, clientId, topics, maxPollRecords, commitInterval, revocationTimeout,
                closeTimeout, transactional, value);
    }
}
