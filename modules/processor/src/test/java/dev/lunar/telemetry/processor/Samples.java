package dev.lunar.telemetry.processor;

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
import dev.lunar.telemetry.events.avro.ProcessStats;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/** Raw events for tests: plain ones, and ones with a planted canary in every position the raw schemas allow. */
public final class Samples {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final String API_KEY = "lk_live_CanaryApiKey0000000001";

    private Samples() {}

    public static TenantMetadata.Builder b(TenantMetadata r) { return TenantMetadata.newBuilder(r); }
    public static ProxyLog.Builder b(ProxyLog r) { return ProxyLog.newBuilder(r); }
    public static Heartbeat.Builder b(Heartbeat r) { return Heartbeat.newBuilder(r); }
    public static EndpointStats.Builder b(EndpointStats r) { return EndpointStats.newBuilder(r); }
    public static PolicySnapshot.Builder b(PolicySnapshot r) { return PolicySnapshot.newBuilder(r); }
    public static ResourceUsage.Builder b(ResourceUsage r) { return ResourceUsage.newBuilder(r); }

    static EventHeader header(String eventId, String tenantId) {
        return EventHeader.newBuilder().setEventId(eventId).setTenantId(tenantId).setProxyId("proxy-1")
                .setProxyVersion("1.4.2").setProducedAt(T0).build();
    }

    public static TenantMetadata tenant(String id, TenantPlan plan) {
        return TenantMetadata.newBuilder().setId(id).setName("Name of " + id).setPlan(plan)
                .setGithubUsername(plan == TenantPlan.SANDBOX ? "octocat-" + id : null)
                .setTags(Map.of("team", "payments")).setUpdatedAt(T0).build();
    }

    public static ProxyLog log(String eventId, String tenantId) {
        return ProxyLog.newBuilder().setHeader(header(eventId, tenantId)).setTags(Map.of("env", "prod"))
                .setTimestamp(T0).setLevel("INFO").setLogger("http-proxy")
                .setMessage("Connection pool to api.stripe.com resized to 16").setAttributes(Map.of("remedy", "retry"))
                .build();
    }

    public static Heartbeat heartbeat(String eventId, String tenantId) {
        return Heartbeat.newBuilder().setHeader(header(eventId, tenantId)).setStartedAt(T0).setUptimeSeconds(60)
                .setRestarts(1).setUnexpectedRestarts(0).setEnvironment(Map.of("TZ", "UTC")).build();
    }

    static HostStats host() {
        return HostStats.newBuilder().setCpuPercent(12.5).setMemoryUsedBytes(1).setMemoryTotalBytes(2)
                .setDiskWriteBytes(3).setDiskUsedBytes(4).setDiskTotalBytes(5).build();
    }

    static ResourceUsage resources(String eventId, String tenantId) {
        return ResourceUsage.newBuilder().setHeader(header(eventId, tenantId)).setSampledAt(T0)
                .setIntervalMillis(10_000).setHost(host()).build();
    }

    static EndpointRef endpoint() {
        return EndpointRef.newBuilder().setMethod("GET").setHost("api.stripe.com")
                .setPathTemplate("/v1/customers/{id}").build();
    }

    public static PolicySnapshot policies(String eventId, String tenantId, String yaml) {
        return PolicySnapshot.newBuilder().setHeader(header(eventId, tenantId)).setLoadedAt(T0)
                .setFiles(List.of(ConfigFile.newBuilder().setFileName("policies.yaml").setFileType("policies")
                        .setContent(yaml).build()))
                .setEnabledPolicies(List.of("rate-limit")).setEndpointsWithPolicies(List.of(endpoint())).build();
    }

    static EndpointStats endpoints(String eventId, String tenantId) {
        return EndpointStats.newBuilder().setHeader(header(eventId, tenantId)).setWindowStart(T0)
                .setWindowEnd(T0.plusSeconds(10)).setEndpoint(endpoint()).setCount(10)
                .setStatusCodes(Map.of("200", 10L)).setLatencySumMs(100).setLatencyMinMs(5).setLatencyMaxMs(20)
                .setTotalDurationSumMs(120).setLatencyBuckets(List.of(new LatencyBucket(10L, 10L))).build();
    }

    /**
     * An access-log line of one request, as the proxy simulator writes them (logger {@code access-log}, a request
     * line as message, a structured {@code access} entry with headers).
     */
    public static ProxyLog accessLog(String eventId, String tenantId) {
        return ProxyLog.newBuilder().setHeader(header(eventId, tenantId)).setTags(Map.of("env", "prod"))
                .setTimestamp(T0).setLevel("INFO").setLogger("access-log")
                .setMessage("GET reports.partner-data.io/v2/exports/{id} 200 585ms")
                .setAttributes(Map.of("provider", "reports.partner-data.io"))
                .setAccess(AccessLogEntry.newBuilder().setRequestId("req-" + eventId).setTimestamp(T0)
                        .setDurationMs(580).setTotalDurationMs(585).setMethod("GET")
                        .setUrl("https://reports.partner-data.io/v2/exports/42").setHost("reports.partner-data.io")
                        .setPath("/v2/exports/42").setStatusCode(200)
                        .setRequestHeaders(Map.of("Authorization", "Bearer canary-access-bearer"))
                        .build())
                .build();
    }

    /** One plain event of each kind. */
    static Map<EventKind, SpecificRecordBase> oneOfEach(String prefix, String tenantId) {
        Map<EventKind, SpecificRecordBase> events = new LinkedHashMap<>();
        events.put(EventKind.LOGS, log(prefix + "-log", tenantId));
        events.put(EventKind.RESOURCES, resources(prefix + "-res", tenantId));
        events.put(EventKind.HEARTBEATS, heartbeat(prefix + "-hb", tenantId));
        events.put(EventKind.POLICIES, policies(prefix + "-pol", tenantId, "global:\n  remedies: []\n"));
        events.put(EventKind.ENDPOINTS, endpoints(prefix + "-ep", tenantId));
        return events;
    }

    @SuppressWarnings("unchecked")
    public static byte[] encode(SpecificRecordBase record) {
        return AvroCodec.of((Class<SpecificRecordBase>) record.getClass()).encode(record);
    }

    // ---------------------------------------------------------------------------------------------------- canaries

    /**
     * Values that must never appear in an enriched topic, planted in every string position of every raw kind:
     * denylisted names (any value), secret-shaped values (anywhere), the dropped parts (access entries, headers,
     * URLs, consumer counts) and the API key the tenant is identified by.
     */
    static final List<String> CANARIES = List.of(
            "canary-header-value-1", "canary-cookie-2", "canary-set-cookie-3", "canary-request-id-4",
            "canary-access-url-5", "canary-proxy-error-6", "canary-consumer-tag-7", "canary-token-tag-8",
            "canary-secret-attr-9", "canary-password-env-10", "canary-endpoint-url-11", "canary-consumer-12",
            "canary-yaml-secret-13", "canary-yaml-nested-14", "canary-unparseable-15", "canary-authz-16",
            "canary-private-17", "canary-session-18", "canary-credential-19",
            "AKIACANARY0000000020", "sk_live_CANARY00000021", "ghp_CANARY0000000000000000022",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkyMyJ9.c2lnbmF0dXJlMjM", "canary.person24@example.com",
            "CanaryUser25", "CanaryPass26", "c0ffee0000000000000000000000000000000027", "canary-pwd-28",
            "Q2FuYXJ5QmFzZTY0U2VjcmV0Mjk9PT09PT09PT09PT09", API_KEY, "octocat-control-plane-30");

    /**
     * A log line with secrets where real proxies leak them. Its access-log twin, {@link #canaryAccessLog}, is dropped
     * whole (P1) and so never reaches the map step.
     */
    static ProxyLog canaryLog(String eventId) {
        return ProxyLog.newBuilder(canaryAccessLog(eventId)).setAccess(null).build();
    }

    /** As {@link #canaryLog}, with a structured access entry carrying headers, URL and consumer tag. */
    static ProxyLog canaryAccessLog(String eventId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("env", "prod");
        tags.put("api_key", API_KEY);
        tags.put("x-auth-token", "canary-token-tag-8");
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("remedy", "retry");
        attributes.put("client_secret", "canary-secret-attr-9");
        attributes.put("Authorization", "Bearer canary-authz-16");
        attributes.put("upstream", "https://CanaryUser25:CanaryPass26@db.internal/x");
        attributes.put("note", "key AKIACANARY0000000020 used");
        return ProxyLog.newBuilder().setHeader(header(eventId, null)).setTags(tags).setTimestamp(T0)
                .setLevel("WARN").setLogger("http-proxy")
                .setMessage("login by canary.person24@example.com with sk_live_CANARY00000021 and token "
                        + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkyMyJ9.c2lnbmF0dXJlMjM, password=canary-pwd-28,"
                        + " gh ghp_CANARY0000000000000000022 hex c0ffee0000000000000000000000000000000027 blob"
                        + " Q2FuYXJ5QmFzZTY0U2VjcmV0Mjk9PT09PT09PT09PT09 key " + API_KEY)
                .setAttributes(attributes)
                .setAccess(AccessLogEntry.newBuilder().setRequestId("canary-request-id-4").setTimestamp(T0)
                        .setDurationMs(1).setTotalDurationMs(2).setMethod("GET")
                        .setUrl("https://api.stripe.com/v1/x?q=canary-access-url-5").setHost("api.stripe.com")
                        .setPath("/v1/x").setStatusCode(200).setActiveRemedies(List.of("retry"))
                        .setProxyError("canary-proxy-error-6").setConsumerTag("canary-consumer-tag-7")
                        .setRequestHeaders(Map.of("Authorization", "canary-header-value-1", "Cookie", "canary-cookie-2"))
                        .setResponseHeaders(Map.of("Set-Cookie", "canary-set-cookie-3")).build())
                .build();
    }

    static Heartbeat canaryHeartbeat(String eventId) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TZ", "UTC");
        env.put("LUNAR_API_KEY", API_KEY);
        env.put("DB_PASSWORD", "canary-password-env-10");
        env.put("SSH_PRIVATE_KEY", "canary-private-17");
        env.put("SESSION_ID", "canary-session-18");
        env.put("GCP_CREDENTIALS", "canary-credential-19");
        env.put("DATABASE_URL", "postgres://CanaryUser25:CanaryPass26@db:5432/app");
        return Heartbeat.newBuilder().setHeader(header(eventId, null)).setTags(Map.of("lunar_api_key", API_KEY))
                .setStartedAt(T0).setUptimeSeconds(1).setRestarts(2).setUnexpectedRestarts(1)
                .setUnexpectedRestartReasons(List.of("OOM while token=canary-token-tag-8 loaded",
                        "crash sk_live_CANARY00000021"))
                .setEnvironment(env).build();
    }

    static final String CANARY_YAML = String.join("\n",
            "global:",
            "  api_key: canary-yaml-secret-13",
            "  upstream: https://CanaryUser25:CanaryPass26@vault/x",
            "endpoints:",
            "  - url: api.stripe.com/v1/customers",
            "    remedies:",
            "      - name: retry",
            "        config:",
            "          auth:",
            "            token: canary-yaml-nested-14",
            "          note: contact canary.person24@example.com",
            "");

    static PolicySnapshot canaryPolicies(String eventId) {
        return PolicySnapshot.newBuilder().setHeader(header(eventId, null)).setTags(Map.of("api_key", API_KEY))
                .setLoadedAt(T0)
                .setFiles(List.of(
                        ConfigFile.newBuilder().setFileName("policies.yaml").setFileType("policies")
                                .setContent(CANARY_YAML).build(),
                        ConfigFile.newBuilder().setFileName("broken.yaml").setFileType("flows")
                                .setContent("key: [unclosed canary-unparseable-15\n  - : :").build()))
                .setEnabledPolicies(List.of("rate-limit", "uses sk_live_CANARY00000021"))
                .setEnabledPlugins(List.of("retry")).setEndpointsWithPolicies(List.of(endpoint())).build();
    }

    static EndpointStats canaryEndpoints(String eventId) {
        return Samples.b(endpoints(eventId, null)).setTags(Map.of("x-lunar-api-key", API_KEY))
                .setUrl("https://api.stripe.com/v1/customers/canary-endpoint-url-11")
                .setConsumerCounts(Map.of("canary-consumer-12", 3L)).setInterceptorType("lunar-java").build();
    }

    static ResourceUsage canaryResources(String eventId) {
        return Samples.b(resources(eventId, null)).setTags(Map.of("API_KEY", API_KEY))
                .setProcesses(List.of(ProcessStats.newBuilder()
                        .setName("engine --password=canary-pwd-28 --key AKIACANARY0000000020").setCpuPercent(1)
                        .setMemoryBytes(1).setOpenFileDescriptors(1).setUptimeSeconds(1).setRunning(true).build()))
                .build();
    }

    /** One canary-laden raw event of each kind; none has a tenant id: each is identified by {@link #API_KEY}. */
    static Map<EventKind, SpecificRecordBase> canaries(String prefix) {
        Map<EventKind, SpecificRecordBase> events = new LinkedHashMap<>();
        events.put(EventKind.LOGS, canaryLog(prefix + "-log"));
        events.put(EventKind.RESOURCES, canaryResources(prefix + "-res"));
        events.put(EventKind.HEARTBEATS, canaryHeartbeat(prefix + "-hb"));
        events.put(EventKind.POLICIES, canaryPolicies(prefix + "-pol"));
        events.put(EventKind.ENDPOINTS, canaryEndpoints(prefix + "-ep"));
        return events;
    }

    /** A CONTROL_PLANE tenant identified by {@link #API_KEY}, whose metadata (wrongly) holds a GitHub user name. */
    static TenantMetadata canaryTenant() {
        return TenantMetadata.newBuilder().setId("canary-tenant").setName("Canary Inc.")
                .setPlan(TenantPlan.CONTROL_PLANE).setGithubUsername("octocat-control-plane-30")
                .setApiKeySha256(List.of(EnrichmentPipeline.sha256(API_KEY))).setUpdatedAt(T0).build();
    }
}
