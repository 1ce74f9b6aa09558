package dev.lunar.telemetry.bench;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
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
import dev.lunar.telemetry.processor.privacy.IndividualRequestRule;
import dev.lunar.telemetry.processor.privacy.LogLevel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Seeded, realistic raw telemetry for the benchmarks: all five kinds in a fixed mix, with the sizes real proxies send
 * (log lines of 400–800 bytes with attributes, heartbeats with ~20 environment variables, a few KB of
 * {@code policies.yaml}, endpoint counters with a 12-bucket latency histogram) and the secrets the processor must
 * remove (API keys in tags and environment variables, bearer tokens and passwords in messages and YAML). No
 * log line describes one request and none is below INFO: the processor drops those whole (P1, P4), and every stage
 * here counts on each record arriving. Most events name their tenant in the header; one in five identifies it only by the API key in its tags
 * or environment, as some deployments do, so the processor hashes keys too.
 *
 * <p>The same seed and count always give the same content; timestamps spread over the 10 minutes before generation,
 * so Datadog's age limits (18 h for logs, 1 h for points) drop nothing during a run.
 */
public final class BenchRecords {

    /** Share of each kind in the mix, in {@link EventKind} order: logs, resources, heartbeats, policies, endpoints. */
    static final double[] MIX = {0.55, 0.15, 0.07, 0.03, 0.20};

    private static final String[] LEVELS = {"INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "WARN", "WARN",
            "ERROR", "WARN"};
    private static final String[] LOGGERS = {"engine", "http-proxy", "log-shipper", "remedy.retry", "remedy.cache",
            "discovery"};
    private static final String[] PROVIDERS = {"api.stripe.com", "api.github.com", "api.openai.com",
            "api.twilio.com", "hooks.slack.com", "reports.partner-data.io", "api.sendgrid.com", "graph.microsoft.com"};
    private static final String[] PATHS = {"/v1/charges", "/v1/customers/{id}", "/repos/{owner}/{repo}/issues",
            "/v1/chat/completions", "/2010-04-01/Accounts/{sid}/Messages.json", "/services/{a}/{b}/{c}",
            "/v2/exports/{id}", "/v3/mail/send", "/v1.0/users/{id}/messages"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"};
    private static final String[] PROCESSES = {"engine", "http-proxy", "log-shipper", "lua-runner", "fluent-bit"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2"};
    private static final long[] BUCKET_BOUNDS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};

    /** One raw record, ready to produce: kind, key (proxy id), Avro single-object value, and its event id. */
    public record Raw(EventKind kind, byte[] key, byte[] value, String eventId) {}

    /**
     * A generated data set: tenants, records, and what should arrive for them: {@code expectedEnriched} records on the
     * enriched topics (fewer than the records when the processor drops some whole, P1/P4), of which
     * {@code datadogRecords} are of the kinds the Datadog forwarder reads (logs, resources, heartbeats, policies), and
     * the log entries and series points the Datadog intake should then receive.
     */
    public record DataSet(List<TenantMetadata> tenants, List<Raw> records, Map<EventKind, Integer> countByKind,
                      long totalValueBytes, long expectedLogEntries, long expectedSeriesPoints, long expectedEnriched,
                      long datadogRecords) {}

    private final SplittableRandom random;
    private final long now;
    private final List<Tenant> tenants = new ArrayList<>();
    private final List<Proxy> proxies = new ArrayList<>();
    private final String[] policyTexts;
    private final Map<EventKind, AvroCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventKind.class);

    private record Tenant(TenantMetadata metadata, String apiKey) {}

    private record Proxy(String id, byte[] key, Tenant tenant, String version, String region, Map<String, String> tags,
                         Map<String, String> tagsWithKey) {}

    private BenchRecords(long seed, long now) {
        this.random = new SplittableRandom(seed);
        this.now = now;
        for (EventKind kind : EventKind.values()) {
            codecs.put(kind, codec(kind.rawType()));
        }
        TenantPlan[] plans = TenantPlan.values();
        for (int t = 0; t < 40; t++) {
            String apiKey = "lk_live_" + token(32);
            TenantPlan plan = plans[t % plans.length];
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("team", "team-" + (t % 7));
            tags.put("region", REGIONS[t % REGIONS.length]);
            tags.put("tier", t % 5 == 0 ? "enterprise" : "standard");
            // A few tenants add their own denylist patterns: the processor then compiles and caches plans for them.
            List<String> denylist = t % 10 == 3 ? List.of("**.customer_id", "**.*iban*") : List.of();
            TenantMetadata metadata = TenantMetadata.newBuilder()
                    .setId(String.format("tenant-%02d", t))
                    .setName("Tenant " + t + " Ltd")
                    .setPlan(plan)
                    .setGithubUsername(plan == TenantPlan.SANDBOX ? "octo-user-" + t : null)
                    .setTags(tags)
                    .setDenylist(denylist)
                    .setApiKeySha256(List.of(sha256(apiKey)))
                    .setDatadog(null)
                    .setUpdatedAt(Instant.ofEpochMilli(now - 86_400_000L))
                    .build();
            tenants.add(new Tenant(metadata, apiKey));
        }
        for (int p = 0; p < 400; p++) {
            Tenant tenant = tenants.get(p % tenants.size());
            String id = "proxy-" + tenant.metadata().getId().substring(7) + "-" + String.format("%03d", p);
            String region = REGIONS[random.nextInt(REGIONS.length)];
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("env", random.nextInt(4) == 0 ? "staging" : "production");
            tags.put("cluster", "k8s-" + region + "-" + random.nextInt(1, 4));
            tags.put("namespace", "egress");
            tags.put("deployment", "lunar-proxy");
            Map<String, String> withKey = new LinkedHashMap<>(tags);
            withKey.put("api_key", tenant.apiKey());
            proxies.add(new Proxy(id, id.getBytes(StandardCharsets.UTF_8), tenant,
                    "1." + random.nextInt(2, 6) + "." + random.nextInt(0, 12), region, Map.copyOf(tags),
                    Map.copyOf(withKey)));
        }
        policyTexts = new String[16];
        for (int i = 0; i < policyTexts.length; i++) {
            policyTexts[i] = policiesYaml(i);
        }
    }

    /** {@code count} records of all kinds in the {@link #MIX}, from {@code seed}, timestamps around now. */
    public static DataSet generate(int count, long seed) {
        return new BenchRecords(seed, System.currentTimeMillis()).generate(count);
    }

    /**
     * The first {@code size} records of {@code data} whose kind is {@code kind} ({@code ALL}: any kind), for the JMH
     * benchmarks' {@code kind} parameter.
     *
     * @throws IllegalStateException when there are fewer, naming the kind
     */
    public static List<Raw> sample(DataSet data, String kind, int size) {
        return sample(data, kind, 0, size);
    }

    /** {@link #sample(DataSet, String, int)} of the records from index {@code from} on. */
    public static List<Raw> sample(DataSet data, String kind, int from, int size) {
        List<Raw> sample = data.records().stream().skip(from)
                .filter(raw -> kind.equals("ALL") || raw.kind().name().equals(kind)).limit(size).toList();
        if (sample.size() < size) {
            throw new IllegalStateException("only " + sample.size() + " records of kind " + kind
                    + "; use ALL or an EventKind");
        }
        return sample;
    }

    private DataSet generate(int count) {
        List<Raw> records = new ArrayList<>(count);
        Map<EventKind, Integer> counts = new EnumMap<>(EventKind.class);
        long bytes = 0;
        long logEntries = 0;
        long points = 0;
        EventKind[] kinds = EventKind.values();
        for (int i = 0; i < count; i++) {
            EventKind kind = pickKind(kinds);
            Proxy proxy = proxies.get(random.nextInt(proxies.size()));
            boolean byKey = random.nextInt(5) == 0;
            long at = now - (count - i) * 600_000L / count; // a steady stream over the last 10 minutes
            String eventId = new UUID(random.nextLong(), random.nextLong()).toString();
            EventHeader header = EventHeader.newBuilder()
                    .setEventId(eventId)
                    .setTenantId(byKey ? null : proxy.tenant().metadata().getId())
                    .setProxyId(proxy.id())
                    .setProxyVersion(proxy.version())
                    .setProducedAt(Instant.ofEpochMilli(at))
                    .build();
            Map<String, String> tags = byKey ? proxy.tagsWithKey() : proxy.tags();
            SpecificRecordBase record;
            switch (kind) {
                case LOGS -> {
                    ProxyLog line = log(header, tags, at);
                    // The stages count on every record arriving; the processor drops these whole (P1, P4).
                    if (IndividualRequestRule.describesOneRequest(line) || !LogLevel.ofLine(line.getLevel())
                            .atLeast(LogLevel.INFO)) {
                        throw new IllegalStateException("generated a log line the processor drops: " + line);
                    }
                    record = line;
                    logEntries++;
                }
                case RESOURCES -> {
                    ResourceUsage usage = resources(header, tags, at);
                    record = usage;
                    points += 4 + 2L * usage.getProcesses().size();
                }
                case HEARTBEATS -> {
                    record = heartbeat(header, tags, proxy, at, byKey);
                    logEntries++;
                    points += 3;
                }
                case POLICIES -> {
                    record = policies(header, tags, at);
                    logEntries++;
                }
                case ENDPOINTS -> record = endpoints(header, tags, at);
                default -> throw new IllegalStateException("unknown kind " + kind);
            }
            byte[] value = codecs.get(kind).encode(record);
            bytes += value.length;
            counts.merge(kind, 1, Integer::sum);
            records.add(new Raw(kind, proxy.key(), value, eventId));
        }
        return new DataSet(tenants.stream().map(Tenant::metadata).toList(), List.copyOf(records), Map.copyOf(counts),
                bytes, logEntries, points, records.size(), records.size() - counts.getOrDefault(EventKind.ENDPOINTS, 0));
    }

    private EventKind pickKind(EventKind[] kinds) {
        double r = random.nextDouble();
        double acc = 0;
        for (int k = 0; k < kinds.length; k++) {
            acc += MIX[k];
            if (r < acc) {
                return kinds[k];
            }
        }
        return kinds[kinds.length - 1];
    }

    // ------------------------------------------------------------------------------------------------ kinds

    private ProxyLog log(EventHeader header, Map<String, String> tags, long at) {
        String provider = pick(PROVIDERS);
        String path = pick(PATHS);
        String method = pick(METHODS);
        int status = status();
        long duration = latency();
        String requestId = token(20);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("request_id", requestId);
        attributes.put("provider", provider);
        attributes.put("method", method);
        attributes.put("path_template", path);
        attributes.put("status_code", Integer.toString(status));
        attributes.put("duration_ms", Long.toString(duration));
        attributes.put("consumer_tag", "svc-" + pick(new String[] {"billing", "search", "notifier", "reports"}));
        attributes.put("remedy", random.nextBoolean() ? "retry-on-5xx" : "cache");
        int secret = random.nextInt(100);
        if (secret < 3) {
            attributes.put("x-api-key", "sk_live_" + token(24)); // denylisted by name
        } else if (secret < 5) {
            attributes.put("session_id", token(32)); // denylisted by name
        }
        String message = switch (random.nextInt(6)) {
            case 0 -> String.format("remedy %s applied to %s %s%s: upstream answered %d after %d ms (cache %s,"
                    + " attempt %d of 3)", attributes.get("remedy"), method, provider, path, status, duration,
                    random.nextBoolean() ? "hit" : "miss", random.nextInt(1, 4));
            case 1 -> String.format("upstream %s answered %d after %d ms; retrying with exponential backoff, next"
                    + " attempt in %d ms, request %s from consumer %s", provider, status, duration,
                    random.nextInt(100, 2000), requestId, attributes.get("consumer_tag"));
            case 2 -> String.format("rate limit for %s at %d%% of quota (%d of %d requests in the current 60 s"
                    + " window); throttling consumer %s", provider, random.nextInt(50, 100), random.nextInt(100, 1000),
                    1000, attributes.get("consumer_tag"));
            case 3 -> secret < 12
                    ? String.format("request to %s%s failed: provider rejected Authorization: Bearer %s (401); check"
                    + " account rotation for %s", provider, path, token(40), attributes.get("consumer_tag"))
                    : String.format("request to %s%s failed: connection reset by peer after %d ms; circuit breaker"
                    + " half-open, %d failures in the last minute", provider, path, duration, random.nextInt(1, 20));
            case 4 -> String.format("flow %s loaded for %s: %d processors, %d filters, hot reload took %d ms",
                    "flow-" + random.nextInt(1, 40), provider, random.nextInt(2, 9), random.nextInt(1, 5),
                    random.nextInt(5, 200));
            default -> secret < 20
                    ? String.format("login callback for user %s@example.org returned password=%s; rejecting",
                    "user" + random.nextInt(1000), token(12))
                    : String.format("discovered endpoint %s %s%s with %d calls in the last window, p95 %d ms",
                    method, provider, path, random.nextInt(1, 5000), duration * 2);
        };
        return ProxyLog.newBuilder()
                .setHeader(header)
                .setTags(tags)
                .setTimestamp(Instant.ofEpochMilli(at))
                .setLevel(status >= 500 ? "ERROR" : pick(LEVELS))
                .setLogger(pick(LOGGERS))
                .setMessage(message)
                .setAttributes(attributes)
                .setAccess(null)
                .build();
    }

    private ResourceUsage resources(EventHeader header, Map<String, String> tags, long at) {
        int processCount = random.nextInt(3, 6);
        List<ProcessStats> processes = new ArrayList<>(processCount);
        for (int i = 0; i < processCount; i++) {
            processes.add(ProcessStats.newBuilder()
                    .setName(PROCESSES[i])
                    .setCpuPercent(random.nextDouble() * 80)
                    .setMemoryBytes(random.nextLong(20_000_000L, 900_000_000L))
                    .setOpenFileDescriptors(random.nextInt(20, 4000))
                    .setUptimeSeconds(random.nextLong(60, 3_000_000))
                    .setRunning(random.nextInt(50) != 0)
                    .build());
        }
        long memoryTotal = 8L << 30;
        return ResourceUsage.newBuilder()
                .setHeader(header)
                .setTags(tags)
                .setSampledAt(Instant.ofEpochMilli(at))
                .setIntervalMillis(10_000)
                .setHost(HostStats.newBuilder()
                        .setCpuPercent(random.nextDouble() * 100)
                        .setMemoryUsedBytes(random.nextLong(1L << 30, memoryTotal))
                        .setMemoryTotalBytes(memoryTotal)
                        .setDiskWriteBytes(random.nextLong(0, 50_000_000))
                        .setDiskUsedBytes(random.nextLong(1L << 30, 40L << 30))
                        .setDiskTotalBytes(50L << 30)
                        .build())
                .setProcesses(processes)
                .build();
    }

    private Heartbeat heartbeat(EventHeader header, Map<String, String> tags, Proxy proxy, long at, boolean byKey) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", "/home/lunar");
        env.put("HOSTNAME", proxy.id() + "-" + token(5).toLowerCase());
        env.put("LUNAR_VERSION", proxy.version());
        env.put("LUNAR_PROXY_HOST", "0.0.0.0");
        env.put("LUNAR_PROXY_PORT", "8000");
        env.put("LUNAR_HEALTHCHECK_PORT", "8040");
        env.put("LUNAR_ENGINE_FAILSAFE_ENABLED", "true");
        env.put("TENANT_NAME", proxy.tenant().metadata().getName());
        env.put("ENV", tags.getOrDefault("env", "production"));
        env.put("LOG_LEVEL", "info");
        env.put("LUNAR_HUB_URL", "hub.lunar.dev");
        env.put("REDIS_URL", random.nextInt(4) == 0 ? "redis://default:" + token(16) + "@redis.internal:6379/0"
                : "redis://redis.internal:6379/0");
        env.put("HTTP_PROXY", "");
        env.put("NO_PROXY", "localhost,127.0.0.1,.svc.cluster.local");
        env.put("TZ", "UTC");
        env.put("LANG", "C.UTF-8");
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        env.put("KUBERNETES_SERVICE_PORT", "443");
        env.put("AWS_REGION", proxy.region());
        if (byKey || random.nextBoolean()) {
            env.put("LUNAR_API_KEY", proxy.tenant().apiKey());
        }
        if (random.nextInt(3) == 0) {
            env.put("AWS_SECRET_ACCESS_KEY", token(40));
        }
        int unexpected = random.nextInt(10) == 0 ? random.nextInt(1, 3) : 0;
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < unexpected; i++) {
            reasons.add(random.nextBoolean() ? "OOMKilled: container memory limit 512Mi exceeded"
                    : "liveness probe failed: GET http://127.0.0.1:8040/healthcheck timed out after 5s");
        }
        long uptime = random.nextLong(60, 2_000_000);
        return Heartbeat.newBuilder()
                .setHeader(header)
                .setTags(tags)
                .setStartedAt(Instant.ofEpochMilli(at - uptime * 1000))
                .setUptimeSeconds(uptime)
                .setRestarts(random.nextInt(0, 30))
                .setUnexpectedRestarts(unexpected)
                .setUnexpectedRestartReasons(reasons)
                .setEnvironment(env)
                .build();
    }

    private PolicySnapshot policies(EventHeader header, Map<String, String> tags, long at) {
        List<EndpointRef> endpoints = new ArrayList<>();
        int n = random.nextInt(4, 9);
        for (int i = 0; i < n; i++) {
            endpoints.add(EndpointRef.newBuilder().setMethod(pick(METHODS)).setHost(pick(PROVIDERS))
                    .setPathTemplate(pick(PATHS)).build());
        }
        return PolicySnapshot.newBuilder()
                .setHeader(header)
                .setTags(tags)
                .setLoadedAt(Instant.ofEpochMilli(at))
                .setFiles(List.of(
                        ConfigFile.newBuilder().setFileName("policies.yaml").setFileType("policies")
                                .setContent(policyTexts[random.nextInt(policyTexts.length)]).build(),
                        ConfigFile.newBuilder().setFileName("gateway_config.yaml").setFileType("gateway_config")
                                .setContent(GATEWAY_CONFIG).build()))
                .setEnabledPolicies(List.of("Global rate limit", "Retry on 5xx", "Cache issues", "Partner basic auth",
                        "Account orchestration", "Concurrency limit"))
                .setEnabledPlugins(List.of("har-exporter", "datadog-exporter", "prometheus-metrics"))
                .setEndpointsWithPolicies(endpoints)
                .build();
    }

    private EndpointStats endpoints(EventHeader header, Map<String, String> tags, long at) {
        String provider = pick(PROVIDERS);
        String path = pick(PATHS);
        long count = random.nextLong(1, 5000);
        Map<String, Long> statusCodes = new LinkedHashMap<>();
        long left = count;
        int[] codes = {200, 201, 204, 400, 404, 429, 500, 503};
        int used = random.nextInt(2, 6);
        for (int i = 0; i < used && left > 0; i++) {
            long c = i == used - 1 ? left : random.nextLong(0, left + 1);
            statusCodes.put(Integer.toString(codes[i]), c);
            left -= c;
        }
        List<LatencyBucket> buckets = new ArrayList<>(BUCKET_BOUNDS.length);
        long inBuckets = 0;
        for (long bound : BUCKET_BOUNDS) {
            long c = random.nextLong(0, Math.max(1, count / 6));
            buckets.add(LatencyBucket.newBuilder().setUpperBoundMs(bound).setCount(c).build());
            inBuckets += c;
        }
        Map<String, Long> consumers = new LinkedHashMap<>();
        consumers.put("svc-billing", random.nextLong(0, count + 1));
        consumers.put("svc-search", random.nextLong(0, count + 1));
        consumers.put("svc-notifier", random.nextLong(0, count + 1));
        long min = random.nextLong(1, 50);
        return EndpointStats.newBuilder()
                .setHeader(header)
                .setTags(tags)
                .setWindowStart(Instant.ofEpochMilli(at - 60_000))
                .setWindowEnd(Instant.ofEpochMilli(at))
                .setEndpoint(EndpointRef.newBuilder().setMethod(pick(METHODS)).setHost(provider)
                        .setPathTemplate(path).build())
                .setUrl(random.nextInt(10) == 0 ? "https://" + provider + path + "?api_key=" + token(24) : null)
                .setCount(count)
                .setStatusCodes(statusCodes)
                .setLatencySumMs(count * random.nextLong(20, 400))
                .setLatencyMinMs(min)
                .setLatencyMaxMs(min + random.nextLong(100, 30_000))
                .setTotalDurationSumMs(count * random.nextLong(25, 420))
                .setLatencyBuckets(buckets)
                .setLatencyOverflowCount(Math.max(0, count - inBuckets) / 100)
                .setConsumerCounts(consumers)
                .setInterceptorType("lunar-interceptor-python")
                .setInterceptorVersion("2.1." + random.nextInt(0, 9))
                .setLastTransactionAt(Instant.ofEpochMilli(at - random.nextInt(0, 60_000)))
                .build();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static final String GATEWAY_CONFIG = """
            # gateway_config.yaml
            port: 8000
            healthcheck_port: 8040
            log_level: info
            discovery:
              enabled: true
              flush_interval_seconds: 10
            """;

    private String policiesYaml(int variant) {
        StringBuilder yaml = new StringBuilder(4096);
        yaml.append("# policies.yaml, variant ").append(variant).append('\n');
        yaml.append("""
                global:
                  remedies:
                    - name: Global rate limit
                      enabled: true
                      config:
                        strategy_based_throttling:
                          allowed_request_count: 100
                          time_window: 1
                          time_window_unit: second
                          group_quota_allocation:
                            groups:
                              - group_header_value: production
                                allocation_percentage: 80
                              - group_header_value: staging
                                allocation_percentage: 20
                endpoints:
                """);
        int endpoints = 6 + variant % 4;
        for (int i = 0; i < endpoints; i++) {
            yaml.append("  - url: ").append(PROVIDERS[(variant + i) % PROVIDERS.length])
                    .append(PATHS[(variant * 3 + i) % PATHS.length]).append('\n')
                    .append("    method: ").append(METHODS[i % METHODS.length]).append('\n')
                    .append("    remedies:\n")
                    .append("      - name: Retry on 5xx\n        enabled: true\n        config:\n")
                    .append("          retry:\n            attempts: ").append(1 + i % 4)
                    .append("\n            initial_cooldown_seconds: 1\n            cooldown_multiplier: 2\n")
                    .append("            conditions:\n              status_code:\n                - from: 500\n")
                    .append("                  to: 599\n");
            if (i % 3 == 0) {
                yaml.append("      - name: Cache ").append(i).append("\n        enabled: true\n        config:\n")
                        .append("          caching:\n            ttl_seconds: ").append(30 + i * 10)
                        .append("\n            max_bytes: 10485760\n            request_keys: path_params.id\n");
            }
        }
        yaml.append("""
                accounts:
                  github-bot:
                    tokens:
                      - header:
                          name: Authorization
                          value: "Bearer %s"
                  partner:
                    basic_auth:
                      username: svc-reports
                      password: "%s"
                exporters:
                  datadog:
                    site: datadoghq.eu
                    api_key: "%s"
                  s3:
                    bucket_name: lunar-har-%d
                    region: eu-west-1
                    aws_access_key_id: "AKIA%s"
                    aws_secret_access_key: "%s"
                  prometheus:
                    port: 9090
                    path: /metrics
                """.formatted(token(40), token(16), token(32), variant, token(16).toUpperCase(), token(40)));
        return yaml.toString();
    }

    private static final char[] ALPHANUMERIC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private String token(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
        }
        return new String(chars);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private int status() {
        int r = random.nextInt(100);
        return r < 80 ? 200 : r < 88 ? 201 : r < 93 ? 404 : r < 96 ? 429 : r < 99 ? 500 : 503;
    }

    private long latency() {
        return Math.round(Math.exp(3 + random.nextDouble() * 4)); // 20 ms .. 1 s, long-tailed
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @SuppressWarnings("unchecked")
    public static AvroCodec<SpecificRecordBase> codec(Class<? extends SpecificRecordBase> type) {
        return AvroCodec.of((Class<SpecificRecordBase>) type);
    }

    /** The event id of an Avro single-object encoded raw or enriched event (the header's first field), no decoding. */
    public static String eventIdOf(byte[] value) {
        int pos = 10; // marker (2) + fingerprint (8); the header record is the first field, eventId its first
        long raw = 0;
        int shift = 0;
        while (true) {
            int b = value[pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        int length = (int) ((raw >>> 1) ^ -(raw & 1)); // zig-zag
        return new String(value, pos, length, StandardCharsets.UTF_8);
    }
}
