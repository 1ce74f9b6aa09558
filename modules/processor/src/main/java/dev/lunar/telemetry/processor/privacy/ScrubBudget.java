package dev.lunar.telemetry.processor.privacy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * How much of its thread's CPU time scrubbing one record may take ({@code processor.scrub-budget}). The redactor
 * checks it between rules and, through {@link BudgetedText}, inside a single scan every few thousand characters, so no
 * input can keep a record in the scrubber for long past its budget. Past it, {@link #check} throws {@link Exceeded}
 * and the record is dead-lettered without its content: it is never forwarded half-scrubbed (DESIGN.md P3).
 *
 * <p>CPU time, not elapsed time: the budget exists to stop inputs that are expensive to scrub, and a record that is
 * cheap to scrub must not be dead-lettered because the machine was busy, a GC paused the world or the thread waited
 * for a core (the fault suite saw ordinary records dead-lettered under a load average of 40 when this was elapsed
 * time). The elapsed-time clock stays as a cheap pre-check: CPU time never exceeds elapsed time, so the thread's CPU
 * clock is read only once a record has been in the scrubber for its whole budget of elapsed time.
 */
public final class ScrubBudget {

    /** No limit: tools, tests and the key-decision cache. */
    static final ScrubBudget NONE = new ScrubBudget(null, 0L);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_CLOCK = cpuClockAvailable();

    private final Duration budget;
    private final long cpuAtStartNanos;
    private final Thread owner;
    private long checkCpuAfterNanos;

    private ScrubBudget(Duration budget, long cpuAtStartNanos) {
        this.budget = budget;
        this.cpuAtStartNanos = cpuAtStartNanos;
        this.owner = Thread.currentThread();
        this.checkCpuAfterNanos = budget == null ? Long.MAX_VALUE : System.nanoTime() + budget.toNanos();
    }

    /** A budget of {@code budget} of the calling thread's CPU time, counted from now; checked on this thread. */
    public static ScrubBudget startingNow(Duration budget) {
        return new ScrubBudget(budget, cpuNow());
    }

    boolean bounded() {
        return budget != null;
    }

    /** @throws Exceeded when the budget is spent */
    void check() {
        if (budget == null || System.nanoTime() - checkCpuAfterNanos < 0) {
            return;
        }
        if (!CPU_CLOCK || Thread.currentThread() != owner) {
            throw new Exceeded(budget); // no CPU clock to ask: elapsed time is all we have, fail closed
        }
        long left = budget.toNanos() - (cpuNow() - cpuAtStartNanos);
        if (left <= 0) {
            throw new Exceeded(budget);
        }
        checkCpuAfterNanos = System.nanoTime() + left; // at least that much elapsed time before it can be spent
    }

    private static long cpuNow() {
        return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : 0L;
    }

    private static boolean cpuClockAvailable() {
        try {
            return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** Scrubbing a record took more CPU time than its budget; the message names the setting, never the record. */
    public static final class Exceeded extends RuntimeException {
        Exceeded(Duration budget) {
            super("scrubbing the record took more than processor.scrub-budget (" + budget.toMillis()
                    + " ms of CPU time)", null, false, false);
        }
    }
}
