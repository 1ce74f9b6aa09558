package dev.lunar.telemetry.processor.privacy;

import java.time.Duration;

/**
 * How long scrubbing one record may take ({@code processor.scrub-budget}). The redactor checks it between rules and,
 * through {@link BudgetedText}, inside a single scan every few thousand characters, so no input can keep a record in
 * the scrubber for long past its budget. Past it, {@link #check} throws {@link Exceeded} and the record is
 * dead-lettered without its content: it is never forwarded half-scrubbed (DESIGN.md P3).
 */
public final class ScrubBudget {

    /** No limit: tools, tests and the key-decision cache. */
    static final ScrubBudget NONE = new ScrubBudget(Long.MAX_VALUE, null);

    private final long deadlineNanos;
    private final Duration budget;

    private ScrubBudget(long deadlineNanos, Duration budget) {
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
    }

    /** A budget of {@code budget} from now. */
    public static ScrubBudget startingNow(Duration budget) {
        return new ScrubBudget(System.nanoTime() + budget.toNanos(), budget);
    }

    boolean bounded() {
        return budget != null;
    }

    /** @throws Exceeded when the budget is spent */
    void check() {
        if (budget != null && System.nanoTime() - deadlineNanos > 0) {
            throw new Exceeded(budget);
        }
    }

    /** Scrubbing a record took longer than its budget; the message names the setting, never the record. */
    public static final class Exceeded extends RuntimeException {
        Exceeded(Duration budget) {
            super("scrubbing the record took longer than processor.scrub-budget (" + budget.toMillis() + " ms)", null,
                    false, false);
        }
    }
}
