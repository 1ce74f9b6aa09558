package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.settings.Durations;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaTopics;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.proxysim.FleetSimulator;
import dev.lunar.telemetry.proxysim.FleetSpec;
import dev.lunar.telemetry.proxysim.PublisherSettings;
import dev.lunar.telemetry.proxysim.TelemetryPublisher;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code lunar-telemetry simulate}: a seeded fleet of simulated proxies publishing realistic raw telemetry — planted
 * secrets included — to a running pipeline. Writes the simulated tenants to {@code tenants.v1} first; Ctrl-C stops
 * cleanly, flushing what was sent and printing a summary.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Publishes realistic telemetry of a simulated proxy fleet (all five kinds, all three plans,"
                + " with planted secrets the processor must remove) to Kafka's raw topics.",
                "Writes the simulated tenants to tenants.v1 first and creates missing pipeline topics.",
                "Runs for --duration, or until Ctrl-C; prints progress once per second and a summary at the end."})
final class SimulateCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--proxies", paramLabel = "N", defaultValue = "10",
            description = "Simulated proxies (default: ${DEFAULT-VALUE}).")
    int proxies;

    @Option(names = "--tenants", paramLabel = "M", defaultValue = "3",
            description = "Tenants the proxies belong to, plans cycling open-source, control-plane, sandbox;"
                    + " at most N (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "100", converter = RateConverter.class,
            description = "Events per second over the whole fleet, e.g. 500 or 500/s (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "How long to run: 500ms, 30s, 5m, 1h or ISO-8601 (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of names, keys, secrets and events; the same seed gives the same fleet"
                    + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetSpec fleetSpec;
        try {
            fleetSpec = new FleetSpec(proxies, tenants, rate, Optional.ofNullable(duration), seed);
        } catch (IllegalArgumentException e) {
            err.println("Error: " + e.getMessage());
            return 2;
        }
        ConfigSource config = kafka.config();
        CoreSettings core = CoreSettings.from(config);
        String servers = kafka.bootstrapServers(config);
        FleetSimulator fleet = FleetSimulator.create(fleetSpec);

        try {
            List<TopicSpec> topics = Topics.all().stream()
                    .map(t -> new TopicSpec(t.name(), core.partitions(), t.compacted(), Map.of())).toList();
            KafkaTopics.createTopics(servers, topics, Duration.ofSeconds(30));
            out.printf("Kafka: %s (%d pipeline topics ready)%n", servers, topics.size());
            fleet.writeTenants(servers, Duration.ofSeconds(30));
        } catch (IllegalStateException e) {
            err.println("Error: cannot use Kafka at " + servers + ": " + e.getMessage()
                    + ". Start it (e.g. `lunar-telemetry run`) or pass --bootstrap-servers.");
            return 1;
        }
        out.printf("Wrote %d tenants to %s: %s%n", tenants, Topics.TENANTS, plans(fleet.tenants()));
        out.printf(Locale.ROOT, "Simulating %d proxies at %,.0f events/s %s (seed %d); %d planted secrets. %s%n",
                proxies, rate, duration == null ? "until stopped" : "for " + humane(duration), seed,
                fleet.canaries().size(), duration == null ? "Ctrl-C stops." : "Ctrl-C stops early.");
        out.flush();

        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            fleet.stop();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulate-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            FleetSimulator.Summary summary;
            try (TelemetryPublisher publisher = TelemetryPublisher.create(PublisherSettings.builder(servers).build())) {
                summary = fleet.run(publisher, out);
            }
            out.println((summary.stopped() ? "Stopped. " : "Done. ") + summary.describe());
            out.flush();
            return summary.failed() == 0 ? 0 : 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the summary above.
            }
        }
    }

    private static String plans(List<TenantMetadata> tenants) {
        Map<TenantPlan, Integer> counts = new EnumMap<>(TenantPlan.class);
        tenants.forEach(t -> counts.merge(t.getPlan(), 1, Integer::sum));
        StringBuilder text = new StringBuilder();
        counts.forEach((plan, n) -> text.append(text.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(plan.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        return text.toString();
    }

    private static String humane(Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    /** {@code 500}, {@code 500/s} or {@code 2.5}. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            if (text.endsWith("/s")) {
                text = text.substring(0, text.length() - 2).trim();
            }
            try {
                return Double.parseDouble(text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a rate; write events per second, e.g. 500"
                        + " or 500/s");
            }
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 such as {@code PT30S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value).orElseThrow(() -> new TypeConversionException(
                    "'" + value + "' is not a duration; write e.g. 500ms, 30s, 5m or 1h"));
        }
    }
}
