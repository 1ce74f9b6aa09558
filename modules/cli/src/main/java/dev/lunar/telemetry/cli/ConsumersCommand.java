package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.tools.GroupRewind;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lunar-telemetry consumers ...}: operate consumer groups. */
@Command(name = "consumers", mixinStandardHelpOptions = true, description = "Operate consumer groups.",
        subcommands = ConsumersCommand.Reset.class)
final class ConsumersCommand {

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Moves a consumer group's committed offsets, e.g. to replay a range into a forwarder.",
                    "Refuses while any consumer of the group is running: stop it first."})
    static final class Reset implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--group", required = true, paramLabel = "GROUP", description = "Consumer group id.")
        String group;

        @Option(names = "--topic", paramLabel = "TOPIC",
                description = "Only these topics (repeatable; default: every topic the group committed on).")
        List<String> topics = List.of();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        @Option(names = "--dry-run", description = "Print the moves without committing them.")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        static final class Where {
            @Option(names = "--to-earliest", description = "To the first retained record.")
            boolean earliest;

            @Option(names = "--to-datetime", paramLabel = "TIME",
                    description = "To the first record at or after TIME (ISO-8601, e.g. 2026-11-26T10:00:00Z).")
            String dateTime;

            @Option(names = "--shift-by", paramLabel = "N",
                    description = "By N records (negative = back), within the retained range.")
            Long shiftBy;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            String servers = kafka.bootstrapServers(kafka.config());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
                GroupRewind rewind = new GroupRewind(admin);
                List<GroupRewind.Move> moves;
                try {
                    moves = rewind.plan(group, topics, target());
                } catch (IllegalStateException refused) {
                    spec.commandLine().getErr().println("Refused: " + refused.getMessage());
                    return 1;
                }
                out.printf("%-40s %9s %12s %12s%n", "TOPIC", "PARTITION", "COMMITTED", "NEW");
                moves.forEach(m -> out.printf("%-40s %9d %12s %12d%n", m.partition().topic(),
                        m.partition().partition(), m.from() < 0 ? "-" : Long.toString(m.from()), m.to()));
                if (dryRun) {
                    out.println("Dry run: nothing committed.");
                } else {
                    rewind.apply(group, moves);
                    out.printf("Group %s reset on %d partition(s).%n", group, moves.size());
                }
                out.flush();
                return 0;
            }
        }

        private GroupRewind.Target target() {
            if (where.earliest) {
                return new GroupRewind.Target.Earliest();
            }
            if (where.shiftBy != null) {
                return new GroupRewind.Target.ShiftBy(where.shiftBy);
            }
            try {
                return new GroupRewind.Target.ToTime(OffsetDateTime.parse(where.dateTime).toInstant());
            } catch (DateTimeParseException e) {
                try {
                    return new GroupRewind.Target.ToTime(Instant.parse(where.dateTime));
                } catch (DateTimeParseException again) {
                    throw new ParameterException(spec.commandLine(), "--to-datetime '" + where.dateTime
                            + "' is not an ISO-8601 time; write it like 2026-11-26T10:00:00Z");
                }
            }
        }
    }
}
