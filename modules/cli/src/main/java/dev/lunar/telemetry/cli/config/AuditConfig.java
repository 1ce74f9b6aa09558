package dev.lunar.telemetry.cli.config;

import dev.lunar.telemetry.consumer.audit.AuditSettings;
import dev.lunar.telemetry.settings.Setting;

/** Reads the {@code audit.*} keys defined in {@link AuditSettings}. Both forwarders write the trail; {@code run} creates the topic. */
public final class AuditConfig {
    /** The configuration section these keys live in. */
    public static final String SECTION = "audit";
    /** The launcher's own audit key: whether {@code run} has the control plane follow the trail. */
    public static final Setting<Boolean> FOLLOW_AUDIT_TRAIL = Setting.bool("control-plane.follow-audit-trail", true,
            "the control plane copies the trail into its storage for the per-tenant view");

    private AuditConfig() {}

    public static AuditSettings bind(ConfigSource config) {
        return new AuditSettings(config.get(AuditSettings.TOPIC),
                config.get(AuditSettings.RETENTION), AuditSettings.defaults().writeTimeout());
    }
}
