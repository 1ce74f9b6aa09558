package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.avro.ConfigFile;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.ProcessStats;
import dev.lunar.telemetry.events.avro.TenantDatadogDestination;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Enriched records as the processor writes them, with values a test can look for. */
final class Samples {
    /** A tenant's own Lunar API key: it identifies the tenant to the processor and must never reach Datadog. */
    static final String TENANT_LUNAR_KEY = "lk_live_5ecret_tenant_key";
    /** A path template that only endpoint stats carry. */
    static final String ENDPOINT_STATS_ONLY_PATH = "/v1/only-in-endpoint-stats/{id}";

    private Samples() {}

    static EventHeader header(String eventId, String tenantId, String proxyId, Instant producedAt) {
        return EventHeader.newBuilder().setEventId(eventId).setTenantId(tenantId).setProxyId(proxyId)
                .setProxyVersion("1.4.2").setProducedAt(producedAt).build();
    }

    static TenantInfo tenant(String id) {
        return TenantInfo.newBuilder().setId(id).setName(id.substring(0, 1).toUpperCase() + id.substring(1) + " Corp")
                .setPlan(TenantPlan.CONTROL_PLANE).setTags(Map.of("team", "payments", "region", "eu-west-1"))
                .setKnown(true).build();
    }

    static EnrichedLog log(String eventId, String tenantId, String message) {
        Instant now = Instant.now();
        return EnrichedLog.newBuilder().setHeader(header(eventId, tenantId, "proxy-" + tenantId, now))
                .setTenant(tenant(tenantId)).setRedactedPaths(List.of("tags.api_key")).setProcessedAt(now)
                .setTags(Map.of("env", "prod")).setTimestamp(now).setLevel("WARN").setLogger("http-proxy")
                .setMessage(message).setAttributes(Map.of("remedy", "retry")).build();
    }

    static EnrichedResourceUsage resources(String eventId, String tenantId, Instant sampledAt) {
        return EnrichedResourceUsage.newBuilder().setHeader(header(eventId, tenantId, "proxy-" + tenantId, sampledAt))
                .setTenant(tenant(tenantId)).setProcessedAt(sampledAt).setSampledAt(sampledAt).setIntervalMillis(10_000)
                .setHost(HostStats.newBuilder().setCpuPercent(37.5).setMemoryUsedBytes(1_200_000_000L)
                        .setMemoryTotalBytes(8_000_000_000L).setDiskWriteBytes(4096).setDiskUsedBytes(10_000_000_000L)
                        .setDiskTotalBytes(50_000_000_000L).build())
                .setProcesses(List.of(ProcessStats.newBuilder().setName("engine").setCpuPercent(12.5)
                        .setMemoryBytes(300_000_000L).setOpenFileDescriptors(91).setUptimeSeconds(3600).setRunning(true)
                        .build()))
                .build();
    }

    static EnrichedHeartbeat heartbeat(String eventId, String tenantId) {
        Instant now = Instant.now();
        return EnrichedHeartbeat.newBuilder().setHeader(header(eventId, tenantId, "proxy-" + tenantId, now))
                .setTenant(tenant(tenantId)).setProcessedAt(now).setStartedAt(now.minusSeconds(3600))
                .setUptimeSeconds(3600).setRestarts(3).setUnexpectedRestarts(1)
                .setUnexpectedRestartReasons(List.of("OOMKilled"))
                .setEnvironment(Map.of("TZ", "UTC", "LUNAR_API_KEY", TENANT_LUNAR_KEY)).build();
    }

    static EnrichedPolicySnapshot policies(String eventId, String tenantId) {
        Instant now = Instant.now();
        return EnrichedPolicySnapshot.newBuilder().setHeader(header(eventId, tenantId, "proxy-" + tenantId, now))
                .setTenant(tenant(tenantId)).setProcessedAt(now).setLoadedAt(now)
                .setFiles(List.of(ConfigFile.newBuilder().setFileName("policies.yaml").setFileType("policies")
                        .setContent("global:\n  remedies: []\n").build()))
                .setEnabledPolicies(List.of("rate-limit")).setEnabledPlugins(List.of("retry"))
                .setEndpointsWithPolicies(List.of(EndpointRef.newBuilder().setMethod("GET").setHost("api.stripe.com")
                        .setPathTemplate("/v1/customers/{id}").build()))
                .build();
    }

    static EnrichedEndpointStats endpointStats(String eventId, String tenantId) {
        Instant now = Instant.now();
        return EnrichedEndpointStats.newBuilder().setHeader(header(eventId, tenantId, "proxy-" + tenantId, now))
                .setTenant(tenant(tenantId)).setProcessedAt(now).setWindowStart(now).setWindowEnd(now.plusSeconds(10))
                .setEndpoint(EndpointRef.newBuilder().setMethod("POST").setHost("api.stripe.com")
                        .setPathTemplate(ENDPOINT_STATS_ONLY_PATH).build())
                .setCount(10).setStatusCodes(Map.of("200", 9L)).setLatencySumMs(1000).setLatencyMinMs(50)
                .setLatencyMaxMs(300).setTotalDurationSumMs(1100).build();
    }

    static TenantMetadata tenantWithOwnDatadog(String id, String site, String keyEnv) {
        return TenantMetadata.newBuilder().setId(id).setName(id).setPlan(TenantPlan.CONTROL_PLANE)
                .setDatadog(TenantDatadogDestination.newBuilder().setSite(site).setApiKeyEnv(keyEnv).build())
                .setUpdatedAt(Instant.now()).build();
    }
}
