package dev.lunar.telemetry.cli.config;

import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.ALLOWED_LATENESS;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.AUTH_RETRY_INTERVAL;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.BATCH_MAX_RECORDS;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.BATCH_MAX_WAIT;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.CORRECTION_HORIZON;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.DEAD_LETTER_TOPIC;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.GROUP_ID;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.IDLE_TICK;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.MAX_ENDPOINTS_PER_REQUEST;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.MAX_HELD_RECORDS;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.REQUEST_TIMEOUT;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.RETRY_INITIAL_BACKOFF;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.RETRY_MAX_BACKOFF;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.SHUTDOWN_TIMEOUT;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.TENANT_TOKENS;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.TOPIC;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.TOP_ENDPOINTS;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.URL;
import static dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings.WINDOW;

import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the {@code control-plane-forwarder.*} keys defined in {@link ControlPlaneForwarderSettings}. */
public final class ControlPlaneForwarderConfig {
    private ControlPlaneForwarderConfig() {}

    /**
     * @param defaultUrl   the control plane to send to when {@code control-plane-forwarder.url} is not set
     * @param extraTokens  tokens added to {@code control-plane-forwarder.tenant-tokens} (run --demo's tenant)
     */
    public static ControlPlaneForwarderSettings bind(ConfigSource config, URI defaultUrl,
            Map<String, String> extraTokens) {
        Map<String, String> tokens = new LinkedHashMap<>(config.entries(TENANT_TOKENS));
        tokens.putAll(extraTokens);
        String url = config.isSet(URL) || defaultUrl == null ? config.get(URL) : defaultUrl.toString();
        return ControlPlaneForwarderSettings.builder()
                .window(config.get(WINDOW))
                .allowedLateness(config.get(ALLOWED_LATENESS))
                .correctionHorizon(config.get(CORRECTION_HORIZON))
                .idleTick(config.get(IDLE_TICK))
                .topEndpoints(config.get(TOP_ENDPOINTS))
                .controlPlaneUrl(urlOf(url))
                .tenantTokens(tokens)
                .requestTimeout(config.get(REQUEST_TIMEOUT))
                .maxEndpointsPerRequest(config.get(MAX_ENDPOINTS_PER_REQUEST))
                .topic(config.get(TOPIC))
                .groupId(config.get(GROUP_ID))
                .deadLetterTopic(config.get(DEAD_LETTER_TOPIC))
                .batching(config.get(BATCH_MAX_RECORDS), config.get(BATCH_MAX_WAIT))
                .maxHeldRecords(config.get(MAX_HELD_RECORDS))
                .retryBackoff(config.get(RETRY_INITIAL_BACKOFF), config.get(RETRY_MAX_BACKOFF))
                .authRetryInterval(config.get(AUTH_RETRY_INTERVAL))
                .shutdownTimeout(config.get(SHUTDOWN_TIMEOUT))
                .build();
    }

    private static URI urlOf(String text) {
        try {
            return URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw URL.reject("'" + text + "' is not a URL: use http(s)://host:port of the control plane");
        }
    }
}
