package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.AccessLogEntry;
import dev.lunar.telemetry.events.avro.ConfigFile;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.LatencyBucket;
import dev.lunar.telemetry.events.avro.PolicySnapshot;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/** One raw event of each kind for a tenant, carrying canary secrets where real proxies leak them. */
final class RawEvents {
    static final String CANARY_BEARER = "Bearer canaryBearerToken0123456789";
    static final String CANARY_ENV_SECRET = "canary-env-secret-4242";
    static final String CANARY_YAML_PASSWORD = "canary-yaml-password-77";
    static final String CANARY_EMAIL = "canary.person@example.com";
    static final List<String> CANARIES = List.of("canaryBearerToken0123456789", CANARY_ENV_SECRET,
            CANARY_YAML_PASSWORD, CANARY_EMAIL);

    private RawEvents() {}

    static EventHeader header(String eventId, String tenantId, Instant at) {
        return EventHeader.newBuilder().setEventId(eventId).setTenantId(tenantId).setProxyId("proxy-e2e")
                .setProxyVersion("1.4.2").setProducedAt(at).build();
    }

    static Map<EventKind, SpecificRecordBase> oneOfEach(String tenantId, Instant now) {
        Map<EventKind, SpecificRecordBase> events = new LinkedHashMap<>();
        events.put(EventKind.LOGS, ProxyLog.newBuilder().setHeader(header("e2e-log", tenantId, now))
                .setTimestamp(now).setLevel("WARN").setLogger("http-proxy")
                .setMessage("retrying for " + CANARY_EMAIL)
                .setAttributes(Map.of("authorization", CANARY_BEARER, "remedy", "retry"))
                .build());
        events.put(EventKind.RESOURCES, ResourceUsage.newBuilder().setHeader(header("e2e-res", tenantId, now))
                .setSampledAt(now).setIntervalMillis(10_000)
                .setHost(HostStats.newBuilder().setCpuPercent(12.5).setMemoryUsedBytes(1_000_000)
                        .setMemoryTotalBytes(8_000_000).setDiskWriteBytes(4096).setDiskUsedBytes(10)
                        .setDiskTotalBytes(100).build())
                .build());
        events.put(EventKind.HEARTBEATS, Heartbeat.newBuilder().setHeader(header("e2e-hb", tenantId, now))
                .setStartedAt(now.minusSeconds(60)).setUptimeSeconds(60).setRestarts(1).setUnexpectedRestarts(0)
                .setEnvironment(Map.of("STRIPE_SECRET", CANARY_ENV_SECRET, "TZ", "UTC")).build());
        events.put(EventKind.POLICIES, PolicySnapshot.newBuilder().setHeader(header("e2e-pol", tenantId, now))
                .setLoadedAt(now).setFiles(List.of(ConfigFile.newBuilder().setFileName("policies.yaml")
                        .setFileType("policies")
                        .setContent("endpoints:\n  - url: api.example.com/*\n    password: " + CANARY_YAML_PASSWORD
                                + "\n")
                        .build()))
                .setEnabledPolicies(List.of("rate-limit")).setEnabledPlugins(List.of("retry")).build());
        events.put(EventKind.ENDPOINTS, EndpointStats.newBuilder().setHeader(header("e2e-ep", tenantId, now))
                .setWindowStart(now.minusSeconds(10)).setWindowEnd(now)
                .setEndpoint(EndpointRef.newBuilder().setMethod("GET").setHost("api.example.com")
                        .setPathTemplate("/v1/x").build())
                .setCount(3).setStatusCodes(Map.of("200", 3L)).setLatencySumMs(30).setLatencyMinMs(5)
                .setLatencyMaxMs(15).setTotalDurationSumMs(33)
                .setLatencyBuckets(List.of(new LatencyBucket(10L, 2L), new LatencyBucket(20L, 1L))).build());
        return events;
    }

    /** Marks every line of {@link #droppedLines}: none may reach a destination. */
    static final String DROPPED_MARK = "dropped-line-";

    /**
     * Log lines the processor must drop whole: three that describe one request (an access entry, an access-log
     * logger, a request line as the message — the simulator's shape) and a DEBUG line. Event ids start with
     * {@link #DROPPED_MARK}.
     */
    static List<ProxyLog> droppedLines(String tenantId, Instant now) {
        String id = DROPPED_MARK + tenantId + "-";
        ProxyLog base = ProxyLog.newBuilder().setHeader(header(id, tenantId, now)).setTimestamp(now).setLevel("INFO")
                .setLogger("http-proxy").setMessage("request handled")
                .setAttributes(Map.of("provider", "reports.partner-data.io")).build();
        return List.of(
                ProxyLog.newBuilder(base).setHeader(header(id + "entry", tenantId, now))
                        .setAccess(AccessLogEntry.newBuilder().setRequestId("r1").setTimestamp(now).setDurationMs(5)
                                .setTotalDurationMs(6).setMethod("GET").setUrl("https://api.example.com/v1/x")
                                .setHost("api.example.com").setPath("/v1/x").setStatusCode(200)
                                .setRequestHeaders(Map.of("Authorization", CANARY_BEARER)).build())
                        .build(),
                ProxyLog.newBuilder(base).setHeader(header(id + "logger", tenantId, now))
                        .setLogger("access-log").build(),
                ProxyLog.newBuilder(base).setHeader(header(id + "line", tenantId, now))
                        .setMessage("GET reports.partner-data.io/v2/exports/{id} 200 585ms").build(),
                ProxyLog.newBuilder(base).setHeader(header(id + "debug", tenantId, now))
                        .setLevel("DEBUG").setMessage("session refreshed").build());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static byte[] encode(SpecificRecordBase record) {
        return AvroCodec.of((Class) record.getClass()).encode(record);
    }
}
