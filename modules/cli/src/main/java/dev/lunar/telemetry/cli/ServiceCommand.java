package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * One service alone, against an existing Kafka ({@code kafka.bootstrap-servers}, else 127.0.0.1:9092) — how the
 * pipeline runs as separate processes or replicas. Runs until Ctrl-C / SIGTERM, then drains and stops.
 */
abstract class ServiceCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    abstract Pipeline.Service service();

    @Override
    public Integer call() throws Exception {
        ConfigSource config = configOptions.load();
        PrintWriter out = spec.commandLine().getOut();
        try (Pipeline pipeline = Pipeline.start(config, CoreSettings.from(config), out, false,
                EnumSet.of(service()))) {
            out.printf("%s is running. Press Ctrl-C to stop.%n", spec.name());
            out.flush();
            pipeline.awaitClose();
        }
        return 0;
    }

    @Command(name = "processor", mixinStandardHelpOptions = true,
            description = "Runs the enrich + denylist processor alone: proxy.<kind>.v1 -> telemetry.<kind>.v1.")
    static final class Processor extends ServiceCommand {
        @Override
        Pipeline.Service service() {
            return Pipeline.Service.PROCESSOR;
        }
    }

    @Command(name = "forward-datadog", mixinStandardHelpOptions = true,
            description = {"Runs the Datadog forwarder alone: telemetry.<kind>.v1 -> Datadog Logs v2 / Metrics v2.",
                    "Without DD_API_KEY it runs in dry-run and writes the exact requests to"
                            + " <data-dir>/outbox/datadog/."})
    static final class ForwardDatadog extends ServiceCommand {
        @Override
        Pipeline.Service service() {
            return Pipeline.Service.DATADOG;
        }
    }

    @Command(name = "control-plane", mixinStandardHelpOptions = true,
            description = {"Runs the control plane alone: the aggregates API and the tenants' dashboards.",
                    "Storage: embedded H2 under <data-dir>/control-plane, or PostgreSQL with"
                            + " control-plane.storage.jdbc-url."})
    static final class ControlPlane extends ServiceCommand {
        @Override
        Pipeline.Service service() {
            return Pipeline.Service.CONTROL_PLANE;
        }
    }

    @Command(name = "forward-controlplane", mixinStandardHelpOptions = true,
            description = "Runs the control-plane forwarder alone: CONTROL_PLANE tenants' endpoint stats ->"
                    + " windowed aggregates -> the control plane (control-plane-forwarder.url).")
    static final class ForwardControlPlane extends ServiceCommand {
        @Override
        Pipeline.Service service() {
            return Pipeline.Service.CONTROL_PLANE_FORWARDER;
        }
    }
}
