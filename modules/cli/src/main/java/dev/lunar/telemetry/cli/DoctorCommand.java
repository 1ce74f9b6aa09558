package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.settings.Durations;
import dev.lunar.telemetry.cli.doctor.Check;
import dev.lunar.telemetry.cli.doctor.Doctor;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lunar-telemetry doctor}: one line per check, exit code 1 when any failed. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Checks a deployment as on-call would: Kafka reachable, topics (partitions, replication,"
                + " cleanup.policy), consumer groups running and their lag, the Datadog API key (Datadog's validate"
                + " call), the control plane and each tenant token.",
                "Prints one line per check, OK or FAIL with the fix; exits 1 when any check failed. Read-only."})
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Per call to Kafka, Datadog or the control plane (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--max-lag", paramLabel = "RECORDS", defaultValue = "100000",
            description = "A consumer group further behind than this fails (default: ${DEFAULT-VALUE}).")
    long maxLag;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    DoctorCommand() {
        this(System.getenv());
    }

    /** With another environment ({@code DD_API_KEY}, {@code LUNAR_*}): tests. */
    DoctorCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        ConfigSource config = ConfigSource.load(kafka.configOptions.chosenFile(), env);
        Duration perCall = Durations.parse(timeout).filter(d -> !d.isNegative() && !d.isZero())
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "--timeout '" + timeout
                        + "' is not a positive duration; write it like 10s or 500ms"));
        List<Check> checks = Doctor.run(config, env,
                new Doctor.Options(kafka.bootstrapServers(config), perCall, maxLag));
        PrintWriter out = spec.commandLine().getOut();
        checks.forEach(c -> out.println(c.line()));
        long failed = checks.stream().filter(c -> !c.ok()).count();
        out.printf("%d check(s): %d OK, %d FAILED%n", checks.size(), checks.size() - failed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
