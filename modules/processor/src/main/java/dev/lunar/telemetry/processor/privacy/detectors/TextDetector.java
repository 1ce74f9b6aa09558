package dev.lunar.telemetry.processor.privacy.detectors;

/**
 * One class of sensitive data found in free text by validation, not by shape alone: a payment card number must pass
 * Luhn and carry a known issuer prefix, an IBAN must pass mod-97, a phone number must parse. The value redactor runs
 * every detector over the same text as its patterns and replaces what they report by the marker.
 *
 * <p>Contract: {@link #find} runs in time linear in the text's length on any input (no backtracking regex, no nested
 * rescans), reports spans in increasing, non-overlapping order, and looks only at a bounded neighbourhood of a span
 * to decide (a boundary character, a context word a few characters before it). Spans of different detectors may
 * overlap; the redactor takes their union. Implementations are stateless and thread-safe.
 */
public interface TextDetector {

    /** The rule's name, also the {@code pattern} tag of {@code lunar.processor.redactions}, e.g. {@code payment-card}. */
    String name();

    /** Reports each range {@code [start, end)} of {@code text} that holds what this detector finds. */
    void find(String text, SpanSink out);

    /**
     * Fewer ASCII digits than this in a span means it is never reported; the redactor skips the detector on text
     * with fewer (most text has none). The detector tests check it on every span they see.
     */
    default int minDigits() {
        return 0;
    }

    /** Receives the ranges a detector found. */
    @FunctionalInterface
    interface SpanSink {
        void span(int start, int end);
    }
}
