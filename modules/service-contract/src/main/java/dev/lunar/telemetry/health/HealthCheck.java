package dev.lunar.telemetry.health;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One component's health, as the ops endpoint ({@code /health}, {@code lunar_up}) reports it. The processor, both
 * forwarders, the control plane (and its storage probe) and a consumer's snapshot implement it, so the launcher
 * registers them as they are.
 */
public interface HealthCheck {

    /** False when the component cannot do its job and someone should look; retrying a destination is healthy. */
    boolean isHealthy();

    /** One line for people: what is wrong and what to do, or what is fine. Never record contents. */
    String healthDetail();

    /** A check made of two functions, for parts that are not services (the embedded broker). */
    static HealthCheck of(BooleanSupplier healthy, Supplier<String> detail) {
        return new HealthCheck() {
            @Override
            public boolean isHealthy() {
                return healthy.getAsBoolean();
            }

            @Override
            public String healthDetail() {
                return detail.get();
            }
        };
    }
}
