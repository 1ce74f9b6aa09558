package dev.lunar.telemetry.faults;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.AvroJsonCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.processor.privacy.IndividualRequestRule;
import dev.lunar.telemetry.processor.privacy.LogLevel;
import dev.lunar.telemetry.proxysim.Canaries;
import dev.lunar.telemetry.proxysim.FleetSimulator;
import dev.lunar.telemetry.proxysim.FleetSpec;
import dev.lunar.telemetry.proxysim.ProxyIdentity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The raw records of one run, made before it starts, and what each destination must end up with.
 *
 * <p>Events come from the seeded fleet simulator (all five kinds, every tenant's canary secrets planted in each
 * proxy's first events, unique event ids). After every 99th event a poison record is inserted — bytes no reader can
 * decode, each one unique, in five flavours: not single-object encoded, an unknown schema fingerprint, a truncated
 * body, a valid record of the wrong type for its topic, and JSON that does not match the schema. Every 200th log
 * event is marked to be refused (400) by the loopback Datadog server, so it must end in the dead-letter topic
 * instead. Access-log and DEBUG lines of the simulator are produced too but expected nowhere: the processor drops
 * them whole (P1, P4).
 *
 * <p>Every endpoint-stats event is also kept as an {@link EndpointEvent} (its tenant and plan, the calls per status
 * class it counts), from which a control plane's exact totals follow. The simulator's endpoint counters cover whole
 * minutes; a run whose event time should cross many minutes in a short wall time uses a {@code timeScale} above 1.
 */
final class Traffic {

    static final int POISON_EVERY = 100;
    static final int REFUSE_EVERY_LOG = 200;
    /** Kinds whose events reach Datadog as log entries carrying {@code event_id}. */
    static final Set<EventKind> DATADOG_LOG_KINDS = Set.of(EventKind.LOGS, EventKind.HEARTBEATS, EventKind.POLICIES);

    /** One raw record as it is produced. {@code eventId} is null for poison. */
    record Raw(EventKind kind, byte[] key, byte[] value, List<Header> headers, String eventId) {
        boolean poison() {
            return eventId == null;
        }
    }

    /**
     * An endpoint-stats event as the control plane must count it: whose it is, the start of the proxy's counting
     * window, the endpoint ({@code provider|METHOD path}) and its calls per status class (2xx = 200..299 ...; other
     * codes are calls in no class).
     */
    record EndpointEvent(String eventId, String tenantId, TenantPlan plan, long windowStartMs, String endpoint,
                         long calls, long s2xx, long s3xx, long s4xx, long s5xx) {
        long errors() {
            return s4xx + s5xx;
        }
    }

    /** A resource sample as Datadog sees it: host and timestamp (seconds) of its CPU gauge. */
    record ResourcePoint(String host, long epochSecond) {}

    final List<Raw> records = new ArrayList<>();
    final Map<EventKind, Set<String>> idsByKind = new EnumMap<>(EventKind.class);
    /** Event ids that must arrive at Datadog as log entries. */
    final Set<String> datadogIds = new HashSet<>();
    /** Event ids Datadog refuses by design; they must be dead-lettered by the forwarder. */
    final Set<String> refusedIds = new HashSet<>();
    final Set<ByteBuffer> poison = new HashSet<>();
    /** Event ids of log lines the processor drops whole (P1, P4): expected in no topic and at no destination. */
    final Set<String> droppedIds = new HashSet<>();
    private int poisonMade;
    final Set<ResourcePoint> resourcePoints = new HashSet<>();
    final List<EndpointEvent> endpointEvents = new ArrayList<>();
    final List<TenantMetadata> tenants;
    /** Tenant id to plan. */
    final Map<String, TenantPlan> plans = new LinkedHashMap<>();
    final Canaries canaries;
    /** Event time of the first event, epoch milliseconds. */
    final long firstEventMillis;

    private Traffic(int events, long seed, double perSecond, double timeScale) {
        for (EventKind kind : EventKind.values()) {
            idsByKind.put(kind, new HashSet<>());
        }
        // Event k carries the time at which it is due to be produced, as a live fleet's would. Sped up, event time
        // runs timeScale times faster and ends now, so that no time stamp lies in the future.
        double step = 1000.0 / perSecond * timeScale;
        long start = System.currentTimeMillis() - (timeScale == 1 ? 0 : (long) (events * step));
        this.firstEventMillis = start;
        SteppingClock clock = new SteppingClock(start);
        FleetSimulator fleet = FleetSimulator.create(FleetSpec.of(24, 6, perSecond, seed), clock);
        this.tenants = fleet.tenants();
        this.canaries = fleet.canaries();
        Map<String, String> tenantOfProxy = tenantsOfProxies(fleet.proxies(), tenants);
        tenants.forEach(t -> plans.put(t.getId(), t.getPlan()));
        Map<Class<?>, EventKind> kinds = new HashMap<>();
        Map<EventKind, AvroCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            kinds.put(kind.rawType(), kind);
            codecs.put(kind, codec(kind.rawType()));
        }
        SplittableRandom random = new SplittableRandom(seed);
        int logs = 0;
        Set<String> allIds = new HashSet<>();
        java.util.Iterator<SpecificRecordBase> sequence = fleet.events().iterator();
        for (int k = 0; k < events; k++) {
            clock.set(start + (long) (k * step));
            SpecificRecordBase event = sequence.next();
            EventKind kind = kinds.get(event.getClass());
            EventHeader header = (EventHeader) event.get("header");
            String id = header.getEventId();
            if (!allIds.add(id)) {
                throw new IllegalStateException("the simulator repeated event id " + id);
            }
            if (event instanceof ProxyLog line && droppedByProcessor(line)) {
                // access-log and DEBUG lines: produced like the others, expected nowhere (P1, P4)
                droppedIds.add(id);
                records.add(new Raw(kind, utf8(header.getProxyId()), codecs.get(kind).encode(event), List.of(), id));
                addPoisonIfDue(random);
                continue;
            }
            idsByKind.get(kind).add(id);
            if (kind == EventKind.LOGS && logs++ % REFUSE_EVERY_LOG == REFUSE_EVERY_LOG / 2) {
                refusedIds.add(id);
            } else if (DATADOG_LOG_KINDS.contains(kind)) {
                datadogIds.add(id);
            }
            if (event instanceof EndpointStats stats) {
                String tenant = tenantOfProxy.get(header.getProxyId());
                endpointEvents.add(endpointEvent(id, tenant, plans.get(tenant), stats));
            }
            if (event instanceof ResourceUsage usage) {
                resourcePoints.add(new ResourcePoint(header.getProxyId(), usage.getSampledAt().getEpochSecond()));
            }
            records.add(new Raw(kind, utf8(header.getProxyId()), codecs.get(kind).encode(event), List.of(), id));
            addPoisonIfDue(random);
        }
        if (poison.size() != poisonMade) {
            throw new IllegalStateException("two poison records have the same bytes");
        }
    }

    private void addPoisonIfDue(SplittableRandom random) {
        if (records.size() % POISON_EVERY == POISON_EVERY - 1) {
            Raw bad = poison(poisonMade++, random);
            poison.add(ByteBuffer.wrap(bad.value()));
            records.add(bad);
        }
    }

    /** What the processor drops whole with its default settings: a line of one request, or below INFO. */
    static boolean droppedByProcessor(ProxyLog line) {
        return IndividualRequestRule.describesOneRequest(line)
                || !LogLevel.ofLine(line.getLevel()).atLeast(LogLevel.INFO);
    }

    /** {@code events} events, their time stamps spread as if {@code perSecond} were produced each second from now. */
    static Traffic generate(int events, long seed, double perSecond) {
        return new Traffic(events, seed, perSecond, 1);
    }

    /**
     * Like {@link #generate(int, long, double)}, but event time runs {@code timeScale} times faster than production
     * and ends now: the simulated proxies' one-minute endpoint counters then close every {@code 60 / timeScale}
     * seconds of the run.
     */
    static Traffic generate(int events, long seed, double perSecond, double timeScale) {
        if (timeScale < 1) {
            throw new IllegalArgumentException("timeScale must be at least 1, was " + timeScale);
        }
        return new Traffic(events, seed, perSecond, timeScale);
    }

    /** The endpoint events of tenants on {@code plan}. */
    List<EndpointEvent> endpointEvents(TenantPlan plan) {
        return endpointEvents.stream().filter(e -> e.plan() == plan).toList();
    }

    private static EndpointEvent endpointEvent(String id, String tenant, TenantPlan plan, EndpointStats stats) {
        long[] classes = new long[4];
        stats.getStatusCodes().forEach((code, n) -> {
            int status;
            try {
                status = Integer.parseInt(code.trim());
            } catch (NumberFormatException e) {
                return;
            }
            if (status >= 200 && status < 600) {
                classes[status / 100 - 2] += n;
            }
        });
        String endpoint = stats.getEndpoint().getHost().toLowerCase(Locale.ROOT) + "|"
                + stats.getEndpoint().getMethod().toUpperCase(Locale.ROOT) + " " + stats.getEndpoint().getPathTemplate();
        return new EndpointEvent(id, tenant, plan, stats.getWindowStart().toEpochMilli(), endpoint, stats.getCount(),
                classes[0], classes[1], classes[2], classes[3]);
    }

    /** Whose events each proxy sends: the tenant whose API key it carries (the processor's rule). */
    private static Map<String, String> tenantsOfProxies(List<ProxyIdentity> proxies, List<TenantMetadata> tenants) {
        Map<String, String> byKeyHash = new HashMap<>();
        for (TenantMetadata t : tenants) {
            t.getApiKeySha256().forEach(hash -> byKeyHash.put(hash, t.getId()));
        }
        Map<String, String> out = new HashMap<>();
        for (ProxyIdentity p : proxies) {
            String tenant = p.apiKey().map(Traffic::sha256).map(byKeyHash::get).or(p::tenantId).orElseThrow(
                    () -> new IllegalStateException("no tenant for proxy " + p.proxyId()));
            if (p.tenantId().isPresent() && !p.tenantId().get().equals(tenant)) {
                throw new IllegalStateException("proxy " + p.proxyId() + " names tenant " + p.tenantId().get()
                        + " but carries the API key of " + tenant);
            }
            out.put(p.proxyId(), tenant);
        }
        return out;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int poisonCount() {
        return poison.size();
    }

    Set<String> allIds() {
        Set<String> all = new HashSet<>();
        idsByKind.values().forEach(all::addAll);
        return all;
    }

    /** Records that must come out of the processor (events, not poison, not dropped whole). */
    int eventCount() {
        return records.size() - poison.size() - droppedIds.size();
    }

    /** Unique undecodable bytes; the flavour cycles so that every dead-letter reason of the decode stage is hit. */
    private static Raw poison(int n, SplittableRandom random) {
        EventKind[] kinds = EventKind.values();
        EventKind kind = kinds[n % kinds.length];
        byte[] key = utf8("poison-proxy-" + (n % 7));
        String tag = "poison-" + n + "-" + Long.toHexString(random.nextLong());
        byte[] value;
        List<Header> headers = List.of();
        switch (n % 5) {
            case 0 -> value = utf8("not avro at all: " + tag);
            case 1 -> {
                // marker, then a fingerprint no schema has, then noise
                ByteBuffer b = ByteBuffer.allocate(10 + 24);
                b.put((byte) 0xC3).put((byte) 0x01).putLong(random.nextLong());
                byte[] noise = new byte[24];
                random.nextBytes(noise);
                b.put(noise);
                value = b.array();
            }
            case 2 -> {
                byte[] whole = codec(ProxyLog.class).encode(plainLog(tag));
                value = java.util.Arrays.copyOf(whole, whole.length / 2);
            }
            case 3 -> {
                // a well-formed heartbeat on the wrong raw topic (never the heartbeats topic)
                kind = kind == EventKind.HEARTBEATS ? EventKind.LOGS : kind;
                value = codec(Heartbeat.class).encode(heartbeat(tag));
            }
            default -> {
                value = utf8("{\"header\": {\"eventId\": \"" + tag + "\"}, \"level\": 42}");
                headers = List.of(new RecordHeader(AvroJsonCodec.CONTENT_TYPE_HEADER,
                        utf8(AvroJsonCodec.JSON_CONTENT_TYPE)));
            }
        }
        return new Raw(kind, key, value, headers, null);
    }

    private static EventHeader header(String id) {
        return EventHeader.newBuilder().setEventId(id).setTenantId("tenant-poison").setProxyId("poison-proxy")
                .setProxyVersion("0.0.0").setProducedAt(Instant.now()).build();
    }

    private static ProxyLog plainLog(String id) {
        return ProxyLog.newBuilder().setHeader(header(id)).setTags(Map.of()).setTimestamp(Instant.now())
                .setLevel("INFO").setLogger("poison").setMessage("a record that will be cut in half")
                .setAttributes(Map.of()).setAccess(null).build();
    }

    private static Heartbeat heartbeat(String id) {
        return Heartbeat.newBuilder().setHeader(header(id)).setTags(Map.of()).setStartedAt(Instant.now())
                .setUptimeSeconds(1).setRestarts(0).setUnexpectedRestarts(0).setUnexpectedRestartReasons(List.of())
                .setEnvironment(Map.of()).build();
    }

    /** A clock that reads what it was last set to. */
    private static final class SteppingClock extends java.time.Clock {
        private long millis;

        SteppingClock(long millis) {
            this.millis = millis;
        }

        void set(long value) {
            this.millis = value;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AvroCodec<SpecificRecordBase> codec(Class<?> type) {
        return AvroCodec.of((Class) type);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
