package dev.lunar.telemetry.proxysim;

import dev.lunar.telemetry.events.EventKind;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The simulator's live progress: one line at most once per second, e.g.
 * {@code [00:12] 1,002 events/s (target 1,000) | sent 12,034: logs 6,010, resources 1,450, heartbeats 960,
 * policies 602, endpoints 3,012 | acknowledged 12,000 | failed 0}. The rate is the one since the previous line.
 */
final class ProgressLine {

    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintWriter out;
    private final double targetRate;
    private final long startNanos;
    private long lastNanos;
    private long lastTotal;
    private int printed;

    ProgressLine(PrintWriter out, double targetRate, long startNanos) {
        this.out = out;
        this.targetRate = targetRate;
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
    }

    /** When the next line may be printed. */
    long nextAt() {
        return lastNanos + INTERVAL_NANOS;
    }

    int printed() {
        return printed;
    }

    /** Prints a line if a second has passed since the previous one (or the start). */
    boolean maybePrint(long nowNanos, long[] sentPerKind, long acknowledged, long failed) {
        if (nowNanos - lastNanos < INTERVAL_NANOS) {
            return false;
        }
        long total = 0;
        for (long n : sentPerKind) {
            total += n;
        }
        double rate = (total - lastTotal) * 1e9 / (nowNanos - lastNanos);
        out.println(format((nowNanos - startNanos) / 1_000_000_000L, rate, targetRate, sentPerKind, acknowledged,
                failed));
        out.flush();
        lastNanos = nowNanos;
        lastTotal = total;
        printed++;
        return true;
    }

    static String format(long elapsedSeconds, double rate, double targetRate, long[] sentPerKind, long acknowledged,
            long failed) {
        StringBuilder line = new StringBuilder(160);
        long h = elapsedSeconds / 3600;
        long m = elapsedSeconds / 60 % 60;
        long s = elapsedSeconds % 60;
        line.append(h > 0 ? String.format(Locale.ROOT, "[%d:%02d:%02d] ", h, m, s)
                : String.format(Locale.ROOT, "[%02d:%02d] ", m, s));
        line.append(String.format(Locale.ROOT, "%,.0f events/s (target %,.0f) | sent %,d: ", rate, targetRate,
                sum(sentPerKind)));
        appendKinds(line, sentPerKind);
        line.append(String.format(Locale.ROOT, " | acknowledged %,d | failed %,d", acknowledged, failed));
        return line.toString();
    }

    static void appendKinds(StringBuilder line, long[] perKind) {
        EventKind[] kinds = EventKind.values();
        for (int k = 0; k < kinds.length; k++) {
            if (k > 0) {
                line.append(", ");
            }
            line.append(kinds[k].id()).append(' ').append(String.format(Locale.ROOT, "%,d", perKind[k]));
        }
    }

    static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }
}
