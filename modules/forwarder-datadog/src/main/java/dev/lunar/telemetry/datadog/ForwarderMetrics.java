package dev.lunar.telemetry.datadog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The forwarder's own meters (the kit adds {@code lunar.consumer.*} with {@code consumer=datadog-forwarder}):
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

    /** The answers a request can get; {@code already_accepted} = a redelivery not sent again. */
    static final List<String> OUTCOMES = List.of("accepted", "retry", "auth_failed", "rejected", "already_accepted");

    ForwarderMetrics(MeterRegistry registry) {
        this.registry = registry;
        // The pipeline's own account's series at zero from the start: an alert on auth_failed must see 0, not nothing.
        for (String api : List.of(IntakeRequest.LOGS, IntakeRequest.SERIES)) {
            OUTCOMES.forEach(outcome -> requests(api, "primary", outcome));
        }
        for (String kind : List.of("log", "point")) {
            for (String reason : List.of("too_old", "too_far_ahead")) {
                Counter.builder("datadog.forwarder.not.sent").tag("kind", kind).tag("reason", reason).register(registry);
            }
        }
        Counter.builder("datadog.forwarder.truncated").register(registry);
    }

    void request(IntakeRequest request, String outcome) {
        requests(request.api(), request.destination().primary() ? "primary" : "tenant", outcome).increment();
    }

    private Counter requests(String api, String destination, String outcome) {
        return Counter.builder("datadog.forwarder.requests").tag("api", api).tag("destination", destination)
                .tag("outcome", outcome).register(registry);
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
