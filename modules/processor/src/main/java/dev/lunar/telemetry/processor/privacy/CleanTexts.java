package dev.lunar.telemetry.processor.privacy;

/**
 * Short texts one {@link ValueRedactor}'s rules and detectors found nothing in, remembered so that the same text seen
 * again skips the scans. A fleet repeats its values (host names, versions, regions, tag values, templated messages)
 * record after record; each costs a fold, a literal scan and the detectors, a hit costs a hash and a comparison.
 *
 * <p>Direct-mapped: a text takes the slot of its hash, replacing what was there, so the memory is bounded (slots
 * × {@link #MAX_LENGTH}) and a fleet whose values drift keeps its current ones. Only texts the scans found clean are
 * kept — what would leave anyway — never a text that held a secret. Only the rules' and detectors' verdict is kept:
 * the event's own literal secrets are still looked for on every call. Thread-safe without locks: a slot holds an
 * immutable {@link String}, and a lost race only costs a later miss.
 */
final class CleanTexts {

    /** Longer texts are not remembered: free-text log lines rarely repeat, values and names do. */
    static final int MAX_LENGTH = 256;

    private final String[] slots;
    private final int mask;

    /** @param slots a power of two */
    CleanTexts(int slots) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, not " + slots);
        }
        this.slots = new String[slots];
        this.mask = slots - 1;
    }

    /** Whether {@code text} was {@linkplain #remember remembered} and is still in its slot. */
    boolean contains(String text) {
        if (text.length() > MAX_LENGTH) {
            return false;
        }
        String known = slots[slot(text)];
        return known != null && known.equals(text);
    }

    /** Remembers {@code text}, which the scans found clean; a text too long to be worth it is ignored. */
    void remember(String text) {
        if (text.length() <= MAX_LENGTH) {
            slots[slot(text)] = text;
        }
    }

    private int slot(String text) {
        int h = text.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }
}
