package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.LatencyBucket;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds enriched endpoint-stats events for tests: {@code Stats.event("e1").at(t).endpoint(...).codes(...).build()}. */
final class Stats {
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    private String eventId;
    private String tenant = "acme";
    private TenantPlan plan = TenantPlan.CONTROL_PLANE;
    private boolean known = true;
    private Instant windowStart = T0;
    private String method = "GET";
    private String host = "api.stripe.com";
    private String path = "/v1/customers/{id}";
    private final Map<String, Long> codes = new LinkedHashMap<>();
    private Long count;
    private long latencySum;
    private long latencyMax;
    private final List<LatencyBucket> buckets = new ArrayList<>();
    private long overflow;
    private String proxy = "proxy-1";

    static Stats event(String eventId) {
        Stats s = new Stats();
        s.eventId = eventId;
        return s;
    }

    Stats tenant(String tenant, TenantPlan plan) {
        this.tenant = tenant;
        this.plan = plan;
        return this;
    }

    Stats unknownTenant() {
        this.known = false;
        return this;
    }

    /** The proxy's counting window starts {@code seconds} after {@link #T0}. */
    Stats at(long seconds) {
        this.windowStart = T0.plusSeconds(seconds);
        return this;
    }

    Stats endpoint(String method, String host, String path) {
        this.method = method;
        this.host = host;
        this.path = path;
        return this;
    }

    Stats proxy(String proxy) {
        this.proxy = proxy;
        return this;
    }

    /** Pairs of status code and calls; {@code count} is their sum unless set with {@link #count}. */
    Stats codes(Object... codeAndCalls) {
        for (int i = 0; i < codeAndCalls.length; i += 2) {
            codes.put(String.valueOf(codeAndCalls[i]), ((Number) codeAndCalls[i + 1]).longValue());
        }
        return this;
    }

    Stats count(long count) {
        this.count = count;
        return this;
    }

    Stats latency(long sumMs, long maxMs) {
        this.latencySum = sumMs;
        this.latencyMax = maxMs;
        return this;
    }

    /** Pairs of upper bound (ms) and calls, non-cumulative. */
    Stats buckets(long... boundAndCount) {
        for (int i = 0; i < boundAndCount.length; i += 2) {
            buckets.add(new LatencyBucket(boundAndCount[i], boundAndCount[i + 1]));
        }
        return this;
    }

    Stats overflow(long overflow) {
        this.overflow = overflow;
        return this;
    }

    EnrichedEndpointStats build() {
        long calls = count != null ? count : codes.values().stream().mapToLong(Long::longValue).sum();
        return EnrichedEndpointStats.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId(eventId).setTenantId(tenant).setProxyId(proxy)
                        .setProxyVersion("1.4.2").setProducedAt(windowStart.plusSeconds(10)).build())
                .setTenant(TenantInfo.newBuilder().setId(tenant).setName(tenant.toUpperCase()).setPlan(plan)
                        .setGithubUsername(plan == TenantPlan.SANDBOX ? "octocat" : null).setKnown(known).build())
                .setProcessedAt(windowStart.plusSeconds(11))
                .setWindowStart(windowStart)
                .setWindowEnd(windowStart.plusSeconds(10))
                .setEndpoint(EndpointRef.newBuilder().setMethod(method).setHost(host).setPathTemplate(path).build())
                .setCount(calls)
                .setStatusCodes(new LinkedHashMap<>(codes))
                .setLatencySumMs(latencySum)
                .setLatencyMinMs(0)
                .setLatencyMaxMs(latencyMax)
                .setTotalDurationSumMs(latencySum + calls)
                .setLatencyBuckets(new ArrayList<>(buckets))
                .setLatencyOverflowCount(overflow)
                .build();
    }
}
