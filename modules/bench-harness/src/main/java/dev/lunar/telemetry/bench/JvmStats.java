package dev.lunar.telemetry.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * What one JVM used while it ran a benchmark stage: the heap high-water mark (used heap sampled every 10 ms), the
 * largest heap still in use right after a collection (from GC notifications: the live set, independent of how lazily
 * the collector runs), GC count and time, process CPU samples (to compute cores used over any window) and CPU per
 * thread (what limits a stage). Start it when the stage starts; {@link #snapshot()} at the end.
 */
final class JvmStats implements AutoCloseable {

    /**
     * One sample of the process, every 100 ms: wall clock (epoch ms), process CPU time (ns), JIT compilation time
     * (ms, {@code CompilationMXBean}), GC time (ms) and collections (GC MXBeans) — all since the JVM started — and
     * the heap in use.
     */
    record CpuSample(long wallMillis, long cpuNanos, long jitMillis, long gcMillis, long gcCount, long heapUsedBytes) {

        CpuSample(long wallMillis, long cpuNanos) {
            this(wallMillis, cpuNanos, 0, 0, 0, 0);
        }
    }

    /** One machine-wide sample from /proc/stat: wall clock (epoch ms), busy and total CPU time (clock ticks). */
    record MachineSample(long wallMillis, long busyTicks, long totalTicks) {}

    /** The figures, as reported. */
    record Snapshot(long heapPeakUsedBytes, long heapAfterGcMaxBytes, long heapMaxBytes, long gcCount, long gcMillis,
                    List<CpuSample> cpu, Map<String, Long> topThreadsCpuMillis) {}

    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakLive = new AtomicLong();
    private final List<CpuSample> cpu = new ArrayList<>();
    private final List<MachineSample> machine = new ArrayList<>();
    private final boolean sampleMachine;
    private final Map<Long, Long> threadCpuAtStart = new HashMap<>();
    private final Thread sampler;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long gcCountAtStart;
    private final long gcMillisAtStart;
    private volatile boolean running = true;

    JvmStats() {
        this(false);
    }

    /** With {@code sampleMachine}, also samples the whole machine's CPU (Linux /proc/stat), to see other load. */
    JvmStats(boolean sampleMachine) {
        this.sampleMachine = sampleMachine && Files.isReadable(PROC_STAT);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                            .equals(notification.getType())) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long live = 0;
                    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (HEAP_POOLS.contains(pool.getKey())) {
                            live += pool.getValue().getUsed();
                        }
                    }
                    peakLive.accumulateAndGet(live, Math::max);
                }, null, null);
            }
        }
        gcCountAtStart = gcCount();
        gcMillisAtStart = gcMillis();
        if (threads.isThreadCpuTimeSupported()) {
            threads.setThreadCpuTimeEnabled(true);
            for (long id : threads.getAllThreadIds()) {
                threadCpuAtStart.put(id, Math.max(0, threads.getThreadCpuTime(id)));
            }
        }
        sampler = new Thread(this::sample, "bench-jvm-stats");
        sampler.setDaemon(true);
        sampler.start();
    }

    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    private void sample() {
        long nextCpu = 0;
        while (running) {
            peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            long now = System.currentTimeMillis();
            if (now >= nextCpu) {
                synchronized (cpu) {
                    cpu.add(now(now));
                    if (sampleMachine) {
                        machineSample(now).ifPresent(machine::add);
                    }
                }
                nextCpu = now + 100;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * CPU per live thread since this object was made (milliseconds, the eight busiest; numbered threads grouped).
     * Call it before the system under test closes: its threads are gone afterwards.
     */
    Map<String, Long> busiestThreads() {
        Map<String, Long> byThread = new HashMap<>();
        if (threads.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long used = threads.getThreadCpuTime(info.getThreadId()) - threadCpuAtStart.getOrDefault(
                        info.getThreadId(), 0L);
                // Kafka and Reactor number their threads; group by name without the trailing number.
                String name = info.getThreadName().replaceAll("-\\d+$", "-N");
                byThread.merge(name, Math.max(0, used) / 1_000_000, Long::sum);
            }
        }
        return byThread.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(8)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    Snapshot snapshot(Map<String, Long> busiestThreads) {
        synchronized (cpu) {
            cpu.add(now(System.currentTimeMillis()));
        }
        List<CpuSample> samples;
        synchronized (cpu) {
            samples = List.copyOf(cpu);
        }
        return new Snapshot(peakUsed.get(), peakLive.get(), Runtime.getRuntime().maxMemory(),
                gcCount() - gcCountAtStart, gcMillis() - gcMillisAtStart, samples, busiestThreads);
    }

    private CpuSample now(long wallMillis) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        return new CpuSample(wallMillis, os.getProcessCpuTime(), jitMillis, gcMillis(), gcCount(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    private static final Path PROC_STAT = Path.of("/proc/stat");

    private static Optional<MachineSample> machineSample(long now) {
        try (BufferedReader in = Files.newBufferedReader(PROC_STAT)) {
            String[] f = in.readLine().trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return Optional.of(new MachineSample(now, total - idle, total));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Cores the whole machine used between two instants (NaN without /proc/stat samples). */
    double machineCores(long fromMillis, long toMillis) {
        List<MachineSample> samples;
        synchronized (cpu) {
            samples = List.copyOf(machine);
        }
        if (samples.size() < 2 || toMillis <= fromMillis) {
            return Double.NaN;
        }
        MachineSample from = samples.get(0);
        MachineSample to = samples.get(samples.size() - 1);
        for (MachineSample s : samples) {
            if (Math.abs(s.wallMillis() - fromMillis) < Math.abs(from.wallMillis() - fromMillis)) {
                from = s;
            }
            if (Math.abs(s.wallMillis() - toMillis) < Math.abs(to.wallMillis() - toMillis)) {
                to = s;
            }
        }
        long total = to.totalTicks() - from.totalTicks();
        return total <= 0 ? Double.NaN
                : (double) (to.busyTicks() - from.busyTicks()) / total * Runtime.getRuntime().availableProcessors();
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(c -> c > 0).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(c -> c > 0).sum();
    }

    /** CPU cores used between two wall-clock instants (epoch ms), from the samples nearest to them. */
    static double cores(List<CpuSample> samples, long fromMillis, long toMillis) {
        if (samples.size() < 2 || toMillis <= fromMillis) {
            return Double.NaN;
        }
        CpuSample from = nearest(samples, fromMillis);
        CpuSample to = nearest(samples, toMillis);
        long wall = to.wallMillis() - from.wallMillis();
        return wall <= 0 ? Double.NaN : (to.cpuNanos() - from.cpuNanos()) / 1e6 / wall;
    }

    private static CpuSample nearest(List<CpuSample> samples, long millis) {
        CpuSample best = samples.get(0);
        for (CpuSample s : samples) {
            if (Math.abs(s.wallMillis() - millis) < Math.abs(best.wallMillis() - millis)) {
                best = s;
            }
        }
        return best;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
