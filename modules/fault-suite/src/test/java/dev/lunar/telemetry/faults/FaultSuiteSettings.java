package dev.lunar.telemetry.faults;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How big a run is. The defaults are the short form CI runs; a soak is chosen by hand with system properties:
 *
 * <pre>
 * mvn -B -ntp -pl modules/fault-suite -am verify -Dlunar.faults.events=50000 -Dlunar.faults.kills=10
 * </pre>
 *
 * @param events         {@code lunar.faults.events} (3,000): events sent, plus 1 % poison records
 * @param kills          {@code lunar.faults.kills} (3): how often the processor, and the forwarder, are killed hard
 * @param brokerRestarts {@code lunar.faults.broker-restarts} (1): broker stops and starts in the broker scenario
 * @param perSecond      {@code lunar.faults.rate} (0 = automatic: 100/s, or enough for about two minutes of
 *                       traffic in a soak): how fast the fleet produces
 * @param output         {@code lunar.faults.output} ({@code target/fault-suite}): broker data and service logs
 * @param brokerScenarioDelivery {@code lunar.faults.broker-delivery} ({@code at-least-once}): the processor's
 *                       delivery mode in the broker scenario (the kill scenario always runs {@code exactly-once})
 *
 * <p>{@code lunar.faults.service-log-level} (INFO) sets {@code LUNAR_LOG_LEVEL} of the service JVMs, e.g. DEBUG to see
 * Reactor Kafka's rebalance handling in {@code target/fault-suite/<scenario>/*.log}.
 */
record FaultSuiteSettings(int events, int kills, int brokerRestarts, double perSecond, Path output,
                          String brokerScenarioDelivery) {

    static FaultSuiteSettings fromSystemProperties() {
        int events = Integer.getInteger("lunar.faults.events", 3000);
        int kills = Integer.getInteger("lunar.faults.kills", 3);
        int restarts = Integer.getInteger("lunar.faults.broker-restarts", 1);
        double rate = Double.parseDouble(System.getProperty("lunar.faults.rate", "0"));
        if (events < 500 || kills < 1 || restarts < 1 || rate < 0) {
            throw new IllegalArgumentException("lunar.faults.events must be at least 500, lunar.faults.kills and"
                    + " lunar.faults.broker-restarts at least 1, lunar.faults.rate 0 (automatic) or more; was events="
                    + events + ", kills=" + kills + ", broker-restarts=" + restarts + ", rate=" + rate);
        }
        if (rate == 0) {
            rate = Math.max(100, events / 120.0);
        }
        Path output = Path.of(System.getProperty("lunar.faults.output", "target/fault-suite")).toAbsolutePath();
        String delivery = System.getProperty("lunar.faults.broker-delivery", "at-least-once");
        if (!delivery.equals("at-least-once") && !delivery.equals("exactly-once")) {
            throw new IllegalArgumentException("lunar.faults.broker-delivery must be at-least-once or exactly-once,"
                    + " was " + delivery);
        }
        return new FaultSuiteSettings(events, kills, restarts, rate, output, delivery);
    }

    /** How long production takes at {@link #perSecond}. */
    Duration productionTime() {
        return Duration.ofMillis((long) (events * 1.02 / perSecond * 1000));
    }

    /**
     * Bound of any single wait for progress: generous, because two cores are shared with other builds. Reaching it
     * means the pipeline stopped making progress — a hang — and the test fails with a diagnosis.
     */
    Duration patience() {
        return Duration.ofMinutes(3).plus(productionTime());
    }
}
