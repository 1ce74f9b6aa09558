package dev.lunar.telemetry.controlplane.forwarder;

/**
 * Calls per status-code class. Codes outside 200..599 (1xx, or a code that is not a number) are in no class but
 * still count as calls. Errors are the 4xx and 5xx classes: every answer with a status of 400..599.
 */
record StatusClasses(long s2xx, long s3xx, long s4xx, long s5xx) {

    public static final StatusClasses NONE = new StatusClasses(0, 0, 0, 0);

    /** Calls answered 400..599. */
    public long errors() {
        return s4xx + s5xx;
    }

    StatusClasses plus(StatusClasses o) {
        return new StatusClasses(s2xx + o.s2xx, s3xx + o.s3xx, s4xx + o.s4xx, s5xx + o.s5xx);
    }
}
