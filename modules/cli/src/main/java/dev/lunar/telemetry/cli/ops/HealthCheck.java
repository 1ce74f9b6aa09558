package dev.lunar.telemetry.cli.ops;

/** One component's health as the ops endpoint reports it. */
public interface HealthCheck {
    boolean isHealthy();

    /** One line for people: what is wrong and what to do, or what is fine. Never record contents. */
    String detail();

    static HealthCheck of(java.util.function.BooleanSupplier healthy, java.util.function.Supplier<String> detail) {
        return new HealthCheck() {
            @Override
            public boolean isHealthy() {
                return healthy.getAsBoolean();
            }

            @Override
            public String detail() {
                return detail.get();
            }
        };
    }
}
