package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.SettingsDocument;
import dev.lunar.telemetry.settings.InvalidSettingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one launcher: {@code lunar-telemetry run} starts everything; each service can also run alone. */
@Command(name = "lunar-telemetry",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Telemetry back end for a fleet of egress API proxies: Kafka, the enrich + denylist processor,"
                + " and the Datadog and control-plane forwarders.",
        subcommands = {RunCommand.class, ServiceCommand.Processor.class, ServiceCommand.ForwardDatadog.class,
                ServiceCommand.ControlPlane.class, ServiceCommand.ForwardControlPlane.class, TenantsCommand.class, ReplayCommand.class,
                ConsumersCommand.class, DoctorCommand.class, AuditCommand.class, SimulateCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class LunarTelemetry {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with error handling that prints configuration errors as one sentence, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LunarTelemetry());
        // option descriptions name settings' defaults as ${bundle:setting.<key>}: the definitions say them once
        cli.setResourceBundle(SettingsDocument.helpBundle());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof InvalidSettingException) {
                commandLine.getErr().println("Configuration error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
