package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.CoreSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lunar-telemetry run}: everything in one process, embedded by default. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline in one process until Ctrl-C or SIGTERM.",
                "With no kafka.bootstrap-servers configured, an embedded Kafka broker (KRaft) listens on"
                        + " 127.0.0.1:9092 with its state under --data-dir."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the embedded broker, outboxes and databases keep their state (default: data-dir"
                    + " from the configuration, else ${bundle:setting.data-dir}).")
    Path dataDir;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
            description = "Local Kafka brokers (default 1, in-process). 3 starts three broker processes on 127.0.0.1"
                    + " (ports kafka.embedded.port and the next two; topics replicated 3, min.insync.replicas=2),"
                    + " state under --data-dir/kafka-cluster, so failover can be watched on one machine.")
    int brokers;

    @Option(names = "--demo", description = "Also run a small simulated proxy fleet (10 proxies, one tenant per plan,"
            + " 50 events/s, planted secrets included), so data reaches the Datadog outbox and the dashboard.")
    boolean demo;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ConfigSource config = configOptions.load();
        CoreSettings core = CoreSettings.from(config);
        if (dataDir != null) {
            core = core.withDataDirectory(dataDir);
        }
        if (brokers < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--brokers must be at least 1 (3 for a replicated cluster), was " + brokers);
        }
        PrintWriter out = spec.commandLine().getOut();
        // The demo's control-plane tenants get a fresh dashboard token, known to both the control plane and the forwarder.
        java.util.Map<String, String> demoTokens = demo ? DemoFleet.dashboardTokens() : java.util.Map.of();
        try (Pipeline pipeline = Pipeline.start(config, core, out, true,
                java.util.EnumSet.allOf(Pipeline.Service.class), demoTokens, brokers)) {
            if (demo) {
                pipeline.attach("demo fleet", DemoFleet.start(pipeline.bootstrapServers(), out));
                pipeline.controlPlane().ifPresent(cp -> demoTokens.forEach((tenant, token) -> out.printf(
                        "Dashboard of %s: %s#token=%s%n", tenant, cp.dashboardUrl(tenant), token)));
            }
            out.println("lunar-telemetry is running. Press Ctrl-C to stop.");
            out.flush();
            pipeline.awaitClose();
        }
        return 0;
    }
}
