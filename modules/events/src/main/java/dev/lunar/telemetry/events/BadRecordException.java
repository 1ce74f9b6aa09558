package dev.lunar.telemetry.events;

/**
 * A record that cannot be read as the expected event. Raised by {@link AvroCodec#decode}; the caller sends the
 * original bytes to the dead-letter topic with {@link #reason()} and {@link #getMessage()}. Messages describe the
 * bytes' shape, never their contents.
 */
public final class BadRecordException extends RuntimeException {

    /** Why a record could not be read. */
    public enum Reason {
        /** No bytes at all (a null or empty value). */
        EMPTY,
        /** Not Avro single-object encoding: too short for the header, or the marker bytes are wrong. */
        NOT_SINGLE_OBJECT,
        /** The schema fingerprint is not among the versions kept in {@code schemas/}. */
        UNKNOWN_FINGERPRINT,
        /** Written with a schema of another record type than the topic carries. */
        WRONG_TYPE,
        /** The body ends before the schema says it should. */
        TRUNCATED,
        /** The body does not follow its schema (bad lengths, bad union index, trailing bytes...). */
        MALFORMED,
        /** Decoded, but a required field is missing or empty (e.g. no event id). */
        INVALID
    }

    private final Reason reason;

    public BadRecordException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BadRecordException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
