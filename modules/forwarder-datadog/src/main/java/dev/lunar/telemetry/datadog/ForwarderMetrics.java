package dev.lunar.telemetry.datadog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The forwarder's own meters (the kit adds {@code telemetry.consumer.*} with {@code consumer=datadog-forwarder}):
 * <ul>
 *   <li>{@code datadog.forwarder.requests} ({@code api}=logs|series|dogstatsd, {@code destination}=primary|tenant,
 *       {@code outcome}=accepted|retry|auth_failed|rejected|already_accepted)</li>
 *   <li>{@code datadog.forwarder.not.sent} ({@code kind}=log|point, {@code reason}=too_old|too_far_ahead): data
 *       Datadog would refuse for its timestamp, counted and reported instead of sent</li>
 *   <li>{@code datadog.forwarder.truncated}: log entries over 1 MB whose message was cut</li>
 * </ul>
 */
final class ForwarderMetrics {

    private final MeterRegistry registry;
    final AtomicLong notSent = new AtomicLong();
    final AtomicLong truncated = new AtomicLong();

    ForwarderMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void request(IntakeRequest request, String outcome) {
        Counter.builder("datadog.forwarder.requests")
                .tag("api", request.api())
                .tag("destination", request.destination().primary() ? "primary" : "tenant")
                .tag("outcome", outcome)
                .register(registry).increment();
    }

    void notSent(String kind, String reason) {
        notSent.incrementAndGet();
        Counter.builder("datadog.forwarder.not.sent").tag("kind", kind).tag("reason", reason)
                .register(registry).increment();
    }

    void truncated() {
        truncated.incrementAndGet();
        Counter.builder("datadog.forwarder.truncated").register(registry).increment();
    }
}
