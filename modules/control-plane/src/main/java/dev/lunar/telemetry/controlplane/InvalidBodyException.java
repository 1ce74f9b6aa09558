package dev.lunar.telemetry.controlplane;

/** A request body the API refuses (400); the message names the field, e.g. {@code windows[0].endpoints[2].calls}. */
final class InvalidBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    InvalidBodyException(String field, String problem) {
        super(field.isEmpty() ? problem : field + ": " + problem, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
