package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.events.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the audit trail goes and how long Kafka keeps it.
 *
 * @param topic        {@code audit.topic} (default {@code telemetry.audit.v1})
 * @param retention    {@code audit.retention} (default 7 days): the topic's {@code retention.ms}
 * @param writeTimeout how long one audit write may wait for Kafka's acknowledgement before it counts as failed (the
 *                     batch is then retried, not committed); default 30 s
 */
public record AuditSettings(String topic, Duration retention, Duration writeTimeout) {

    public static final String TOPIC_KEY = "audit.topic";
    public static final String RETENTION_KEY = "audit.retention";
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** A Datadog logs body may be 5 MB uncompressed; the topic and the producer allow a bit more. */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    public AuditSettings {
        Objects.requireNonNull(topic, "topic");
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException(TOPIC_KEY + " = '" + topic + "' is not a legal Kafka topic name:"
                    + " use 1-249 characters of a-z A-Z 0-9 . _ -");
        }
        Objects.requireNonNull(retention, "retention");
        if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException(RETENTION_KEY + " = " + retention + " is too short: keep the audit"
                    + " trail at least 1 minute (the default is 7d)");
        }
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("the audit write timeout must be positive, was " + writeTimeout);
        }
    }

    public static AuditSettings defaults() {
        return new AuditSettings(Topics.AUDIT, DEFAULT_RETENTION, DEFAULT_WRITE_TIMEOUT);
    }

    public AuditSettings withTopic(String topic) {
        return new AuditSettings(topic, retention, writeTimeout);
    }

    /** The topic configs the audit topic is created with (retention, the largest record). */
    public Map<String, String> topicConfigs() {
        return Map.of("retention.ms", Long.toString(retention.toMillis()),
                "max.message.bytes", Integer.toString(MAX_RECORD_BYTES));
    }
}
