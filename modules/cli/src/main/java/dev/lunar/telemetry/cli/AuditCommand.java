package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.config.AuditConfig;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.tools.RangePosition;
import dev.lunar.telemetry.cli.tools.TopicRangeReader;
import dev.lunar.telemetry.consumer.audit.AuditVerifier;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.avro.AuditRecord;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lunar-telemetry audit}: the audit trail of what left the pipeline (P7). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The audit trail of every request a destination accepted (topic audit.topic).",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

    /**
     * {@code audit verify}: reads a range of the audit topic (no consumer group) and checks every record's hashes and
     * every chain's sequence and links ({@link AuditVerifier}). Exit 0 when everything verifies, 1 on any break.
     */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recomputes every hash in a range of the audit trail and checks each chain's sequence"
                    + " and links. Prints OK or the first break per chain; exits 1 on any break.",
                    "A chain's first record in the range is trusted as its anchor: a range starting mid-chain"
                            + " verifies from there."})
    static final class Verify implements Callable<Integer> {

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--topic", paramLabel = "TOPIC",
                description = "The audit topic (default: audit.topic, else telemetry.audit.v1).")
        String topic;

        @Option(names = "--from", required = true, paramLabel = "TIME|OFFSET",
                description = "First record: an offset, an ISO-8601 time, or 'beginning'.")
        String from;

        @Option(names = "--to", paramLabel = "TIME|OFFSET", defaultValue = "end",
                description = "Stop before: an offset, an ISO-8601 time, or 'end' (default: the end when reading"
                        + " starts).")
        String to;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            RangePosition start;
            RangePosition end;
            try {
                start = RangePosition.parse(from);
                end = RangePosition.parse(to);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            ConfigSource config = kafka.config();
            String auditTopic = topic != null ? topic : AuditConfig.bind(config).topic();
            AvroCodec<AuditRecord> codec = AvroCodec.of(AuditRecord.class);
            AuditVerifier verifier = new AuditVerifier();
            long read = new TopicRangeReader(kafka.bootstrapServers(config)).read(auditTopic, start, end, r -> {
                AuditVerifier.Position at = new AuditVerifier.Position(r.partition(), r.offset());
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                try {
                    verifier.accept(at, key, codec.decode(r.value()), null);
                } catch (BadRecordException e) {
                    verifier.accept(at, key, null, e.reason() + ": " + e.getMessage());
                }
            }, progress -> { });
            List<AuditVerifier.ChainReport> chains = verifier.reports();
            out.printf("Audit trail %s from %s to %s: %,d records in %d chain(s)%n", auditTopic, from, to, read,
                    chains.size());
            for (AuditVerifier.ChainReport c : chains) {
                if (c.ok()) {
                    out.printf("OK     %s: %,d records, sequence %d..%d%s%n", c.chainId(), c.records(),
                            c.firstSequence(), c.lastSequence(),
                            c.duplicates() == 0 ? "" : " (" + c.duplicates() + " exact re-writes)");
                } else {
                    AuditVerifier.Break b = c.firstBreak().orElseThrow();
                    out.printf("BREAK  %s: at sequence %d (%s): %s: %s%n", c.chainId(), b.sequence(), b.position(),
                            b.problem().label(), b.detail());
                }
            }
            for (AuditVerifier.Break b : verifier.unreadable()) {
                out.printf("BREAK  record at %s: %s%n", b.position(), b.detail());
            }
            long broken = chains.stream().filter(c -> !c.ok()).count();
            if (verifier.ok()) {
                out.println("Result: every chain verifies");
            } else {
                out.printf("Result: %d of %d chain(s) broken%s%n", broken, chains.size(),
                        verifier.unreadable().isEmpty() ? "" : ", " + verifier.unreadable().size() + " unreadable record(s)");
            }
            out.flush();
            return verifier.ok() ? 0 : 1;
        }
    }
}
