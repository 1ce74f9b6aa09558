package dev.lunar.telemetry.proxysim;

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
import dev.lunar.telemetry.proxysim.Fleet.Proxy;
import dev.lunar.telemetry.proxysim.Fleet.Secrets;
import dev.lunar.telemetry.proxysim.Fleet.Tenant;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The endless, deterministic event sequence of a fleet: proxies take turns (round-robin); each proxy first sends its
 * start-up burst — heartbeat, configuration load, resource sample, an access log with headers, four log lines with
 * secrets, endpoint counters with a password in the URL, a plain log line — which plants every canary of its tenant,
 * then a steady mix of about 50% logs (40% of them access logs), 25% endpoint counters, 12% resource samples, 8%
 * heartbeats and 5% configuration loads, with secrets recurring now and then.
 *
 * <p>Same fleet, seed and clock readings → equal events, ids included. Not thread-safe.
 */
final class FleetTraffic implements Iterator<SpecificRecordBase> {

    /** Events of each proxy's start-up burst. */
    static final int BURST_LENGTH = 10;
    /** Length of an endpoint-counter window. */
    static final long WINDOW_MILLIS = 60_000;
    /** Upper bounds (ms) of the latency histogram buckets; slower calls count as overflow. */
    static final long[] BUCKET_BOUNDS_MS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};

    /** A provider endpoint with its typical latency and error rate. */
    record Api(String method, String host, String pathTemplate, int medianLatencyMs, double errorRate) {
        EndpointRef ref() {
            return EndpointRef.newBuilder().setMethod(method).setHost(host).setPathTemplate(pathTemplate).build();
        }
    }

    static final List<Api> APIS = List.of(
            new Api("POST", "api.stripe.com", "/v1/charges", 180, 0.02),
            new Api("GET", "api.stripe.com", "/v1/customers/{id}", 90, 0.01),
            new Api("GET", "api.github.com", "/repos/{owner}/{repo}/issues", 120, 0.03),
            new Api("POST", "api.openai.com", "/v1/chat/completions", 1400, 0.05),
            new Api("POST", "api.twilio.com", "/2010-04-01/Accounts/{sid}/Messages.json", 250, 0.02),
            new Api("POST", "api.sendgrid.com", "/v3/mail/send", 140, 0.01),
            new Api("GET", "maps.googleapis.com", "/maps/api/geocode/json", 70, 0.01),
            new Api("GET", "reports.partner-data.io", "/v2/exports/{id}", 600, 0.04));
    /** The API whose URLs carry a basic-auth password. */
    static final Api PARTNER = APIS.get(APIS.size() - 1);

    private static final int[] ERROR_STATUSES = {429, 500, 502, 503, 504, 401, 404};
    private static final String[] BENIGN_USER_AGENTS = {"python-requests/2.32.3", "okhttp/4.12.0", "node-fetch/3.3.2"};

    private final Fleet fleet;
    private final Clock clock;
    private final SplittableRandom rnd;
    private final int[] burstStep;
    private final double[] cpu;
    private long sequence;

    FleetTraffic(Fleet fleet, long seed, Clock clock) {
        this.fleet = fleet;
        this.clock = clock;
        this.rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        this.burstStep = new int[fleet.proxies().size()];
        this.cpu = new double[fleet.proxies().size()];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = 5 + rnd.nextDouble() * 40;
        }
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public SpecificRecordBase next() {
        Proxy proxy = fleet.proxies().get((int) (sequence++ % fleet.proxies().size()));
        Instant now = Instant.ofEpochMilli(clock.millis());
        int step = burstStep[proxy.index()];
        if (step < BURST_LENGTH) {
            burstStep[proxy.index()] = step + 1;
            return burst(proxy, step, now);
        }
        return steady(proxy, now);
    }

    private SpecificRecordBase burst(Proxy proxy, int step, Instant now) {
        return switch (step) {
            case 0 -> heartbeat(proxy, now);
            case 1 -> policySnapshot(proxy, now);
            case 2 -> resourceUsage(proxy, now);
            case 3 -> accessLog(proxy, now, true, true);
            case 4, 5, 6, 7 -> secretLog(proxy, now, step - 4);
            case 8 -> endpointStats(proxy, now, true);
            default -> plainLog(proxy, now);
        };
    }

    private SpecificRecordBase steady(Proxy proxy, Instant now) {
        double kind = rnd.nextDouble();
        if (kind < 0.50) {
            double which = rnd.nextDouble();
            if (which < 0.40) {
                return accessLog(proxy, now, rnd.nextDouble() < 0.5, rnd.nextDouble() < 0.05);
            }
            return which < 0.46 ? secretLog(proxy, now, rnd.nextInt(4)) : plainLog(proxy, now);
        } else if (kind < 0.75) {
            return endpointStats(proxy, now, rnd.nextDouble() < 0.10);
        } else if (kind < 0.87) {
            return resourceUsage(proxy, now);
        } else if (kind < 0.95) {
            return heartbeat(proxy, now);
        }
        return policySnapshot(proxy, now);
    }

    private EventHeader header(Proxy proxy, Instant now) {
        return proxy.identity().header(uuid(), now);
    }

    private Heartbeat heartbeat(Proxy proxy, Instant now) {
        return Heartbeat.newBuilder()
                .setHeader(header(proxy, now))
                .setTags(proxy.identity().eventTags())
                .setStartedAt(proxy.startedAt())
                .setUptimeSeconds(Math.max(0, (now.toEpochMilli() - proxy.startedAt().toEpochMilli()) / 1000))
                .setRestarts(proxy.restarts())
                .setUnexpectedRestarts(proxy.unexpectedRestarts())
                .setUnexpectedRestartReasons(new ArrayList<>(proxy.restartReasons()))
                .setEnvironment(new LinkedHashMap<>(proxy.environment()))
                .build();
    }

    private PolicySnapshot policySnapshot(Proxy proxy, Instant now) {
        return PolicySnapshot.newBuilder()
                .setHeader(header(proxy, now))
                .setTags(proxy.identity().eventTags())
                .setLoadedAt(now)
                .setFiles(List.of(
                        ConfigFile.newBuilder().setFileName("policies.yaml").setFileType("policies")
                                .setContent(proxy.tenant().policiesYaml()).build(),
                        ConfigFile.newBuilder().setFileName("gateway_config.yaml").setFileType("gateway_config")
                                .setContent(PoliciesYaml.GATEWAY_CONFIG).build()))
                .setEnabledPolicies(PoliciesYaml.ENABLED_POLICIES)
                .setEnabledPlugins(PoliciesYaml.ENABLED_PLUGINS)
                .setEndpointsWithPolicies(PoliciesYaml.ENDPOINTS_WITH_POLICIES)
                .build();
    }

    private ResourceUsage resourceUsage(Proxy proxy, Instant now) {
        int i = proxy.index();
        cpu[i] = Math.max(1, Math.min(98, cpu[i] + rnd.nextGaussian() * 4));
        long memoryUsed = (long) (proxy.memoryTotalBytes() * (0.25 + rnd.nextDouble() * 0.5));
        long diskUsed = (long) (proxy.diskTotalBytes() * (0.2 + rnd.nextDouble() * 0.4));
        long uptime = Math.max(0, (now.toEpochMilli() - proxy.startedAt().toEpochMilli()) / 1000);
        List<ProcessStats> processes = List.of(
                process("engine", cpu[i] * 0.6, 150L << 20, 40, uptime, true),
                process("http-proxy", cpu[i] * 0.3, 80L << 20, 200, uptime, true),
                process("log-shipper", cpu[i] * 0.1, 40L << 20, 12, uptime, rnd.nextDouble() > 0.01));
        return ResourceUsage.newBuilder()
                .setHeader(header(proxy, now))
                .setTags(proxy.identity().eventTags())
                .setSampledAt(now)
                .setIntervalMillis(10_000)
                .setHost(HostStats.newBuilder()
                        .setCpuPercent(round1(cpu[i]))
                        .setMemoryUsedBytes(memoryUsed)
                        .setMemoryTotalBytes(proxy.memoryTotalBytes())
                        .setDiskWriteBytes((1L << 20) + rnd.nextInt(50 << 20))
                        .setDiskUsedBytes(diskUsed)
                        .setDiskTotalBytes(proxy.diskTotalBytes())
                        .build())
                .setProcesses(processes)
                .build();
    }

    private ProcessStats process(String name, double cpuPercent, long baseMemory, int baseFds, long uptime,
            boolean running) {
        return ProcessStats.newBuilder()
                .setName(name)
                .setCpuPercent(running ? round1(cpuPercent) : 0)
                .setMemoryBytes(running ? baseMemory + rnd.nextInt(100 << 20) : 0)
                .setOpenFileDescriptors(running ? baseFds + rnd.nextInt(baseFds) : 0)
                .setUptimeSeconds(running ? uptime : 0)
                .setRunning(running)
                .build();
    }

    private ProxyLog accessLog(Proxy proxy, Instant now, boolean withHeaders, boolean passwordInUrl) {
        Tenant tenant = proxy.tenant();
        Secrets s = tenant.secrets();
        Api api = passwordInUrl ? PARTNER : APIS.get(rnd.nextInt(APIS.size()));
        String path = concretePath(api);
        String url = passwordInUrl
                ? "https://svc-reports:" + s.urlPassword() + "@" + api.host() + path
                : "https://" + api.host() + path;
        long latency = latency(api);
        long total = latency + 1 + rnd.nextInt(4);
        int status = status(api);
        String consumer = tenant.consumers().get(rnd.nextInt(tenant.consumers().size()));
        Map<String, String> requestHeaders = new LinkedHashMap<>();
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        if (withHeaders) {
            requestHeaders.put("Authorization", "Bearer " + s.authorizationToken());
            requestHeaders.put("Cookie", "session=" + s.sessionCookie() + "; _ga=GA1.2." + (100_000 + rnd.nextInt(900_000)));
            requestHeaders.put("User-Agent", BENIGN_USER_AGENTS[rnd.nextInt(BENIGN_USER_AGENTS.length)]);
            requestHeaders.put("Accept", "application/json");
            requestHeaders.put("x-lunar-consumer-tag", consumer);
            responseHeaders.put("Content-Type", "application/json");
            responseHeaders.put("Set-Cookie", "session=" + s.sessionCookie() + "; Path=/; HttpOnly; Secure");
            responseHeaders.put("x-ratelimit-remaining", Integer.toString(rnd.nextInt(5000)));
        }
        List<String> remedies = status == 429 || status >= 500 ? List.of("Retry on 5xx") : List.of();
        String proxyError = status == 503 && rnd.nextBoolean()
                ? "upstream connect error or disconnect/reset before headers" : null;
        AccessLogEntry access = AccessLogEntry.newBuilder()
                .setRequestId(uuid())
                .setTimestamp(now.minusMillis(total))
                .setDurationMs(latency)
                .setTotalDurationMs(total)
                .setMethod(api.method())
                .setUrl(url)
                .setHost(api.host())
                .setPath(path)
                .setStatusCode(status)
                .setActiveRemedies(remedies)
                .setInterceptor(proxy.interceptor() + "/" + proxy.interceptorVersion())
                .setConsumerTag(consumer)
                .setProxyError(proxyError)
                .setRequestHeaders(requestHeaders)
                .setResponseHeaders(responseHeaders)
                .build();
        return ProxyLog.newBuilder()
                .setHeader(header(proxy, now))
                .setTags(proxy.identity().eventTags())
                .setTimestamp(now)
                .setLevel(status >= 500 ? "WARN" : "INFO")
                .setLogger("access-log")
                .setMessage(api.method() + " " + api.host() + api.pathTemplate() + " " + status + " " + total + "ms")
                .setAttributes(new LinkedHashMap<>(Map.of("provider", api.host())))
                .setAccess(access)
                .build();
    }

    /** Log lines that leak secrets the way real proxies' logs do. */
    private ProxyLog secretLog(Proxy proxy, Instant now, int variant) {
        Tenant tenant = proxy.tenant();
        Secrets s = tenant.secrets();
        Map<String, String> attributes = new LinkedHashMap<>();
        String level;
        String logger;
        String message;
        switch (variant) {
            case 0 -> {
                level = "WARN";
                logger = "http-proxy";
                message = "Upstream api.stripe.com answered 401 for key " + s.stripeKey()
                        + "; retrying with Authorization: Bearer " + s.bearerToken();
                attributes.put("provider", "api.stripe.com");
                attributes.put("attempt", "2");
            }
            case 1 -> {
                level = "INFO";
                logger = "exporter";
                message = "Uploading HAR batch with access key " + s.awsAccessKeyId() + " to https://svc-reports:"
                        + s.urlPassword() + "@" + PARTNER.host() + "/v2/exports";
                attributes.put("exporter", "s3");
                attributes.put("bucket", tenant.slug() + "-lunar-har");
            }
            case 2 -> {
                level = "ERROR";
                logger = "engine";
                message = "Quota of api.openai.com exhausted for " + tenant.name() + "; notified " + s.email();
                attributes.put("user.email", s.email());
                attributes.put("quota", "api.openai.com");
            }
            default -> {
                level = "DEBUG";
                logger = "hub-client";
                message = "Hub session refreshed with " + s.jwt();
                attributes.put("auth", s.jwt());
                attributes.put("gh_pat", s.githubToken());
                attributes.put("hub", "hub.lunar.dev");
            }
        }
        return ProxyLog.newBuilder()
                .setHeader(header(proxy, now))
                .setTags(proxy.identity().eventTags())
                .setTimestamp(now)
                .setLevel(level)
                .setLogger(logger)
                .setMessage(message)
                .setAttributes(attributes)
                .setAccess(null)
                .build();
    }

    private ProxyLog plainLog(Proxy proxy, Instant now) {
        Api api = APIS.get(rnd.nextInt(APIS.size()));
        String level;
        String logger;
        String message;
        switch (rnd.nextInt(7)) {
            case 0 -> {
                level = "INFO";
                logger = "engine";
                message = "Loaded " + PoliciesYaml.ENABLED_POLICIES.size() + " policies from /etc/lunar-proxy/policies.yaml";
            }
            case 1 -> {
                level = "INFO";
                logger = "engine";
                message = "Remedy Global rate limit throttled " + (1 + rnd.nextInt(40)) + " requests to " + api.host();
            }
            case 2 -> {
                level = "WARN";
                logger = "http-proxy";
                message = "Upstream " + api.host() + " responded 503, retry " + (1 + rnd.nextInt(3)) + "/3";
            }
            case 3 -> {
                level = "INFO";
                logger = "http-proxy";
                message = "Connection pool to " + api.host() + " resized to " + (8 << rnd.nextInt(4));
            }
            case 4 -> {
                level = "DEBUG";
                logger = "log-shipper";
                message = "Shipped " + (10 + rnd.nextInt(500)) + " log lines in " + (2 + rnd.nextInt(60)) + " ms";
            }
            case 5 -> {
                level = "INFO";
                logger = "engine";
                message = "Health check ok";
            }
            default -> {
                level = "ERROR";
                logger = "http-proxy";
                message = "Upstream " + api.host() + " timed out after " + (5000 + rnd.nextInt(25_000)) + " ms";
            }
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("provider", api.host());
        return ProxyLog.newBuilder()
                .setHeader(header(proxy, now))
                .setTags(proxy.identity().eventTags())
                .setTimestamp(now)
                .setLevel(level)
                .setLogger(logger)
                .setMessage(message)
                .setAttributes(attributes)
                .setAccess(null)
                .build();
    }

    /**
     * Counters of one endpoint over the window that ended at the last full minute, computed from simulated calls so
     * that they agree: count = Σ status counts = Σ buckets + overflow = Σ consumer counts; min ≤ sum/count ≤ max;
     * total-duration sum ≥ latency sum; the last transaction lies in the window.
     */
    private EndpointStats endpointStats(Proxy proxy, Instant now, boolean passwordInUrl) {
        Tenant tenant = proxy.tenant();
        Api api = passwordInUrl ? PARTNER : APIS.get(rnd.nextInt(APIS.size()));
        long windowEnd = Math.floorDiv(now.toEpochMilli(), WINDOW_MILLIS) * WINDOW_MILLIS;
        long windowStart = windowEnd - WINDOW_MILLIS;
        double r = rnd.nextDouble();
        int calls = 1 + (int) (r * r * 400);
        long sum = 0;
        long totalSum = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        long lastOffset = 0;
        long[] buckets = new long[BUCKET_BOUNDS_MS.length];
        long overflow = 0;
        Map<String, Long> statuses = new TreeMap<>();
        Map<String, Long> consumers = new TreeMap<>();
        for (int c = 0; c < calls; c++) {
            long latency = latency(api);
            sum += latency;
            totalSum += latency + 1 + rnd.nextInt(4);
            min = Math.min(min, latency);
            max = Math.max(max, latency);
            int bucket = bucketOf(latency);
            if (bucket < 0) {
                overflow++;
            } else {
                buckets[bucket]++;
            }
            statuses.merge(Integer.toString(status(api)), 1L, Long::sum);
            consumers.merge(tenant.consumers().get(rnd.nextInt(tenant.consumers().size())), 1L, Long::sum);
            lastOffset = Math.max(lastOffset, rnd.nextLong(WINDOW_MILLIS));
        }
        List<LatencyBucket> histogram = new ArrayList<>(buckets.length);
        for (int b = 0; b < buckets.length; b++) {
            histogram.add(LatencyBucket.newBuilder().setUpperBoundMs(BUCKET_BOUNDS_MS[b]).setCount(buckets[b]).build());
        }
        String path = concretePath(api);
        String url = passwordInUrl
                ? "https://svc-reports:" + tenant.secrets().urlPassword() + "@" + api.host() + path
                : "https://" + api.host() + path;
        return EndpointStats.newBuilder()
                .setHeader(header(proxy, now))
                .setTags(proxy.identity().eventTags())
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setEndpoint(api.ref())
                .setUrl(url)
                .setCount(calls)
                .setStatusCodes(new LinkedHashMap<>(statuses))
                .setLatencySumMs(sum)
                .setLatencyMinMs(min)
                .setLatencyMaxMs(max)
                .setTotalDurationSumMs(totalSum)
                .setLatencyBuckets(histogram)
                .setLatencyOverflowCount(overflow)
                .setConsumerCounts(new LinkedHashMap<>(consumers))
                .setInterceptorType(proxy.interceptor())
                .setInterceptorVersion(proxy.interceptorVersion())
                .setLastTransactionAt(Instant.ofEpochMilli(windowStart + lastOffset))
                .build();
    }

    static int bucketOf(long latencyMs) {
        for (int b = 0; b < BUCKET_BOUNDS_MS.length; b++) {
            if (latencyMs <= BUCKET_BOUNDS_MS[b]) {
                return b;
            }
        }
        return -1;
    }

    /** Log-normal around the API's median, with a rare ten-fold spike; at least 1 ms. */
    private long latency(Api api) {
        double factor = Math.exp(rnd.nextGaussian() * 0.5);
        if (rnd.nextDouble() < 0.01) {
            factor *= 10;
        }
        return Math.max(1, Math.round(api.medianLatencyMs() * factor));
    }

    private int status(Api api) {
        if (rnd.nextDouble() < api.errorRate()) {
            return ERROR_STATUSES[rnd.nextInt(ERROR_STATUSES.length)];
        }
        if (api.method().equals("POST")) {
            return rnd.nextDouble() < 0.3 ? 201 : 200;
        }
        return rnd.nextDouble() < 0.05 ? 304 : 200;
    }

    private String concretePath(Api api) {
        return api.pathTemplate()
                .replace("{id}", Integer.toString(1000 + rnd.nextInt(900_000)))
                .replace("{owner}", "acme")
                .replace("{repo}", "billing")
                .replace("{sid}", "AC" + Fleet.random(rnd, "0123456789abcdef", 32))
                + (api.host().equals("maps.googleapis.com") ? "?address=" + (1 + rnd.nextInt(200)) + "+Main+St" : "");
    }

    /** A version-4 UUID drawn from the seeded generator. */
    private String uuid() {
        long msb = (rnd.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
