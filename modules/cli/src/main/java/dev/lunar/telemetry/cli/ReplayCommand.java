package dev.lunar.telemetry.cli;

import dev.lunar.telemetry.cli.tools.RangePosition;
import dev.lunar.telemetry.cli.tools.RecordView;
import dev.lunar.telemetry.cli.tools.TopicRangeReader;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.tenants.TenantAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lunar-telemetry replay}: print or re-publish a range of a topic, for debugging. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Reads a range of a topic without joining any consumer group and prints it as JSON lines"
                + " or re-publishes it to another topic.",
                "Raw proxy records are printed as the processor would write them (denylist applied) unless --raw."})
final class ReplayCommand implements Callable<Integer> {
    static final String REPLAY_HEADER = "lunar.replay";

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Topic to read.")
    String topic;

    @Option(names = "--from", required = true, paramLabel = "TIME|OFFSET",
            description = "First record: an offset, an ISO-8601 time, or 'beginning'.")
    String from;

    @Option(names = "--to", paramLabel = "TIME|OFFSET", defaultValue = "end",
            description = "Stop before: an offset, an ISO-8601 time, or 'end' (default: the end when reading starts).")
    String to;

    @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant's records.")
    String tenant;

    @Option(names = "--proxy", paramLabel = "ID", description = "Only this proxy's records (the record key).")
    String proxy;

    @Option(names = "--raw", description = "Print raw records as proxies sent them, secrets included (prints a"
            + " warning). Without it the processor's denylist and redaction are applied.")
    boolean raw;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Output output;

    static final class Output {
        @Option(names = "--print", description = "Print records as JSON lines on standard output.")
        boolean print;

        @Option(names = "--to-topic", paramLabel = "TOPIC",
                description = "Re-publish records (same key, value and headers, plus a " + REPLAY_HEADER
                        + " header naming the source) to TOPIC.")
        String toTopic;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RangePosition start;
        RangePosition end;
        try {
            start = RangePosition.parse(from);
            end = RangePosition.parse(to);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String servers = kafka.bootstrapServers(kafka.config());
        if (raw && output.print) {
            err.println("WARNING: --raw prints records as proxies sent them, credentials and personal data included."
                    + " Do not paste this output into tickets or chats.");
        }
        boolean needsFilterView = tenant != null || output.print;
        RecordView view = needsFilterView ? new RecordView(topic, raw, pipelineIfNeeded(servers)) : null;
        ProgressLine progress = new ProgressLine(err);
        long[] written = {0};
        try (KafkaProducer<byte[], byte[]> producer = output.toTopic == null ? null : producer(servers)) {
            new TopicRangeReader(servers).read(topic, start, end, record -> {
                if (proxy != null && (record.key() == null
                        || !proxy.equals(new String(record.key(), StandardCharsets.UTF_8)))) {
                    return;
                }
                RecordView.Shown shown = view == null ? null : view.show(record);
                if (tenant != null && !shown.tenantId().map(tenant::equals).orElse(false)) {
                    return;
                }
                if (producer == null) {
                    out.println(shown.json());
                } else {
                    ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(output.toTopic, null,
                            record.timestamp(), record.key(), record.value(), record.headers());
                    copy.headers().add(REPLAY_HEADER, (record.topic() + "/" + record.partition() + "/"
                            + record.offset()).getBytes(StandardCharsets.UTF_8));
                    producer.send(copy, (metadata, e) -> {
                        if (e != null) {
                            err.println("re-publishing offset " + record.offset() + " failed: " + e.getMessage());
                        }
                    });
                }
                written[0]++;
            }, progress::update);
            if (producer != null) {
                producer.flush();
            }
        }
        out.flush();
        progress.finish(written[0], output.toTopic);
        return 0;
    }

    private EnrichmentPipeline pipelineIfNeeded(String servers) throws Exception {
        if (!RecordView.needsPipeline(topic, raw)) {
            return null;
        }
        ProcessorSettings settings = ProcessorSettings.builder(servers).build();
        List<TenantMetadata> tenants;
        try (TenantAdmin admin = TenantAdmin.connect(settings)) {
            tenants = admin.list();
        }
        return EnrichmentPipeline.withTenants(settings, tenants, new SimpleMeterRegistry());
    }

    private static KafkaProducer<byte[], byte[]> producer(String servers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A progress bar on stderr for long ranges; silent for short ones. */
    private static final class ProgressLine {
        private final PrintWriter err;
        private boolean shown;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        void update(TopicRangeReader.Progress p) {
            if (p.total() < 10_000 && !shown) {
                return;
            }
            shown = true;
            int width = 30;
            int filled = p.total() == 0 ? width : (int) (width * p.read() / p.total());
            err.printf("\r[%s%s] %,d / %,d records", "#".repeat(filled), " ".repeat(width - filled), p.read(),
                    p.total());
            err.flush();
        }

        void finish(long written, String toTopic) {
            if (shown) {
                err.println();
            }
            err.printf("%,d record(s) %s%n", written, toTopic == null ? "printed" : "re-published to " + toTopic);
            err.flush();
        }
    }
}
