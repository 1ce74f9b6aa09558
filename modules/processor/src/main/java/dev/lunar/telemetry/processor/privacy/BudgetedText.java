package dev.lunar.telemetry.processor.privacy;

/**
 * The text a redaction rule scans, read through {@link #charAt} so that the scan itself keeps to the record's
 * {@link ScrubBudget}: every {@value #CHECK_EVERY} characters read, the budget is checked. It also counts the
 * characters read, which the tests use to show the scan is linear without timing anything. Not thread-safe (one per
 * redaction call).
 */
final class BudgetedText implements CharSequence {

    static final int CHECK_EVERY = 4096;

    private final String text;
    private final ScrubBudget budget;
    private int untilCheck = CHECK_EVERY;
    private long reads;

    BudgetedText(String text, ScrubBudget budget) {
        this.text = text;
        this.budget = budget;
    }

    @Override
    public char charAt(int index) {
        if (--untilCheck <= 0) {
            reads += CHECK_EVERY - untilCheck;
            untilCheck = CHECK_EVERY;
            budget.check();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    /** The characters {@code [start, end)} as a text of their own, read (and counted, and budgeted) through this. */
    CharSequence window(int start, int end) {
        BudgetedText whole = this;
        return new CharSequence() {
            @Override
            public char charAt(int index) {
                return whole.charAt(start + index);
            }

            @Override
            public int length() {
                return end - start;
            }

            @Override
            public CharSequence subSequence(int from, int to) {
                return text.subSequence(start + from, start + to);
            }

            @Override
            public String toString() {
                return text.substring(start, end);
            }
        };
    }

    @Override
    public String toString() {
        return text;
    }

    /** Characters read so far (by the regex engine and the rules' checks). */
    long reads() {
        return reads + CHECK_EVERY - untilCheck;
    }
}
