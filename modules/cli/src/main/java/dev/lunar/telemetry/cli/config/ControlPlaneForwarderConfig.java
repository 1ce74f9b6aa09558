package dev.lunar.telemetry.cli.config;

import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import java.net.URI;
import java.util.Map;

/** Reads the {@code control-plane-forwarder.*} keys (documented in {@link ControlPlaneForwarderSettings} and the README). */
public final class ControlPlaneForwarderConfig {
    private ControlPlaneForwarderConfig() {}

    /**
     * @param defaultUrl   the control plane to send to when {@code control-plane-forwarder.url} is not set
     * @param extraTokens  tokens added to {@code control-plane-forwarder.tenant-tokens} (run --demo's tenant)
     */
    public static ControlPlaneForwarderSettings bind(ConfigSource config, URI defaultUrl,
            Map<String, String> extraTokens) {
        ControlPlaneForwarderSettings d = ControlPlaneForwarderSettings.defaults();
        Map<String, String> tokens = new java.util.LinkedHashMap<>(config.map(ControlPlaneForwarderSettings.TENANT_TOKENS));
        tokens.putAll(extraTokens);
        ControlPlaneForwarderSettings.Builder b = ControlPlaneForwarderSettings.builder()
                .window(config.duration(ControlPlaneForwarderSettings.WINDOW, d.window()))
                .allowedLateness(config.duration(ControlPlaneForwarderSettings.ALLOWED_LATENESS, d.allowedLateness()))
                .correctionHorizon(config.duration(ControlPlaneForwarderSettings.CORRECTION_HORIZON,
                        d.correctionHorizon()))
                .idleTick(config.duration(ControlPlaneForwarderSettings.IDLE_TICK, d.idleTick()))
                .topEndpoints(config.integer(ControlPlaneForwarderSettings.TOP_ENDPOINTS, d.topEndpoints(), 1, 1000))
                .controlPlaneUrl(URI.create(config.string(ControlPlaneForwarderSettings.URL,
                        defaultUrl == null ? d.controlPlaneUrl().toString() : defaultUrl.toString())))
                .tenantTokens(tokens)
                .requestTimeout(config.duration(ControlPlaneForwarderSettings.REQUEST_TIMEOUT, d.requestTimeout()))
                .maxEndpointsPerRequest(config.integer(ControlPlaneForwarderSettings.MAX_ENDPOINTS_PER_REQUEST,
                        d.maxEndpointsPerRequest(), 1, 1_000_000))
                .topic(config.string(ControlPlaneForwarderSettings.TOPIC, d.topic()))
                .groupId(config.string(ControlPlaneForwarderSettings.GROUP_ID, d.groupId()))
                .deadLetterTopic(config.string(ControlPlaneForwarderSettings.DEAD_LETTER_TOPIC, d.deadLetterTopic()))
                .batching(config.integer(ControlPlaneForwarderSettings.BATCH_MAX_RECORDS, d.batchMaxRecords(), 1,
                        100_000), config.duration(ControlPlaneForwarderSettings.BATCH_MAX_WAIT, d.batchMaxWait()))
                .maxHeldRecords(config.integer(ControlPlaneForwarderSettings.MAX_HELD_RECORDS, d.maxHeldRecords(), 0,
                        100_000_000))
                .retryBackoff(config.duration(ControlPlaneForwarderSettings.RETRY_INITIAL_BACKOFF,
                        d.retryInitialBackoff()), config.duration(ControlPlaneForwarderSettings.RETRY_MAX_BACKOFF,
                        d.retryMaxBackoff()))
                .authRetryInterval(config.duration(ControlPlaneForwarderSettings.AUTH_RETRY_INTERVAL,
                        d.authRetryInterval()))
                .shutdownTimeout(config.duration(ControlPlaneForwarderSettings.SHUTDOWN_TIMEOUT, d.shutdownTimeout()));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ControlPlaneForwarderSettings.TENANT_TOKENS.replace("tenant-tokens", ""),
                    e.getMessage());
        }
    }
}
