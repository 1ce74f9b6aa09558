package dev.lunar.telemetry.events;

import dev.lunar.telemetry.events.avro.AccessLogEntry;
import dev.lunar.telemetry.events.avro.AuditRecord;
import dev.lunar.telemetry.events.avro.ConfigFile;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.LatencyBucket;
import dev.lunar.telemetry.events.avro.PolicySnapshot;
import dev.lunar.telemetry.events.avro.ProcessStats;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import dev.lunar.telemetry.events.avro.TenantDatadogDestination;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/** One fully populated record of every type that travels on a topic, with realistic (and secret-laden) values. */
final class SampleEvents {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private SampleEvents() {}

    static EventHeader header(String eventId) {
        return EventHeader.newBuilder().setEventId(eventId).setTenantId("acme").setProxyId("proxy-1")
                .setProxyVersion("1.4.2").setProducedAt(T0).build();
    }

    static TenantInfo tenant() {
        return TenantInfo.newBuilder().setId("acme").setName("Acme").setPlan(TenantPlan.CONTROL_PLANE)
                .setTags(Map.of("team", "payments")).setKnown(true).build();
    }

    static EndpointRef endpoint() {
        return EndpointRef.newBuilder().setMethod("GET").setHost("api.stripe.com")
                .setPathTemplate("/v1/customers/{id}").build();
    }

    static HostStats host() {
        return HostStats.newBuilder().setCpuPercent(37.5).setMemoryUsedBytes(1_200_000_000L)
                .setMemoryTotalBytes(8_000_000_000L).setDiskWriteBytes(4096).setDiskUsedBytes(10_000_000_000L)
                .setDiskTotalBytes(50_000_000_000L).build();
    }

    static List<ProcessStats> processes() {
        return List.of(ProcessStats.newBuilder().setName("engine").setCpuPercent(12.5).setMemoryBytes(300_000_000L)
                .setOpenFileDescriptors(91).setUptimeSeconds(3600).setRunning(true).build());
    }

    static ProxyLog proxyLog() {
        return ProxyLog.newBuilder().setHeader(header("log-1")).setTags(Map.of("env", "prod", "api_key", "lk_live_x"))
                .setTimestamp(T0).setLevel("INFO").setLogger("http-proxy")
                .setMessage("GET https://api.stripe.com/v1/customers/42 -> 200")
                .setAttributes(Map.of("remedy", "retry"))
                .setAccess(AccessLogEntry.newBuilder().setRequestId("r-1").setTimestamp(T0).setDurationMs(120)
                        .setTotalDurationMs(131).setMethod("GET").setUrl("https://api.stripe.com/v1/customers/42")
                        .setHost("api.stripe.com").setPath("/v1/customers/42").setStatusCode(200)
                        .setActiveRemedies(List.of("retry")).setRequestHeaders(Map.of("Authorization", "Bearer x"))
                        .setResponseHeaders(Map.of("Set-Cookie", "sid=1")).build())
                .build();
    }

    static EnrichedLog enrichedLog() {
        return EnrichedLog.newBuilder().setHeader(header("log-1")).setTenant(tenant())
                .setRedactedPaths(List.of("access", "tags.api_key")).setProcessedAt(T0.plusMillis(5))
                .setTags(Map.of("env", "prod")).setTimestamp(T0).setLevel("INFO").setLogger("http-proxy")
                .setMessage("GET https://api.stripe.com/v1/customers/42 -> 200").setAttributes(Map.of()).build();
    }

    static ResourceUsage resourceUsage() {
        return ResourceUsage.newBuilder().setHeader(header("res-1")).setSampledAt(T0).setIntervalMillis(10_000)
                .setHost(host()).setProcesses(processes()).build();
    }

    static EnrichedResourceUsage enrichedResourceUsage() {
        return EnrichedResourceUsage.newBuilder().setHeader(header("res-1")).setTenant(tenant())
                .setProcessedAt(T0).setSampledAt(T0).setIntervalMillis(10_000).setHost(host())
                .setProcesses(processes()).build();
    }

    static Heartbeat heartbeat() {
        return Heartbeat.newBuilder().setHeader(header("hb-1")).setStartedAt(T0.minusSeconds(3600))
                .setUptimeSeconds(3600).setRestarts(3).setUnexpectedRestarts(1)
                .setUnexpectedRestartReasons(List.of("OOMKilled"))
                .setEnvironment(Map.of("LUNAR_API_KEY", "lk_live_secret", "TZ", "UTC")).build();
    }

    static EnrichedHeartbeat enrichedHeartbeat() {
        return EnrichedHeartbeat.newBuilder().setHeader(header("hb-1")).setTenant(tenant()).setProcessedAt(T0)
                .setStartedAt(T0.minusSeconds(3600)).setUptimeSeconds(3600).setRestarts(3).setUnexpectedRestarts(1)
                .setUnexpectedRestartReasons(List.of("OOMKilled")).setEnvironment(Map.of("TZ", "UTC")).build();
    }

    static PolicySnapshot policySnapshot() {
        return PolicySnapshot.newBuilder().setHeader(header("pol-1")).setLoadedAt(T0)
                .setFiles(List.of(ConfigFile.newBuilder().setFileName("policies.yaml").setFileType("policies")
                        .setContent("global:\n  remedies: []\nsecret: hunter2\n").build()))
                .setEnabledPolicies(List.of("rate-limit")).setEnabledPlugins(List.of("retry"))
                .setEndpointsWithPolicies(List.of(endpoint())).build();
    }

    static EnrichedPolicySnapshot enrichedPolicySnapshot() {
        return EnrichedPolicySnapshot.newBuilder().setHeader(header("pol-1")).setTenant(tenant())
                .setProcessedAt(T0).setLoadedAt(T0)
                .setFiles(List.of(ConfigFile.newBuilder().setFileName("policies.yaml").setFileType("policies")
                        .setContent("global:\n  remedies: []\n").build()))
                .setEnabledPolicies(List.of("rate-limit")).setEnabledPlugins(List.of("retry"))
                .setEndpointsWithPolicies(List.of(endpoint())).build();
    }

    static EndpointStats endpointStats() {
        return EndpointStats.newBuilder().setHeader(header("ep-1")).setWindowStart(T0)
                .setWindowEnd(T0.plusSeconds(10)).setEndpoint(endpoint()).setUrl("https://api.stripe.com/v1/x?k=1")
                .setCount(10).setStatusCodes(Map.of("200", 9L, "503", 1L)).setLatencySumMs(1000)
                .setLatencyMinMs(50).setLatencyMaxMs(300).setTotalDurationSumMs(1100)
                .setLatencyBuckets(List.of(new LatencyBucket(100L, 4L), new LatencyBucket(250L, 5L)))
                .setLatencyOverflowCount(1).setConsumerCounts(Map.of("billing", 10L)).setInterceptorType("lunar-java")
                .setInterceptorVersion("0.9").setLastTransactionAt(T0.plusSeconds(9)).build();
    }

    static EnrichedEndpointStats enrichedEndpointStats() {
        return EnrichedEndpointStats.newBuilder().setHeader(header("ep-1")).setTenant(tenant()).setProcessedAt(T0)
                .setWindowStart(T0).setWindowEnd(T0.plusSeconds(10)).setEndpoint(endpoint()).setCount(10)
                .setStatusCodes(Map.of("200", 9L, "503", 1L)).setLatencySumMs(1000).setLatencyMinMs(50)
                .setLatencyMaxMs(300).setTotalDurationSumMs(1100)
                .setLatencyBuckets(List.of(new LatencyBucket(100L, 4L), new LatencyBucket(250L, 5L)))
                .setLatencyOverflowCount(1).build();
    }

    static TenantMetadata tenantMetadata() {
        return TenantMetadata.newBuilder().setId("acme").setName("Acme").setPlan(TenantPlan.SANDBOX)
                .setGithubUsername("octocat").setTags(Map.of("team", "payments"))
                .setDenylist(List.of("**.customer_id")).setApiKeySha256(List.of("ab".repeat(32)))
                .setDatadog(TenantDatadogDestination.newBuilder().setSite("datadoghq.eu")
                        .setApiKeyEnv("ACME_DD_API_KEY").build())
                .setUpdatedAt(T0).build();
    }

    static AuditRecord auditRecord() {
        return AuditRecord.newBuilder().setChainId("datadog-forwarder-7f3a").setSequence(3)
                .setPrevHash("0".repeat(64)).setHash("ab".repeat(32)).setRecordedAt(T0)
                .setDestination("datadog-logs").setDestinationHost("http-intake.logs.datadoghq.eu")
                .setTenantIds(List.of("acme")).setEntryTenants(List.of("acme", "acme")).setEntryCount(2)
                .setBodySha256("cd".repeat(32))
                .setBody(java.nio.ByteBuffer.wrap("[{\"message\":\"a\"},{\"message\":\"b\"}]".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)))
                .build();
    }

    /** Every topic record type, once. */
    static List<SpecificRecordBase> all() {
        return List.of(proxyLog(), enrichedLog(), resourceUsage(), enrichedResourceUsage(), heartbeat(),
                enrichedHeartbeat(), policySnapshot(), enrichedPolicySnapshot(), endpointStats(),
                enrichedEndpointStats(), tenantMetadata(), auditRecord());
    }
}
