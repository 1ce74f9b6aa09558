package dev.lunar.telemetry.faults;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.AvroJsonCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.proxysim.Canaries;
import dev.lunar.telemetry.proxysim.FleetSimulator;
import dev.lunar.telemetry.proxysim.FleetSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
 * instead.
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

    /** A resource sample as Datadog sees it: host and timestamp (seconds) of its CPU gauge. */
    record ResourcePoint(String host, long epochSecond) {}

    final List<Raw> records = new ArrayList<>();
    final Map<EventKind, Set<String>> idsByKind = new EnumMap<>(EventKind.class);
    /** Event ids that must arrive at Datadog as log entries. */
    final Set<String> datadogIds = new HashSet<>();
    /** Event ids Datadog refuses by design; they must be dead-lettered by the forwarder. */
    final Set<String> refusedIds = new HashSet<>();
    final Set<ByteBuffer> poison = new HashSet<>();
    final Set<ResourcePoint> resourcePoints = new HashSet<>();
    final List<TenantMetadata> tenants;
    final Canaries canaries;

    private Traffic(int events, long seed, double perSecond) {
        for (EventKind kind : EventKind.values()) {
            idsByKind.put(kind, new HashSet<>());
        }
        // Event k carries the time at which it is due to be produced, as a live fleet's would.
        long start = System.currentTimeMillis();
        SteppingClock clock = new SteppingClock(start);
        FleetSimulator fleet = FleetSimulator.create(FleetSpec.of(24, 6, perSecond, seed), clock);
        this.tenants = fleet.tenants();
        this.canaries = fleet.canaries();
        Map<Class<?>, EventKind> kinds = new HashMap<>();
        Map<EventKind, AvroCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            kinds.put(kind.rawType(), kind);
            codecs.put(kind, codec(kind.rawType()));
        }
        SplittableRandom random = new SplittableRandom(seed);
        int logs = 0;
        int poisonMade = 0;
        java.util.Iterator<SpecificRecordBase> sequence = fleet.events().iterator();
        for (int k = 0; k < events; k++) {
            clock.set(start + (long) (k * 1000.0 / perSecond));
            SpecificRecordBase event = sequence.next();
            EventKind kind = kinds.get(event.getClass());
            EventHeader header = (EventHeader) event.get("header");
            String id = header.getEventId();
            if (!idsByKind.get(kind).add(id)) {
                throw new IllegalStateException("the simulator repeated event id " + id);
            }
            if (kind == EventKind.LOGS && logs++ % REFUSE_EVERY_LOG == REFUSE_EVERY_LOG / 2) {
                refusedIds.add(id);
            } else if (DATADOG_LOG_KINDS.contains(kind)) {
                datadogIds.add(id);
            }
            if (event instanceof ResourceUsage usage) {
                resourcePoints.add(new ResourcePoint(header.getProxyId(), usage.getSampledAt().getEpochSecond()));
            }
            records.add(new Raw(kind, utf8(header.getProxyId()), codecs.get(kind).encode(event), List.of(), id));
            if (records.size() % POISON_EVERY == POISON_EVERY - 1) {
                Raw bad = poison(poisonMade++, random);
                poison.add(ByteBuffer.wrap(bad.value()));
                records.add(bad);
            }
        }
        if (poison.size() != poisonMade) {
            throw new IllegalStateException("two poison records have the same bytes");
        }
    }

    /** {@code events} events, their time stamps spread as if {@code perSecond} were produced each second from now. */
    static Traffic generate(int events, long seed, double perSecond) {
        return new Traffic(events, seed, perSecond);
    }

    int poisonCount() {
        return poison.size();
    }

    Set<String> allIds() {
        Set<String> all = new HashSet<>();
        idsByKind.values().forEach(all::addAll);
        return all;
    }

    /** Records that must come out of the processor (events, not poison). */
    int eventCount() {
        return records.size() - poison.size();
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
