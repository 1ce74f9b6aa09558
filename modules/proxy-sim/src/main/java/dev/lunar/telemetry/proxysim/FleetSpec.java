package dev.lunar.telemetry.proxysim;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The simulated fleet and its load: {@code proxies} proxies spread round-robin over {@code tenants} tenants (whose
 * plans cycle OPEN_SOURCE, CONTROL_PLANE, SANDBOX, so three or more tenants cover every plan), publishing
 * {@code ratePerSecond} events per second in all, for {@code duration} or until stopped. Everything the simulator
 * generates — names, keys, planted secrets, event contents and ids — follows from {@code seed}.
 *
 * @param proxies       1 to 100 000
 * @param tenants       1 to {@code proxies}: every tenant gets at least one proxy, so every planted secret is sent
 * @param ratePerSecond total events per second over the whole fleet, above 0 and at most 1 000 000
 * @param duration      how long to run; empty = until {@link FleetSimulator#stop()}
 * @param seed          makes the run reproducible
 */
public record FleetSpec(int proxies, int tenants, double ratePerSecond, Optional<Duration> duration, long seed) {

    public static final int MAX_PROXIES = 100_000;
    public static final double MAX_RATE = 1_000_000;

    public FleetSpec {
        if (proxies < 1 || proxies > MAX_PROXIES) {
            throw new IllegalArgumentException("proxies is " + proxies + ": simulate 1 to " + MAX_PROXIES + " proxies");
        }
        if (tenants < 1 || tenants > proxies) {
            throw new IllegalArgumentException("tenants is " + tenants + " for " + proxies + " proxies: use 1 to "
                    + proxies + ", so that every tenant has at least one proxy sending its data");
        }
        if (!(ratePerSecond > 0) || ratePerSecond > MAX_RATE || Double.isNaN(ratePerSecond)) {
            throw new IllegalArgumentException("rate is " + ratePerSecond + " events/s: use more than 0 and at most "
                    + (long) MAX_RATE);
        }
        Objects.requireNonNull(duration, "duration");
        duration.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration is " + d + ": use a positive duration, or none to run"
                        + " until stopped");
            }
        });
    }

    /** A spec that runs until stopped. */
    public static FleetSpec of(int proxies, int tenants, double ratePerSecond, long seed) {
        return new FleetSpec(proxies, tenants, ratePerSecond, Optional.empty(), seed);
    }

    public FleetSpec withDuration(Duration value) {
        return new FleetSpec(proxies, tenants, ratePerSecond, Optional.of(value), seed);
    }
}
