package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The budget is spent by scrubbing, not by the machine being busy: it counts the thread's CPU time. */
class ScrubBudgetCpuTimeTest {

    @Test
    void timeTheThreadSpendsWithoutACoreDoesNotSpendTheBudget() {
        ScrubBudget budget = ScrubBudget.startingNow(Duration.ofMillis(20));
        // Stands for a descheduled thread or a GC pause: five budgets of elapsed time, almost no CPU time.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        while (System.nanoTime() - until < 0) {
            LockSupport.parkNanos(until - System.nanoTime());
        }

        assertThatCode(budget::check).doesNotThrowAnyException();
    }

    @Test
    @Timeout(60) // a safety net if the budget were never spent; the assertion is that it is
    void scrubbingWorkSpendsTheBudget() {
        ScrubBudget budget = ScrubBudget.startingNow(Duration.ofMillis(20));

        assertThatThrownBy(() -> {
            long sink = 0;
            while (true) {
                for (int i = 0; i < 10_000; i++) {
                    sink += Long.hashCode(sink * 31 + i);
                }
                budget.check();
                if (sink == 42) {
                    return; // keeps the loop's work observable to the JIT
                }
            }
        }).isInstanceOf(ScrubBudget.Exceeded.class).hasMessageContaining("processor.scrub-budget");
    }

    @Test
    void anUnboundedBudgetIsNeverSpent() {
        assertThatCode(ScrubBudget.NONE::check).doesNotThrowAnyException();
    }
}
