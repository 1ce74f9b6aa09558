package dev.lunar.telemetry.processor.internal;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.privacy.EnrichedShape;
import dev.lunar.telemetry.processor.privacy.IndividualRequestRule;
import dev.lunar.telemetry.processor.privacy.PrivacyDefaults;
import dev.lunar.telemetry.processor.privacy.ScrubReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The processor's meters. Names (Prometheus turns dots into underscores and adds {@code _total} to counters):
 * <ul>
 *   <li>{@code lunar.processor.records.in{kind}} – raw records received;</li>
 *   <li>{@code lunar.processor.records.out{kind}} – enriched records acknowledged by Kafka;</li>
 *   <li>{@code lunar.processor.fields.removed{rule}} – fields and entries removed, by denylist pattern (or
 *       {@code not-in-enriched-schema}, {@code secret-in-key}, {@code unparseable-config});</li>
 *   <li>{@code lunar.processor.redactions{pattern}} – pieces of text redacted, by pattern name;</li>
 *   <li>{@code lunar.processor.dead.letters{kind,reason}} – records sent to the dead-letter topic;</li>
 *   <li>{@code lunar.processor.dropped{kind,reason}} – records dropped whole, written nowhere (their offsets are
 *       committed): {@code individual-request} (P1, {@link IndividualRequestRule}) or {@code log-level} (P4, below
 *       {@code processor.min-log-level});</li>
 *   <li>{@code lunar.processor.tenants.unknown{kind}} – events forwarded with {@code known=false};</li>
 *   <li>{@code lunar.processor.config.unparseable} – configuration files emptied because they are not YAML;</li>
 *   <li>{@code lunar.processor.latency{kind}} – from receiving a record to Kafka acknowledging its output;</li>
 *   <li>{@code lunar.processor.restarts} – stream restarts after an error;</li>
 *   <li>{@code lunar.processor.tenants} – gauge, tenants in the table;</li>
 *   <li>Kafka consumer and producer client metrics (lag: {@code kafka.consumer.fetch.manager.records.lag.max}).</li>
 * </ul>
 */
public final class ProcessorMetrics {

    /** {@code reason} of records that describe one request (P1). */
    public static final String DROPPED_INDIVIDUAL_REQUEST = "individual-request";
    /** {@code reason} of log lines below {@code processor.min-log-level} (P4). */
    public static final String DROPPED_LOG_LEVEL = "log-level";

    private final MeterRegistry registry;
    private final Map<EventKind, Counter> in = new EnumMap<>(EventKind.class);
    private final Map<EventKind, Counter> out = new EnumMap<>(EventKind.class);
    private final Map<EventKind, Counter> unknownTenants = new EnumMap<>(EventKind.class);
    private final Map<EventKind, Timer> latency = new EnumMap<>(EventKind.class);
    private final Map<String, Counter> removed = new ConcurrentHashMap<>();
    private final Map<String, Counter> redactions = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Counter unparseable;
    private final Counter restarts;

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (EventKind kind : EventKind.values()) {
            in.put(kind, Counter.builder("lunar.processor.records.in").tag("kind", kind.id())
                    .description("raw records received").register(registry));
            out.put(kind, Counter.builder("lunar.processor.records.out").tag("kind", kind.id())
                    .description("enriched records acknowledged by Kafka").register(registry));
            unknownTenants.put(kind, Counter.builder("lunar.processor.tenants.unknown").tag("kind", kind.id())
                    .description("events of tenants not in tenants.v1, forwarded with known=false")
                    .register(registry));
            latency.put(kind, Timer.builder("lunar.processor.latency").tag("kind", kind.id())
                    .description("from receiving a raw record to Kafka acknowledging its output")
                    .register(registry));
        }
        // Registered up front so that /metrics shows the promise being kept (0) before the first drop.
        for (String reason : new String[] {DROPPED_INDIVIDUAL_REQUEST, DROPPED_LOG_LEVEL}) {
            dropped(EventKind.LOGS, reason, 0);
        }
        unparseable = Counter.builder("lunar.processor.config.unparseable")
                .description("configuration files emptied because they could not be parsed").register(registry);
        restarts = Counter.builder("lunar.processor.restarts")
                .description("stream restarts after an error").register(registry);
        registerKnownSeries();
    }

    /**
     * Registers, at zero, the series known before the first event: dead letters of every kind and reason, the
     * built-in redaction patterns and the processor's own removal rules. A counter that appears only with its first
     * increment makes {@code increase()} miss that increment and alerts and dashboards see "no data" instead of 0.
     */
    private void registerKnownSeries() {
        java.util.List<String> reasons = new java.util.ArrayList<>();
        for (dev.lunar.telemetry.events.BadRecordException.Reason r
                : dev.lunar.telemetry.events.BadRecordException.Reason.values()) {
            reasons.add(r.name());
        }
        reasons.add(SEND_REJECTED);
        for (EventKind kind : EventKind.values()) {
            reasons.forEach(reason -> deadLetterCounter(kind.id(), reason));
        }
        PrivacyDefaults.REDACTION_PATTERNS.keySet().forEach(this::redactionCounter);
        java.util.List.of(EnrichedShape.DROP_RULE, "secret-in-key", "unparseable-config").forEach(this::removedCounter);
    }

    /** The dead-letter reason of a record Kafka refused to take (the processor's own, not a decoding reason). */
    static final String SEND_REJECTED = "SEND_REJECTED";

    private Counter deadLetterCounter(String kind, String reason) {
        return counter(deadLetters, kind + "/" + reason, k -> Counter.builder("lunar.processor.dead.letters")
                .tag("kind", kind).tag("reason", reason).description("records sent to the dead-letter topic")
                .register(registry));
    }

    private Counter redactionCounter(String pattern) {
        return counter(redactions, pattern, p -> Counter.builder("lunar.processor.redactions").tag("pattern", p)
                .description("pieces of text redacted, by pattern").register(registry));
    }

    private Counter removedCounter(String rule) {
        return counter(removed, rule, r -> Counter.builder("lunar.processor.fields.removed").tag("rule", r)
                .description("fields and entries removed, by rule").register(registry));
    }

    static ProcessorMetrics detached() {
        return new ProcessorMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    void received(EventKind kind) {
        in.get(kind).increment();
    }

    void delivered(EventKind kind, long receivedAtNanos) {
        out.get(kind).increment();
        latency.get(kind).record(System.nanoTime() - receivedAtNanos, TimeUnit.NANOSECONDS);
    }

    public void deadLettered(EventKind kind, String reason) {
        deadLetterCounter(kind == null ? "unknown" : kind.id(), reason).increment();
    }

    /** A record dropped whole for {@code reason}; nothing of it is written anywhere. */
    public void dropped(EventKind kind, String reason) {
        dropped(kind, reason, 1);
    }

    private void dropped(EventKind kind, String reason, int n) {
        counter(dropped, kind.id() + "/" + reason, k -> Counter.builder("lunar.processor.dropped")
                .tag("kind", kind.id()).tag("reason", reason)
                .description("records dropped whole and written nowhere, by rule").register(registry)).increment(n);
    }

    public void unknownTenant(EventKind kind) {
        unknownTenants.get(kind).increment();
    }

    public void scrubbed(ScrubReport report) {
        report.removedByRule().forEach((rule, n) -> removedCounter(rule).increment(n));
        report.redactionsByPattern().forEach((pattern, n) -> redactionCounter(pattern).increment(n));
        if (report.unparseableConfigs() > 0) {
            unparseable.increment(report.unparseableConfigs());
        }
    }

    public void restarted() {
        restarts.increment();
    }

    private static Counter counter(Map<String, Counter> cache, String key, Function<String, Counter> create) {
        Counter counter = cache.get(key);
        return counter != null ? counter : cache.computeIfAbsent(key, create);
    }
}
