package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.events.avro.ConfigFile;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.HostStats;
import dev.lunar.telemetry.events.avro.ProcessStats;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Seeded random enriched records with awkward content: text that needs JSON escaping, non-ASCII and astral
 * characters, lone surrogates, credential-like map keys, tags that need normalising, extreme numbers.
 */
final class RandomRecords {

    /** Pieces strings are made of: plain words, separators, what JSON escapes, what tags replace, needles. */
    static final List<String> PIECES = List.of("a", "Z", "team", "Payments", "eu-west-1", "1.4.2", " ", ",", ":", ".",
            "/", "-", "_", "\"", "\\", "\n", "\r", "\t", "\u0000", "\u001f", "\u007f", "é", "ß", "İ", "\u212a",
            "\u017f", "😀", "\ud83d", "\ude00", "\u2028", "\u2029", "\u0085", "<", ">", "&", "'", "api", "API", "key",
            "Key", "apikey", "token", "TOKEN", "tok", "en", "secret", "passw", "PWD", "credential", "auth", "Auth",
            "cookie", "session", "private", "PRIVATE", "x");

    private final Random random;
    private final Instant now;

    RandomRecords(long seed, Instant now) {
        this.random = new Random(seed);
        this.now = now;
    }

    String text(int maxPieces) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(maxPieces + 1);
        for (int i = 0; i < n; i++) {
            b.append(PIECES.get(random.nextInt(PIECES.size())));
        }
        return b.toString();
    }

    private Map<String, String> map(int max) {
        Map<String, String> m = new HashMap<>();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            m.put(text(4) + i, text(6));
        }
        return m;
    }

    private List<String> list(int max) {
        List<String> l = new ArrayList<>();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            l.add(text(4));
        }
        return l;
    }

    private Instant instant() {
        return now.minusMillis(random.nextInt(3_600_000));
    }

    private double number() {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(100);
            case 1 -> random.nextDouble() * 100;
            case 2 -> random.nextLong();
            case 3 -> Double.MAX_VALUE;
            case 4 -> -0.0;
            default -> 1e-9 * random.nextInt(1000);
        };
    }

    private EventHeader header() {
        return EventHeader.newBuilder().setEventId("e-" + random.nextInt() + text(2))
                .setTenantId(random.nextBoolean() ? null : text(2)).setProxyId("proxy-" + text(3))
                .setProxyVersion(text(3)).setProducedAt(instant()).build();
    }

    private TenantInfo tenant() {
        return TenantInfo.newBuilder().setId(text(3)).setName(random.nextInt(5) == 0 ? "" : text(4))
                .setPlan(TenantPlan.values()[random.nextInt(TenantPlan.values().length)]).setTags(map(5))
                .setKnown(random.nextBoolean()).build();
    }

    EnrichedLog log() {
        return EnrichedLog.newBuilder().setHeader(header()).setTenant(tenant()).setProcessedAt(now).setTags(map(2))
                .setTimestamp(instant()).setLevel(random.nextBoolean() ? text(1) : List.of("WARN", " error ", "Fatal",
                        "notice", "TRACE").get(random.nextInt(5)))
                .setLogger(text(3)).setMessage(text(30)).setAttributes(map(10)).build();
    }

    EnrichedHeartbeat heartbeat() {
        return EnrichedHeartbeat.newBuilder().setHeader(header()).setTenant(tenant()).setProcessedAt(now)
                .setStartedAt(instant()).setUptimeSeconds(random.nextInt(1_000_000))
                .setRestarts(random.nextInt(10) - 1).setUnexpectedRestarts(random.nextInt(3))
                .setUnexpectedRestartReasons(list(3)).setEnvironment(map(20)).build();
    }

    EnrichedPolicySnapshot policies() {
        List<EndpointRef> endpoints = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            endpoints.add(EndpointRef.newBuilder().setMethod(text(1)).setHost(text(3)).setPathTemplate(text(5))
                    .build());
        }
        return EnrichedPolicySnapshot.newBuilder().setHeader(header()).setTenant(tenant()).setProcessedAt(now)
                .setLoadedAt(instant())
                .setFiles(List.of(ConfigFile.newBuilder().setFileName("p.yaml").setFileType("policies")
                        .setContent(text(10)).build()))
                .setEnabledPolicies(list(4)).setEnabledPlugins(list(4)).setEndpointsWithPolicies(endpoints).build();
    }

    EnrichedResourceUsage resources() {
        List<ProcessStats> processes = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            processes.add(ProcessStats.newBuilder().setName(text(3)).setCpuPercent(number())
                    .setMemoryBytes(random.nextLong()).setOpenFileDescriptors(1).setUptimeSeconds(1).setRunning(true)
                    .build());
        }
        Instant at = instant();
        return EnrichedResourceUsage.newBuilder().setHeader(header()).setTenant(tenant()).setProcessedAt(now)
                .setSampledAt(at).setIntervalMillis(random.nextInt(120_000))
                .setHost(HostStats.newBuilder().setCpuPercent(number()).setMemoryUsedBytes(random.nextLong())
                        .setMemoryTotalBytes(random.nextInt()).setDiskWriteBytes(random.nextInt(1 << 20))
                        .setDiskUsedBytes(1).setDiskTotalBytes(2).build())
                .setProcesses(processes).build();
    }

    SpecificRecordBase any() {
        return switch (random.nextInt(4)) {
            case 0 -> log();
            case 1 -> heartbeat();
            case 2 -> policies();
            default -> resources();
        };
    }
}
