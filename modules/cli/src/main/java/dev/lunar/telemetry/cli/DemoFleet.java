package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.proxysim.FleetSimulator;
import dev.lunar.telemetry.proxysim.FleetSpec;
import dev.lunar.telemetry.proxysim.PublisherSettings;
import dev.lunar.telemetry.proxysim.TelemetryPublisher;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run --demo}: a small simulated fleet (10 proxies, one tenant per plan, 50 events/s, planted secrets
 * included) publishing into the embedded stack, so a newcomer sees data reach the Datadog outbox and the dashboard.
 */
final class DemoFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoFleet.class);
    static final FleetSpec SPEC = new FleetSpec(10, 3, 50, Optional.empty(), 42);

    private final FleetSimulator fleet;
    private final TelemetryPublisher publisher;
    private final Thread thread;

    private DemoFleet(FleetSimulator fleet, TelemetryPublisher publisher) {
        this.fleet = fleet;
        this.publisher = publisher;
        // Progress lines would bury the start-up banner; the fleet's summary is logged when it stops.
        this.thread = new Thread(() -> {
            FleetSimulator.Summary summary = fleet.run(publisher, new PrintWriter(Writer.nullWriter()));
            log.info("demo fleet stopped: {}", summary.describe());
        }, "demo-fleet");
        thread.setDaemon(true);
    }

    static DemoFleet start(String bootstrapServers, PrintWriter out) {
        FleetSimulator fleet = FleetSimulator.create(SPEC);
        fleet.writeTenants(bootstrapServers, Duration.ofSeconds(30));
        DemoFleet demo = new DemoFleet(fleet, TelemetryPublisher.create(PublisherSettings.builder(bootstrapServers)
                .build()));
        demo.thread.start();
        out.printf("Demo: %d simulated proxies of %s at %.0f events/s (planted secrets included)%n",
                SPEC.proxies(), names(fleet.tenants()), SPEC.ratePerSecond());
        out.flush();
        return demo;
    }

    /** A fresh random token for each CONTROL_PLANE tenant of the demo fleet. */
    static java.util.Map<String, String> dashboardTokens() {
        java.util.Map<String, String> tokens = new java.util.LinkedHashMap<>();
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (TenantMetadata tenant : FleetSimulator.create(SPEC).tenants()) {
            if (tenant.getPlan() == dev.lunar.telemetry.events.avro.TenantPlan.CONTROL_PLANE) {
                byte[] bytes = new byte[18];
                random.nextBytes(bytes);
                tokens.put(tenant.getId(), java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            }
        }
        return tokens;
    }

    List<TenantMetadata> tenants() {
        return fleet.tenants();
    }

    /** Every secret the fleet plants, for tests that prove none leaves. */
    List<String> plantedSecrets() {
        return List.copyOf(fleet.canaries().values());
    }

    private static String names(List<TenantMetadata> tenants) {
        StringBuilder text = new StringBuilder();
        for (TenantMetadata t : tenants) {
            text.append(text.length() == 0 ? "" : ", ").append(t.getId()).append(" (")
                    .append(t.getPlan().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(')');
        }
        return text.toString();
    }

    @Override
    public void close() throws InterruptedException {
        fleet.stop();
        thread.join(Duration.ofSeconds(30).toMillis());
        publisher.close();
    }
}
