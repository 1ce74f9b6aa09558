package dev.lunar.telemetry.controlplane.forwarder;

import dev.lunar.telemetry.events.LatencyHistogram;
import dev.lunar.telemetry.events.TenantId;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.LatencyBucket;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Turns enriched endpoint stats into the control plane's dashboard aggregates: event-time tumbling windows per
 * tenant, per (provider host, method, path template), plus a per-window overview (P6). A plain
 * {@code Flux<EnrichedEndpointStats> -> Flux<WindowAggregate>} with no I/O, testable in virtual time.
 *
 * <h2>What is kept (P2)</h2>
 * Only events whose tenant is on the {@code CONTROL_PLANE} plan and known to the processor. Every other event
 * (open-source, sandbox, unknown tenants) is dropped here and counted ({@link #counts()}, and the meter
 * {@code lunar.forwarder.controlplane.events{outcome=...}}), so their access metrics never leave the pipeline.
 * Events that break the schema's promises (negative counts, status counts adding up to more than {@code count},
 * blank endpoint fields, an invalid tenant id) are dropped as {@code invalid}.
 *
 * <h2>Partials per source partition</h2>
 * Events read from a partitioned topic ({@link #aggregateCommittable}) are aggregated per source partition: each
 * window is the partial of one partition, keyed by it, and has its own event time (below, "the watermark" is the
 * partition's). The control plane merges a window's partials at query time. So any number of forwarder instances can
 * share the topic: each partial is built from one partition's records only, whichever instance reads them, and a
 * partition that moves to another instance is read again from its committed offset, which never passes a record of
 * a window that can still change — the new owner rebuilds the same partials, never fewer events than were sent in
 * the common case, and the control plane keeps the version with more source events. Events without a partition
 * ({@link #aggregate}) make whole windows.
 *
 * <h2>Windows and time</h2>
 * <ul>
 *   <li>An event's time is its {@code windowStart} (the start of the proxy's counting window); it belongs to the
 *       window {@code [floor(t / W)·W, +W)} of length {@code W} ({@code control-plane-forwarder.window}), aligned to
 *       the epoch.</li>
 *   <li>The watermark is the largest event time seen. While no event arrives it moves on with the scheduler's
 *       clock: at each {@code idle-tick} it becomes at least {@code maxEventTime + (now − lastArrival)}, so the last
 *       windows close even when traffic stops.</li>
 *   <li>A window is emitted ({@code revision} 0) when the watermark reaches {@code end + allowed-lateness}.</li>
 *   <li>Its state is kept for {@code correction-horizon} longer: a late event for it is merged and the whole window
 *       is emitted again at the next tick ({@code revision} 1, 2, ...; same idempotency keys, so the control plane
 *       replaces the rows). Events arriving after that are dropped and counted as {@code too-late}.</li>
 *   <li>When the input completes, every window with unsent data is emitted as it is.</li>
 * </ul>
 *
 * <h2>Duplicates</h2>
 * An event id already merged into its window is dropped and counted as {@code duplicate}: a redelivered event never
 * counts twice. (Once a window's state is gone, its events are {@code too-late}, never merged again.)
 *
 * <h2>The numbers</h2>
 * <ul>
 *   <li>calls = Σ {@code count}; status classes from {@code statusCodes} (2xx = 200..299, ... 5xx = 500..599; other
 *       codes are calls in no class); errors = 4xx + 5xx (every status 400..599, 404 included); error rate =
 *       errors / calls.</li>
 *   <li>latency average = Σ {@code latencySumMs} / calls; max = max {@code latencyMaxMs}; p95 from the merged
 *       histogram buckets ({@code latencyBuckets}, non-cumulative, plus {@code latencyOverflowCount}) by linear
 *       interpolation inside the bucket that holds rank 0.95·N, as {@link LatencyHistogram} states.</li>
 *   <li>overview: calls and errors summed over the window's endpoints, the number of distinct providers, and the
 *       {@code top-endpoints} endpoints with the most calls.</li>
 * </ul>
 *
 * <h2>Committing</h2>
 * {@link #aggregateCommittable} takes each event with its number in the consumer's one sequence of records and
 * gives each emitted aggregate how far records may be acknowledged once it is accepted: the oldest record of a window
 * that can still change — one whose state is kept for corrections, emitted or not. A consumer that commits those after the control
 * plane's 2xx never loses a window on a crash, nor a late event: had the records of a sent window been committed, a
 * crash before its correction was accepted would rebuild the window from the late events alone, and the control
 * plane keeps the version with more source events. A window's records become committable with its last emission.
 *
 * <p>Memory: one state per open (tenant, window) with its endpoints and event ids, for at most
 * {@code W + allowed-lateness + correction-horizon} of event time. Backpressure from downstream reaches the input.
 */
final class WindowedEndpointAggregator {
    private static final Pattern PROVIDER = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]{1,255}");
    private static final Pattern METHOD = Pattern.compile("[A-Z*]{1,16}");
    private static final Object TICK = new Object();
    private static final Object END = new Object();

    private final long windowMs;
    private final long latenessMs;
    private final long horizonMs;
    private final Duration idleTick;
    private final int topEndpoints;
    private final Supplier<Scheduler> scheduler;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong droppedOpenSource = new AtomicLong();
    private final AtomicLong droppedSandbox = new AtomicLong();
    private final AtomicLong droppedUnknownTenant = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong tooLate = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong corrections = new AtomicLong();

    /**
     * @param registry where the counters go (null for none)
     */
    public WindowedEndpointAggregator(ControlPlaneForwarderSettings settings, MeterRegistry registry) {
        this(settings, registry, Schedulers::parallel);
    }

    /**
     * @param scheduler supplies the scheduler for ticks and the clock, at each subscription (so that
     *                  {@code StepVerifier.withVirtualTime} can replace the default {@code Schedulers.parallel()})
     */
    public WindowedEndpointAggregator(ControlPlaneForwarderSettings settings, MeterRegistry registry,
            Supplier<Scheduler> scheduler) {
        this.windowMs = settings.window().toMillis();
        this.latenessMs = settings.allowedLateness().toMillis();
        this.horizonMs = settings.correctionHorizon().toMillis();
        this.idleTick = settings.idleTick();
        this.topEndpoints = settings.topEndpoints();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (registry != null) {
            register(registry, "accepted", accepted);
            register(registry, "dropped-plan-open-source", droppedOpenSource);
            register(registry, "dropped-plan-sandbox", droppedSandbox);
            register(registry, "dropped-unknown-tenant", droppedUnknownTenant);
            register(registry, "duplicate", duplicates);
            register(registry, "too-late", tooLate);
            register(registry, "invalid", invalid);
            FunctionCounter.builder("lunar.forwarder.controlplane.windows", emitted, AtomicLong::get)
                    .tag("kind", "first").description("window aggregates emitted").register(registry);
            FunctionCounter.builder("lunar.forwarder.controlplane.windows", corrections, AtomicLong::get)
                    .tag("kind", "correction").description("window aggregates emitted").register(registry);
        }
    }

    private static void register(MeterRegistry registry, String outcome, AtomicLong value) {
        FunctionCounter.builder("lunar.forwarder.controlplane.events", value, AtomicLong::get)
                .tag("outcome", outcome).description("endpoint-stats events read by the control-plane forwarder")
                .register(registry);
    }

    /** What happened to the events so far, over all subscriptions. */
    public AggregatorCounts counts() {
        return new AggregatorCounts(accepted.get(), droppedOpenSource.get(), droppedSandbox.get(),
                droppedUnknownTenant.get(), duplicates.get(), tooLate.get(), invalid.get(), emitted.get(),
                corrections.get());
    }

    /**
     * The aggregates of {@code events}, in the order windows close. Each subscription has its own state. Errors of
     * {@code events} are passed on; its completion emits the remaining windows and completes.
     */
    public Flux<WindowAggregate> aggregate(Flux<EnrichedEndpointStats> events) {
        return run(events.map(e -> new In(e, WHOLE, -1, -1))).filter(w -> !w.isCommitPoint())
                .map(CommittableWindow::aggregate);
    }

    /**
     * Like {@link #aggregate}, for events read from a partitioned log: windows are partials of one source partition
     * each ({@link PositionedStats#sourcePartition()}), and each aggregate comes with how far records may be
     * acknowledged once it (and everything emitted before it) is accepted by the control plane — see
     * {@link CommittableWindow#commitBefore()}. This is how a consumer commits only what the control plane holds.
     */
    public Flux<CommittableWindow> aggregateCommittable(Flux<PositionedStats> events) {
        return run(events.map(p -> new In(p.stats(), p.sourcePartition(), p.sourceOffset(), p.sequence())));
    }

    private Flux<CommittableWindow> run(Flux<In> events) {
        return Flux.defer(() -> {
            Scheduler clock = scheduler.get();
            State state = new State();
            Flux<Object> input = events.map(e -> (Object) e).concatWith(Mono.just(END));
            Flux<Object> ticks = Flux.interval(idleTick, idleTick, clock).map(i -> TICK).onBackpressureDrop();
            return Flux.merge(input, ticks)
                    .takeUntil(signal -> signal == END)
                    .concatMapIterable(signal -> state.on(signal, clock.now(TimeUnit.MILLISECONDS)));
        });
    }

    /** Source partition of events read without one ({@link #aggregate}): whole windows. */
    private static final int WHOLE = -1;

    /** One input event, its source partition and offset, and its number in the consumer's sequence (-1: not known). */
    private record In(EnrichedEndpointStats stats, int sourcePartition, long sourceOffset, long sequence) {}

    // ---- state of one subscription; signals arrive serially ------------------------------------------------------

    private record WindowId(long startMs, String tenantId, int sourcePartition) {}

    private static final Comparator<WindowId> WINDOW_ORDER = Comparator.comparingLong(WindowId::startMs)
            .thenComparing(WindowId::tenantId).thenComparingInt(WindowId::sourcePartition);

    private static final class EndpointState {
        long sourceEvents;
        long calls;
        StatusClasses classes = StatusClasses.NONE;
        long latencySumMs;
        long latencyMaxMs;
        final LatencyHistogram.Counter histogram = new LatencyHistogram.Counter();
    }

    private static final class WindowState {
        final Map<EndpointKey, EndpointState> endpoints = new TreeMap<>();
        final Set<String> eventIds = new HashSet<>();
        /** The oldest record (sequence number) merged into the window: held until the window can no longer change. */
        long heldFrom = Long.MAX_VALUE;
        int revision = -1;
        boolean dirty;
    }

    /**
     * Event time of one source partition. Each partition's windows close by its own watermark, so a partition's
     * partials depend only on its own records (and idle time): whichever instance reads it computes the same ones.
     */
    private static final class PartitionClock {
        long watermark = Long.MIN_VALUE;
        long maxEventTime = Long.MIN_VALUE;
        long lastArrival;
        long lastOffset = -1;

        /**
         * An offset at or below the last one read: the partition is read again from its committed offset after it
         * came back from another instance. Its event time starts over — meanwhile idle ticks moved the watermark on,
         * and records the other instance held open would otherwise be dropped as too late — and is rebuilt from the
         * records read again (duplicates of what the windows hold still count for time, never for figures).
         */
        void readAt(long offset) {
            if (offset < 0) {
                return;
            }
            if (offset <= lastOffset) {
                watermark = Long.MIN_VALUE;
                maxEventTime = Long.MIN_VALUE;
            }
            lastOffset = offset;
        }

        void observed(long eventTime, long now) {
            lastArrival = now;
            if (eventTime > maxEventTime) {
                maxEventTime = eventTime;
                watermark = Math.max(watermark, eventTime);
            }
        }
    }

    private final class State {
        private final TreeMap<WindowId, WindowState> windows = new TreeMap<>(WINDOW_ORDER);
        private final Map<Integer, PartitionClock> clocks = new HashMap<>();
        /** The last sequence number read. */
        private long lastSequence = -1;

        List<CommittableWindow> on(Object signal, long now) {
            if (signal == TICK) {
                for (PartitionClock clock : clocks.values()) {
                    if (clock.maxEventTime != Long.MIN_VALUE) {
                        clock.watermark = Math.max(clock.watermark,
                                clock.maxEventTime + Math.max(0, now - clock.lastArrival));
                    }
                }
                return due(true);
            }
            if (signal == END) {
                List<CommittableWindow> out = new ArrayList<>();
                for (Map.Entry<WindowId, WindowState> w : windows.entrySet()) {
                    if (w.getValue().dirty) {
                        // Not "last": the state goes, but a restart may still bring late events for the window.
                        out.add(emitCommittable(w.getKey(), w.getValue(), false));
                    }
                }
                windows.clear();
                return out;
            }
            In in = (In) signal;
            if (in.sequence() >= 0) {
                lastSequence = Math.max(lastSequence, in.sequence());
            }
            return onEvent(in, now);
        }

        /** @param last whether the window's state goes after this emission, so its records need not be held */
        private CommittableWindow emitCommittable(WindowId id, WindowState w, boolean last) {
            return new CommittableWindow(emit(id, w), commitBefore(last ? w : null));
        }

        /** The oldest record held by a window (other than {@code except}), or one past the last read. */
        private long commitBefore(WindowState except) {
            long commit = lastSequence + 1;
            for (WindowState other : windows.values()) {
                if (other != except) {
                    commit = Math.min(commit, other.heldFrom);
                }
            }
            return commit;
        }

        private List<CommittableWindow> onEvent(In in, long now) {
            EnrichedEndpointStats e = in.stats();
            TenantInfo tenant = e.getTenant();
            // Unknown first: the processor gives an unknown tenant plan OPEN_SOURCE, which would hide it below.
            if (tenant != null && !tenant.getKnown()) {
                droppedUnknownTenant.incrementAndGet();
                return List.of();
            }
            // the plans the data inventory lists for the control plane (P2)
            if (tenant == null || !ControlPlaneField.plans().contains(tenant.getPlan())) {
                (tenant != null && tenant.getPlan() == TenantPlan.SANDBOX ? droppedSandbox : droppedOpenSource)
                        .incrementAndGet();
                return List.of();
            }
            EndpointKey key = validKey(e);
            if (key == null) {
                invalid.incrementAndGet();
                return List.of();
            }
            PartitionClock clock = clocks.computeIfAbsent(in.sourcePartition(), p -> new PartitionClock());
            clock.readAt(in.sourceOffset());
            long t = e.getWindowStart().toEpochMilli();
            long start = Math.floorDiv(t, windowMs) * windowMs;
            if (clock.watermark != Long.MIN_VALUE && start + windowMs + latenessMs + horizonMs <= clock.watermark) {
                tooLate.incrementAndGet();
                return List.of();
            }
            WindowId id = new WindowId(start, tenant.getId(), in.sourcePartition());
            WindowState w = windows.computeIfAbsent(id, k -> new WindowState());
            if (!w.eventIds.add(e.getHeader().getEventId())) {
                duplicates.incrementAndGet();
                clock.observed(t, now);
                return List.of();
            }
            merge(w.endpoints.computeIfAbsent(key, k -> new EndpointState()), e);
            w.dirty = true;
            if (in.sequence() >= 0) {
                w.heldFrom = Math.min(w.heldFrom, in.sequence());
            }
            accepted.incrementAndGet();
            clock.observed(t, now);
            return due(false);
        }

        /** Emits windows whose time has come; on ticks also pending corrections; evicts expired state. */
        private List<CommittableWindow> due(boolean tick) {
            List<CommittableWindow> out = new ArrayList<>();
            boolean releasedRecords = false;
            for (Iterator<Map.Entry<WindowId, WindowState>> it = windows.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<WindowId, WindowState> entry = it.next();
                long watermark = clocks.get(entry.getKey().sourcePartition()).watermark;
                long closesAt = entry.getKey().startMs() + windowMs + latenessMs;
                if (closesAt > watermark) {
                    continue; // this partition's event time has not reached it yet
                }
                WindowState w = entry.getValue();
                boolean expired = closesAt + horizonMs <= watermark;
                boolean sent = false;
                if (w.dirty && (w.revision < 0 || tick || expired)) {
                    out.add(emitCommittable(entry.getKey(), w, expired));
                    sent = true;
                }
                if (expired) {
                    it.remove();
                    releasedRecords |= !sent && w.heldFrom != Long.MAX_VALUE;
                }
            }
            if (releasedRecords) {
                out.add(CommittableWindow.commitPoint(commitBefore(null)));
            }
            return out;
        }
    }

    private WindowAggregate emit(WindowId id, WindowState w) {
        w.revision++;
        w.dirty = false;
        (w.revision == 0 ? emitted : corrections).incrementAndGet();
        Instant start = Instant.ofEpochMilli(id.startMs());
        Duration length = Duration.ofMillis(windowMs);
        List<EndpointAggregate> endpoints = new ArrayList<>(w.endpoints.size());
        Set<String> providers = new HashSet<>();
        long calls = 0;
        long errors = 0;
        for (Map.Entry<EndpointKey, EndpointState> e : w.endpoints.entrySet()) {
            EndpointState s = e.getValue();
            LatencyHistogram histogram = s.histogram.histogram();
            endpoints.add(new EndpointAggregate(id.tenantId(), start, length, id.sourcePartition(), e.getKey(),
                    s.sourceEvents, s.calls, s.classes, s.latencySumMs, s.latencyMaxMs,
                    histogram.quantile(0.95, s.latencyMaxMs), histogram.buckets(), histogram.overflow()));
            providers.add(e.getKey().provider());
            calls += s.calls;
            errors += s.classes.errors();
        }
        List<WindowOverview.TopEndpoint> top = endpoints.stream()
                .sorted(Comparator.comparingLong(EndpointAggregate::calls).reversed()
                        .thenComparing(Comparator.comparingLong(EndpointAggregate::errors).reversed())
                        .thenComparing(EndpointAggregate::endpoint))
                .limit(topEndpoints)
                .map(a -> new WindowOverview.TopEndpoint(a.endpoint(), a.calls(), a.errors()))
                .toList();
        WindowOverview overview = new WindowOverview(id.tenantId(), start, length, id.sourcePartition(),
                w.eventIds.size(), calls, errors, providers.size(), top, topEndpoints);
        return new WindowAggregate(id.tenantId(), start, length, w.revision, endpoints, overview);
    }

    private static void merge(EndpointState s, EnrichedEndpointStats e) {
        s.sourceEvents++;
        s.calls += e.getCount();
        long c2 = 0;
        long c3 = 0;
        long c4 = 0;
        long c5 = 0;
        for (Map.Entry<String, Long> code : e.getStatusCodes().entrySet()) {
            int status = parseStatus(code.getKey());
            long n = code.getValue();
            if (status >= 200 && status < 300) {
                c2 += n;
            } else if (status >= 300 && status < 400) {
                c3 += n;
            } else if (status >= 400 && status < 500) {
                c4 += n;
            } else if (status >= 500 && status < 600) {
                c5 += n;
            }
        }
        s.classes = s.classes.plus(new StatusClasses(c2, c3, c4, c5));
        s.latencySumMs += e.getLatencySumMs();
        if (e.getCount() > 0) {
            s.latencyMaxMs = Math.max(s.latencyMaxMs, e.getLatencyMaxMs());
        }
        for (LatencyBucket b : e.getLatencyBuckets()) {
            s.histogram.addBucket(b.getUpperBoundMs(), b.getCount());
        }
        s.histogram.addOverflow(e.getLatencyOverflowCount());
    }

    private static int parseStatus(String code) {
        try {
            return Integer.parseInt(code.trim());
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    /** The endpoint of a well-formed event, or null when the event breaks the schema's promises. */
    private static EndpointKey validKey(EnrichedEndpointStats e) {
        if (e.getHeader() == null || e.getHeader().getEventId() == null || e.getHeader().getEventId().isEmpty()
                || e.getWindowStart() == null || !TenantId.isValid(e.getTenant().getId())) {
            return null;
        }
        if (e.getCount() < 0 || e.getLatencySumMs() < 0 || e.getLatencyMaxMs() < 0
                || e.getLatencyOverflowCount() < 0) {
            return null;
        }
        long statusSum = 0;
        for (Long n : e.getStatusCodes().values()) {
            if (n == null || n < 0) {
                return null;
            }
            statusSum += n;
        }
        if (statusSum > e.getCount()) {
            return null;
        }
        long previousBound = -1;
        for (LatencyBucket b : e.getLatencyBuckets()) {
            if (b.getCount() < 0 || b.getUpperBoundMs() < 0 || b.getUpperBoundMs() <= previousBound) {
                return null;
            }
            previousBound = b.getUpperBoundMs();
        }
        EndpointRef ref = e.getEndpoint();
        if (ref == null) {
            return null;
        }
        String method = ref.getMethod() == null ? "" : ref.getMethod().trim().toUpperCase(Locale.ROOT);
        String host = ref.getHost() == null ? "" : ref.getHost().trim().toLowerCase(Locale.ROOT);
        String path = ref.getPathTemplate();
        if (!METHOD.matcher(method).matches() || !PROVIDER.matcher(host).matches() || path == null
                || path.isEmpty() || path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024
                || path.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return new EndpointKey(host, method, path);
    }
}
