package dev.lunar.telemetry.events;

/**
 * Header names on {@link Topics#DEAD_LETTERS} records. The value of a dead letter is the original record's
 * bytes, untouched; these headers say where it came from and why it could not go on.
 */
public final class DeadLetterHeaders {
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** Which step gave up: {@code decode}, {@code validate}, {@code enrich}, {@code deliver:<destination>}. */
    public static final String STAGE = "dlq.stage";
    /** Machine-readable reason, e.g. {@link BadRecordException.Reason} names. */
    public static final String REASON = "dlq.reason";
    /** Human-readable explanation; never contains record contents. */
    public static final String DETAIL = "dlq.detail";

    private DeadLetterHeaders() {}
}
