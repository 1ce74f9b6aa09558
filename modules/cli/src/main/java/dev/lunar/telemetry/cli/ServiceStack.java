package dev.lunar.telemetry.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one process runs, closed in reverse start order — forwarders before the processor before the broker, so
 * each drains into something still alive. Closed once, by whichever comes first: SIGTERM / Ctrl-C (the JVM
 * shutdown hook) or {@link #close()}.
 */
final class ServiceStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceStack.class);

    private final Deque<Named> started = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook = new Thread(this::close, "lunar-shutdown");
    private boolean closing;

    ServiceStack() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized <T extends AutoCloseable> T add(String name, T service) {
        started.push(new Named(name, service));
        return service;
    }

    /** Blocks until the stack is closed (SIGTERM, Ctrl-C or {@link #close()}). */
    void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        Named next;
        while ((next = poll()) != null) {
            try {
                log.info("stopping {}", next.name);
                next.service.close();
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", next.name, e.toString());
            }
        }
        closed.countDown();
    }

    private synchronized Named poll() {
        return started.poll();
    }

    private record Named(String name, AutoCloseable service) {}
}
