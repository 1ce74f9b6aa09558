package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.settings.Setting;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the audit trail goes and how long Kafka keeps it.
 *
 * @param topic        {@link #TOPIC}
 * @param retention    {@link #RETENTION}
 * @param writeTimeout how long one audit write may wait for Kafka's acknowledgement before it counts as failed (the
 *                     batch is then retried, not committed); default 30 s
 */
public record AuditSettings(String topic, Duration retention, Duration writeTimeout) {

    public static final Setting<String> TOPIC = Setting.text("audit.topic", Topics.AUDIT,
            "where both forwarders write (and the control plane reads)");
    public static final Setting<Duration> RETENTION = Setting.duration("audit.retention", Duration.ofDays(7),
            Duration.ofMinutes(1), Duration.ofDays(3650), "the topic's `retention.ms` when `run` (or a forwarder, if"
                    + " missing) creates it; compose creates it with 7 days");
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** A Datadog logs body may be 5 MB uncompressed; the topic and the producer allow a bit more. */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    public AuditSettings {
        Objects.requireNonNull(topic, "topic");
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw TOPIC.reject("= '" + topic + "' is not a legal Kafka topic name: use 1-249 characters of"
                    + " a-z A-Z 0-9 . _ -");
        }
        Objects.requireNonNull(retention, "retention");
        RETENTION.check(retention);
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("the audit write timeout must be positive, was " + writeTimeout);
        }
    }

    public static AuditSettings defaults() {
        return new AuditSettings(TOPIC.defaultValue(), RETENTION.defaultValue(), DEFAULT_WRITE_TIMEOUT);
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
