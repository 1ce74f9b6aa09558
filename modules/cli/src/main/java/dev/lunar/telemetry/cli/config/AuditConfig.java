package dev.lunar.telemetry.cli.config;

import dev.lunar.telemetry.consumer.audit.AuditSettings;

/**
 * Reads the {@code audit.*} keys: {@code audit.topic} (default {@code telemetry.audit.v1}) and {@code audit.retention}
 * (default {@code 7d}, the topic's {@code retention.ms}). Both forwarders write the trail; {@code run} creates the topic.
 */
public final class AuditConfig {
    /** The configuration section these keys live in. */
    public static final String SECTION = "audit";

    private AuditConfig() {}

    public static AuditSettings bind(ConfigSource config) {
        AuditSettings d = AuditSettings.defaults();
        String topic = config.string(AuditSettings.TOPIC_KEY, d.topic());
        java.time.Duration retention = config.duration(AuditSettings.RETENTION_KEY, d.retention());
        try {
            return new AuditSettings(topic, retention, d.writeTimeout());
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().startsWith(AuditSettings.RETENTION_KEY) ? AuditSettings.RETENTION_KEY
                    : AuditSettings.TOPIC_KEY;
            throw new ConfigException(key, e.getMessage());
        }
    }
}
