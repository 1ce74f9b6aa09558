package dev.lunar.telemetry.controlplane;

import dev.lunar.telemetry.health.HealthCheck;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Whether the database answers, probed every {@value #PROBE_SECONDS} seconds on the blocking scheduler, so that
 * health checks on an event loop read a flag instead of opening a connection.
 */
final class StorageHealth implements AutoCloseable, HealthCheck {
    static final int PROBE_SECONDS = 5;

    private final Disposable probe;
    private volatile boolean up = true; // the store was just opened and its tables created

    StorageHealth(AggregateStore store, Scheduler blocking) {
        this.probe = blocking.schedulePeriodically(() -> up = store.isHealthy(), PROBE_SECONDS, PROBE_SECONDS,
                TimeUnit.SECONDS);
    }

    @Override
    public boolean isHealthy() {
        return up;
    }

    @Override
    public String healthDetail() {
        return up ? "database answers" : "database does not answer: check control-plane.storage.jdbc-url and that"
                + " the database is running";
    }

    @Override
    public void close() {
        probe.dispose();
    }
}
