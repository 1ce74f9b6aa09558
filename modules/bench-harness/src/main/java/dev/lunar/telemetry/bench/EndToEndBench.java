package dev.lunar.telemetry.bench;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.Topics;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.kafka.embedded.EmbeddedKafkaBroker;
import dev.lunar.telemetry.kafka.embedded.TopicSpec;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import dev.lunar.telemetry.processor.ProcessorSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The end-to-end harness (issue 7): on one embedded broker (its own temporary data directory, a free port), with the
 * same pre-produced records ({@link BenchRecords}: all five kinds, realistic sizes), it measures one after another
 *
 * <ol type="a">
 *   <li>{@code mirror}: a plain kafka-clients consume → produce mirror ({@link PlainMirror}) — the ceiling;</li>
 *   <li>{@code processor}: the {@code TelemetryProcessor}, raw topics → fresh enriched topics (topic prefix);</li>
 *   <li>{@code datadog}: the Datadog forwarder reading those enriched topics and sending into a loopback intake that
 *       answers 202 at once but gunzips and counts everything ({@link DatadogIntake});</li>
 *   <li>{@code down}: the Datadog forwarder while the intake answers 503 for the whole run (heap, in-flight bound,
 *       nothing committed);</li>
 * </ol>
 * then {@code paced} runs of (a), (b), (c) at half the rate each reached, for produce-to-destination latency. The
 * mirror runs again after (b) and (c), and ratios use the mean of both runs: the machine is shared, and its load
 * changes between stages. Each stage also reports the CPU it used per record, which hardly depends on that load.
 *
 * <p>Each system under test runs in a child JVM of its own ({@link StageMain}), so its heap and CPU are measured
 * alone; the broker, the records and the intake live here. Arrival times are the broker's append time of the
 * destination topic ({@code message.timestamp.type=LogAppendTime}) or the intake's clock, read after the fact, so
 * measuring costs the system under test nothing.
 *
 * <pre>java -cp modules/benchmarks/target/benchmarks.jar dev.lunar.telemetry.bench.EndToEndBench
 *     [--records=400000] [--stages=mirror,processor,datadog,down,paced] [--paced-seconds=15]
 *     [--down-seconds=30] [--profile=DIR] ...</pre>
 * ({@link BenchOptions}). Prints a report ({@link BenchReport#print}); exits 1 if any record went missing.
 */
public final class EndToEndBench {

    static final String BENCH = "bench.";
    static final String MIRROR_OUT = "mirror.";
    static final String MIRROR_AGAIN_OUT = "mirror2.";
    static final String PACED_MIRROR_IN = "paced-m.";
    static final String PACED_MIRROR_OUT = "paced-m-out.";
    static final String PACED_PROCESSOR = "paced-p.";
    static final String PACED_DATADOG = "paced-d.";
    private static final long NO_PROGRESS_TIMEOUT_MILLIS = 60_000;
    /** Fleet input: the paced processor run cycles through (the enriched ones of) this many records. */
    private static final int PACED_ITEMS = 200_000;
    /** Paced runs send at least this long before latencies count (and until the system has caught up). */
    static final int WARMUP_SECONDS = 5;
    /** ... and at most this long. */
    static final int MAX_WARMUP_SECONDS = 60;

    private final BenchOptions options;
    private final PrintStream progress;
    private final String bootstrap;
    private final KafkaIo kafka;
    private final Path work;
    private final JvmStats harness = new JvmStats(true);
    private final BenchReport.Builder report = new BenchReport.Builder();
    private BenchRecords.DataSet data;

    private EndToEndBench(BenchOptions options, PrintStream progress, String bootstrap, KafkaIo kafka, Path work) {
        this.options = options;
        this.progress = progress;
        this.bootstrap = bootstrap;
        this.kafka = kafka;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-benchmarks.xml");
        }
        BenchReport report = run(BenchOptions.parse(args), System.err);
        report.print(System.out);
        System.exit(report.complete() ? 0 : 1);
    }

    /** Runs the stages of {@code options}; progress lines go to {@code progress}. */
    public static BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        boolean temporary = options.workDir() == null;
        Path work = temporary ? Files.createTempDirectory("lunar-bench-") : options.workDir();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).dataDirectory(work.resolve("broker"))
                .defaultPartitions(options.partitions()).build().start();
             KafkaIo kafka = new KafkaIo(broker.bootstrapServers())) {
            EndToEndBench bench = new EndToEndBench(options, progress, broker.bootstrapServers(), kafka, work);
            try {
                return bench.runAll();
            } finally {
                bench.harness.close();
            }
        } finally {
            if (temporary) {
                deleteRecursively(work);
            }
        }
    }

    private BenchReport runAll() throws Exception {
        say("generating %,d records (input %s, seed %d)", options.records(), options.input(), options.seed());
        data = options.input().equals("fleet") ? FleetRecords.generate(options.records(), options.seed())
                : BenchRecords.generate(options.records(), options.seed());
        say("%,d records, %.1f MB of values: %s; %,d to reach the enriched topics", data.records().size(),
                data.totalValueBytes() / 1e6, data.countByKind(), data.expectedEnriched());
        createTopics();
        produceTenants(BENCH);
        long began = System.nanoTime();
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer("bench-preproduce")) {
            for (BenchRecords.Raw r : data.records()) {
                producer.send(new ProducerRecord<>(BENCH + r.kind().rawTopic(), r.key(), r.value()),
                        (metadata, error) -> failed.compareAndSet(null, error));
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("pre-producing the benchmark records failed", failed.get());
        }
        say("pre-produced in %.1f s", (System.nanoTime() - began) / 1e9);

        Optional<BenchReport.Stage> mirror = options.runs("mirror")
                ? Optional.of(mirrorStage("mirror", "(a) mirror, plain kafka-clients", MIRROR_OUT))
                : Optional.empty();
        Optional<BenchReport.Stage> processor = options.runs("processor") || options.runs("datadog")
                || options.runs("down") ? Optional.of(processorStage()) : Optional.empty();
        Optional<BenchReport.Stage> datadog = options.runs("datadog") ? Optional.of(datadogStage()) : Optional.empty();
        if (options.runs("mirror") && (options.runs("processor") || options.runs("datadog"))) {
            // Bracketing: the machine is shared, so the ceiling is measured before and after the stages it judges.
            mirrorStage("mirror2", "(a') mirror again, after (b) and (c)", MIRROR_AGAIN_OUT);
        }
        if (options.runs("down")) {
            downStage();
        }
        if (options.runs("paced")) {
            mirror.filter(BenchReport.Stage::completed).ifPresent(s -> paced(s, this::pacedMirror));
            processor.filter(BenchReport.Stage::completed).ifPresent(s -> paced(s, this::pacedProcessor));
            datadog.filter(BenchReport.Stage::completed).ifPresent(s -> paced(s, this::pacedDatadog));
        }
        return new BenchReport(options, data.records().size(), data.totalValueBytes(), List.copyOf(report.stages),
                List.copyOf(report.phases), List.copyOf(report.paced), Optional.ofNullable(report.down), List.copyOf(report.problems));
    }

    // ------------------------------------------------------------------------------------------------ topics

    private void createTopics() {
        int p = options.partitions();
        List<TopicSpec> topics = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            topics.add(KafkaIo.topic(BENCH + kind.rawTopic(), p, false));
            topics.add(KafkaIo.topic(BENCH + kind.enrichedTopic(), p, true));
            topics.add(KafkaIo.topic(MIRROR_OUT + kind.rawTopic(), p, true));
            topics.add(KafkaIo.topic(MIRROR_AGAIN_OUT + kind.rawTopic(), p, true));
            topics.add(KafkaIo.topic(PACED_MIRROR_IN + kind.rawTopic(), p, false));
            topics.add(KafkaIo.topic(PACED_MIRROR_OUT + kind.rawTopic(), p, true));
            topics.add(KafkaIo.topic(PACED_PROCESSOR + kind.rawTopic(), p, false));
            topics.add(KafkaIo.topic(PACED_PROCESSOR + kind.enrichedTopic(), p, true));
            topics.add(KafkaIo.topic(PACED_DATADOG + kind.enrichedTopic(), p, false));
        }
        for (String prefix : List.of(BENCH, PACED_PROCESSOR, PACED_DATADOG)) {
            topics.add(TopicSpec.compactedTopic(prefix + Topics.TENANTS, 1));
            topics.add(KafkaIo.topic(prefix + Topics.DEAD_LETTERS, p, true));
        }
        kafka.createTopics(topics);
    }

    private void produceTenants(String prefix) {
        AvroCodec<TenantMetadata> codec = AvroCodec.of(TenantMetadata.class);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer("bench-tenants")) {
            for (TenantMetadata t : data.tenants()) {
                producer.send(new ProducerRecord<>(prefix + Topics.TENANTS, t.getId().getBytes(StandardCharsets.UTF_8),
                        codec.encode(t)));
            }
        }
    }

    private static List<String> topics(String prefix, List<EventKind> kinds, boolean enriched) {
        return kinds.stream().map(k -> prefix + (enriched ? k.enrichedTopic() : k.rawTopic())).toList();
    }

    private static String mirrorTopics(String inPrefix, String outPrefix) {
        return String.join(",", Stream.of(EventKind.values())
                .map(k -> inPrefix + k.rawTopic() + ":" + outPrefix + k.rawTopic()).toList());
    }

    // ------------------------------------------------------------------------------------------------ backlog stages

    private BenchReport.Stage mirrorStage(String name, String label, String outPrefix) throws Exception {
        say("%s: draining %,d records", label, data.records().size());
        List<String> out = topics(outPrefix, List.of(EventKind.values()), false);
        ChildStage child = child("mirror", jvm(options.stageHeap(), name), Map.of("bootstrap", bootstrap,
                "group", "bench-" + name, "topics", mirrorTopics(BENCH, outPrefix)));
        boolean arrived = await(() -> kafka.count(out), data.records().size());
        ChildStage.Result result = child.stop();
        KafkaIo.Scan scan = kafka.scan(out, false);
        return kafkaStage(name, label, scan, 0, arrived, data.totalValueBytes(), child.readyAt(), result);
    }

    private BenchReport.Stage processorStage() throws Exception {
        say("(b) processor: draining %,d records", data.records().size());
        List<String> out = topics(BENCH, List.of(EventKind.values()), true);
        String deadLetters = BENCH + Topics.DEAD_LETTERS;
        List<String> all = new ArrayList<>(out);
        all.add(deadLetters);
        ChildStage child = child("processor", jvm(options.stageHeap(), "processor"), Map.of("bootstrap",
                bootstrap, "prefix", BENCH, "group", "bench-processor"));
        boolean arrived = await(() -> kafka.count(all), data.expectedEnriched());
        ChildStage.Result result = child.stop();
        KafkaIo.Scan scan = kafka.scan(out, false);
        long dead = kafka.count(List.of(deadLetters));
        return kafkaStage("processor", "(b) processor", scan, dead, arrived, data.totalValueBytes(), child.readyAt(),
                result);
    }

    private BenchReport.Stage kafkaStage(String name, String label, KafkaIo.Scan scan, long deadLettered,
                                         boolean arrived, long inputBytes, long readyAt, ChildStage.Result result) {
        long expected = name.equals("processor") ? data.expectedEnriched() : data.records().size();
        long delivered = scan.distinctEventIds().size();
        boolean complete = arrived && delivered + deadLettered >= expected;
        if (!complete) {
            report.problems.add(String.format(Locale.ROOT, "%s: %d of %d records reached the destination (%d"
                    + " dead-lettered)", name, delivered, expected, deadLettered));
        } else if (deadLettered > 0) {
            report.problems.add(name + ": " + deadLettered + " records were dead-lettered; the processor's own"
                    + " transform enriched all of them when the input was generated, so this is a bug");
        }
        report.phases.addAll(PhaseFigures.of(name, scan.sortedTimestamps(), data.records().size(),
                options.coldRecords(), options.warmUpRecords(), result.jvmStartMillis(), result.readyAt(),
                result.cpu()));
        BenchReport.Stage stage = stage(name, label, expected, delivered, scan.duplicates(), deadLettered, complete,
                scan.firstTimestamp(), scan.lastTimestamp(), inputBytes, readyAt, result);
        report.stages.add(stage);
        return stage;
    }

    private BenchReport.Stage datadogStage() throws Exception {
        long expected = data.datadogRecords();
        say("(c) datadog forwarder: draining %,d enriched records into a loopback intake", expected);
        long enrichedBytes = kafka.scan(topics(BENCH, DATADOG_KINDS, true), false).valueBytes();
        long deadBefore = kafka.count(List.of(BENCH + Topics.DEAD_LETTERS));
        try (DatadogIntake intake = DatadogIntake.accepting(false)) {
            ChildStage child = child("datadog", jvm(options.stageHeap(), "datadog"),
                    datadogSettings(intake, BENCH, "bench-datadog", Map.of()));
            long logs = data.expectedLogEntries();
            long points = data.expectedSeriesPoints();
            boolean arrived = await(() -> Math.min(intake.distinctEventIds.size(), logs)
                    + Math.min(intake.seriesPoints.get(), points), logs + points);
            ChildStage.Result result = child.stop();
            long dead = kafka.count(List.of(BENCH + Topics.DEAD_LETTERS)) - deadBefore;
            boolean complete = arrived && intake.distinctEventIds.size() >= logs && intake.seriesPoints.get() >= points;
            long resources = data.countByKind().getOrDefault(EventKind.RESOURCES, 0);
            long delivered = intake.distinctEventIds.size() + (intake.seriesPoints.get() >= points ? resources : 0);
            if (!complete) {
                report.problems.add(String.format(Locale.ROOT, "datadog: %d of %d log entries and %d of %d series"
                                + " points arrived", intake.distinctEventIds.size(), logs, intake.seriesPoints.get(),
                        points));
            }
            if (dead > 0 || intake.malformed() > 0) {
                report.problems.add("datadog: " + dead + " records dead-lettered, " + intake.malformed()
                        + " malformed requests");
            }
            BenchReport.Stage stage = stage("datadog", "(c) datadog forwarder -> intake 202", expected, delivered,
                    intake.logEntries.get() - intake.distinctEventIds.size(), dead, complete,
                    intake.firstArrival.get(), intake.lastArrival.get(), enrichedBytes, child.readyAt(), result);
            report.stages.add(stage);
            report.phases.addAll(PhaseFigures.of("datadog", intake.sortedEntryTimes(), expected,
                    Math.round((double) options.coldRecords() * expected / data.records().size()),
                    Math.round((double) options.warmUpRecords() * expected / data.records().size()),
                    result.jvmStartMillis(), result.readyAt(), result.cpu()));
            return stage;
        }
    }

    static final List<EventKind> DATADOG_KINDS = List.of(EventKind.LOGS, EventKind.RESOURCES, EventKind.HEARTBEATS,
            EventKind.POLICIES);

    private Map<String, String> datadogSettings(DatadogIntake intake, String prefix, String group,
                                                Map<String, String> more) throws IOException {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap", bootstrap);
        s.put("baseUrl", intake.baseUrl());
        s.put("group", group);
        s.put("tenantsTopic", prefix + Topics.TENANTS);
        s.put("deadLetterTopic", prefix + Topics.DEAD_LETTERS);
        s.put("dataDir", Files.createDirectories(work.resolve(group)).toString());
        for (EventKind kind : DATADOG_KINDS) {
            s.put("topic." + kind.id(), prefix + kind.enrichedTopic());
        }
        s.putAll(more);
        return s;
    }

    private void downStage() throws Exception {
        say("(d) datadog forwarder, destination answering 503 for %d s", options.downSeconds());
        String group = "bench-datadog-down";
        try (DatadogIntake intake = DatadogIntake.down()) {
            ChildStage child = child("datadog", jvm(options.downHeap(), "down"), datadogSettings(intake,
                    BENCH, group, Map.of("retryInitial", "PT0.05S", "retryMax", "PT0.5S", "shutdownTimeout", "PT2S")));
            Thread.sleep(options.downSeconds() * 1000L);
            ChildStage.Result result = child.stop();
            long committed = committedOffsets(group);
            if (committed > 0) {
                report.problems.add("down: the forwarder committed " + committed + " offsets while the destination"
                        + " answered 503");
            }
            report.down = new BenchReport.Down(options.downSeconds(), intake.requests.get(), committed,
                    result.heapPeakUsedBytes(), result.heapAfterGcMaxBytes(), result.heapMaxBytes(),
                    result.extra().path("heapRetainedAtEndBytes").asLong(), result.gcMillis(),
                    result.extra().path("maxInFlightRecords").asLong(),
                    result.extra().path("inFlightBound").asLong(), result.extra().path("health").asText(),
                    intake.requests.get() > 0);
            if (intake.requests.get() == 0) {
                report.problems.add("down: the forwarder never called the intake");
            }
        }
    }

    /** Sum of the offsets {@code group} has committed (0 when none). */
    private long committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private BenchReport.Stage stage(String name, String label, long expected, long delivered, long duplicates,
                                    long deadLettered, boolean complete, long first, long last, long inputBytes,
                                    long readyAt, ChildStage.Result result) {
        long window = Math.max(1, last - first);
        double seconds = window / 1000.0;
        double sut = JvmStats.cores(result.cpu(), first, last);
        double host = JvmStats.cores(harness.snapshot(Map.of()).cpu(), first, last);
        BenchReport.Stage stage = new BenchReport.Stage(name, label, expected, delivered, duplicates, deadLettered,
                complete, expected / seconds, inputBytes / 1e6 / seconds, window, Math.max(0, first - readyAt),
                sut, host, Math.max(0, harness.machineCores(first, last) - sut - host),
                result.heapPeakUsedBytes(), result.heapAfterGcMaxBytes(), result.heapMaxBytes(), result.gcCount(),
                result.gcMillis(), result.topThreadsCpuMillis());
        say("%s: %,.0f records/s, %.1f MB/s, %s", label, stage.recordsPerSecond(), stage.megabytesPerSecond(),
                complete ? "all delivered" : "INCOMPLETE");
        return stage;
    }

    // ------------------------------------------------------------------------------------------------ paced runs

    /** One record the paced producer sends, and what the Datadog intake should then receive for it. */
    record Item(String topic, byte[] key, byte[] value, String eventId, int logEntries, int points) {}

    /** What the paced producer did; latencies count from record {@code measuredFrom} on (after the warm-up). */
    record Sent(long[] sendMillis, int count, int measuredFrom, double achievedRate, long logEntries, long points,
                double warmupSeconds) {}

    private interface PacedStage {
        BenchReport.Paced run(double rate) throws Exception;
    }

    private void paced(BenchReport.Stage measured, PacedStage stage) {
        double rate = measured.recordsPerSecond() / 2;
        try {
            BenchReport.Paced paced = stage.run(rate);
            report.paced.add(paced);
            if (!paced.completed()) {
                report.problems.add(String.format(Locale.ROOT, "paced %s: %d of %d records arrived", paced.name(),
                        paced.arrived(), paced.sent()));
            }
        } catch (Exception e) {
            report.problems.add("paced " + measured.name() + " failed: " + e);
        }
    }

    private List<Item> rawItems(String prefix) {
        List<Item> items = new ArrayList<>(data.records().size());
        for (BenchRecords.Raw r : data.records()) {
            items.add(new Item(prefix + r.kind().rawTopic(), r.key(), r.value(), r.eventId(), 0, 0));
        }
        return items;
    }

    private BenchReport.Paced pacedMirror(double rate) throws Exception {
        List<String> out = topics(PACED_MIRROR_OUT, List.of(EventKind.values()), false);
        ChildStage child = child("mirror", jvm(options.stageHeap(), "paced-mirror"), Map.of("bootstrap",
                bootstrap, "group", "paced-mirror", "topics", mirrorTopics(PACED_MIRROR_IN, PACED_MIRROR_OUT)));
        return pacedKafka("mirror", "(a) mirror, plain kafka-clients", rate, rawItems(PACED_MIRROR_IN), child, out,
                out);
    }

    private BenchReport.Paced pacedProcessor(double rate) throws Exception {
        produceTenants(PACED_PROCESSOR);
        List<String> out = topics(PACED_PROCESSOR, List.of(EventKind.values()), true);
        List<String> counted = new ArrayList<>(out);
        counted.add(PACED_PROCESSOR + Topics.DEAD_LETTERS);
        ChildStage child = child("processor", jvm(options.stageHeap(), "paced-processor"),
                Map.of("bootstrap", bootstrap, "prefix", PACED_PROCESSOR, "group", "paced-processor"));
        List<Item> items = rawItems(PACED_PROCESSOR);
        if (options.input().equals("fleet")) {
            // only what the processor writes somewhere: records it drops whole would never arrive
            EnrichmentPipeline pipeline = EnrichmentPipeline.withTenants(ProcessorSettings.builder(bootstrap).build(),
                    data.tenants(), new SimpleMeterRegistry());
            List<Item> kept = new ArrayList<>();
            for (int i = 0; i < Math.min(items.size(), PACED_ITEMS); i++) {
                BenchRecords.Raw r = data.records().get(i);
                if (!(pipeline.apply(r.kind(), r.value()) instanceof EnrichmentResult.Dropped)) {
                    kept.add(items.get(i));
                }
            }
            items = kept;
        }
        return pacedKafka("processor", "(b) processor", rate, items, child, out, counted);
    }

    private BenchReport.Paced pacedKafka(String name, String label, double rate, List<Item> items, ChildStage child,
                                         List<String> out, List<String> counted) throws Exception {
        say("paced %s at %,.0f records/s for %d s", name, rate, options.pacedSeconds());
        Sent sent;
        boolean arrived;
        ChildStage.Result result;
        try {
            sent = producePaced(items, rate, () -> kafka.count(counted), false);
            arrived = await(() -> kafka.count(counted), sent.count());
        } finally {
            result = child.stop();
        }
        KafkaIo.Scan scan = kafka.scan(out, true);
        if (result.extra().has("receiveToAckMeanMillis")) {
            say("paced %s: the processor's own receive -> output acknowledged: mean %.0f ms, max %.0f ms", name,
                    result.extra().get("receiveToAckMeanMillis").asDouble(),
                    result.extra().get("receiveToAckMaxMillis").asDouble());
        }
        return pacedResult(name, label, rate, sent, items, scan.arrivals(), arrived, result);
    }

    private BenchReport.Paced pacedDatadog(double rate) throws Exception {
        produceTenants(PACED_DATADOG);
        EnrichmentPipeline pipeline = EnrichmentPipeline.withTenants(ProcessorSettings.builder(bootstrap).build(),
                data.tenants(), new SimpleMeterRegistry());
        List<Item> items = new ArrayList<>();
        List<BenchRecords.Raw> records = options.input().equals("fleet")
                ? data.records().subList(0, Math.min(PACED_ITEMS, data.records().size())) : data.records();
        for (BenchRecords.Raw r : records) {
            if (!DATADOG_KINDS.contains(r.kind())) {
                continue;
            }
            if (!(pipeline.apply(r.kind(), r.value()) instanceof EnrichmentResult.Enriched e)) {
                continue; // dropped whole by the processor (fleet traffic's request lines and debug lines)
            }
            int points = switch (r.kind()) {
                case RESOURCES -> 4 + 2 * ((EnrichedResourceUsage) e.record()).getProcesses().size();
                case HEARTBEATS -> 3;
                default -> 0;
            };
            items.add(new Item(PACED_DATADOG + r.kind().enrichedTopic(), r.key(), e.value(), r.eventId(),
                    r.kind() == EventKind.RESOURCES ? 0 : 1, points));
        }
        say("paced datadog at %,.0f records/s for %d s", rate, options.pacedSeconds());
        try (DatadogIntake intake = DatadogIntake.accepting(true)) {
            ChildStage child = child("datadog", jvm(options.stageHeap(), "paced-datadog"),
                    datadogSettings(intake, PACED_DATADOG, "paced-datadog", Map.of()));
            Sent sent;
            boolean arrived;
            ChildStage.Result result;
            try {
                sent = producePaced(items, rate, () -> intake.logEntries.get() + intake.seriesPoints.get(), true);
                arrived = await(() -> Math.min(intake.logEntries.get(), sent.logEntries())
                        + Math.min(intake.seriesPoints.get(), sent.points()), sent.logEntries() + sent.points());
            } finally {
                result = child.stop();
            }
            List<DatadogIntake.Arrival> arrivals = new ArrayList<>(intake.arrivals);
            BenchReport.Paced paced = pacedResult("datadog", "(c) datadog forwarder -> intake 202", rate, sent, items,
                    arrivals, arrived, result);
            // records without a log entry (resource usage) are counted by their points
            return new BenchReport.Paced(paced.name(), paced.label(), paced.targetRate(), paced.achievedRate(),
                    sent.count(), arrived ? sent.count() : paced.arrived(), paced.p50Millis(), paced.p99Millis(),
                    paced.maxMillis(), paced.warmupSeconds(), paced.sutCores(), paced.otherCores(), arrived);
        }
    }

    /**
     * Sends {@code items} (cycling) at {@code rate}: first a warm-up, not measured, that lasts until the system has
     * caught up (everything sent more than a second ago has arrived; at least {@value #WARMUP_SECONDS} s, at most
     * {@value #MAX_WARMUP_SECONDS} s: the consumer group forms, the JIT compiles, the start-up backlog drains), then
     * the paced duration. Every record's send time is kept.
     *
     * @param arrived units that have reached the destination so far (records, or log entries + points)
     */
    private Sent producePaced(List<Item> items, double rate, LongSupplier arrived, boolean countEntries) {
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
                Math.round(rate * (MAX_WARMUP_SECONDS + options.pacedSeconds())) + 16);
        long[] sendMillis = new long[capacity];
        long[] unitsUpTo = new long[capacity];
        long logs = 0;
        long points = 0;
        long start = System.nanoTime();
        long nextCheck = start;
        long measuredStart = -1;
        int measuredFrom = -1;
        int seq = 0;
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer("bench-paced")) {
            for (; seq < capacity; seq++) {
                long now = System.nanoTime();
                if (measuredStart < 0 && now >= nextCheck) {
                    nextCheck = now + 200_000_000L;
                    double elapsed = (now - start) / 1e9;
                    if (elapsed >= MAX_WARMUP_SECONDS
                            || elapsed >= Math.min(WARMUP_SECONDS, options.pacedSeconds())
                            && caughtUp(sendMillis, unitsUpTo, seq, arrived.getAsLong())) {
                        measuredStart = now;
                        measuredFrom = seq;
                    }
                } else if (measuredStart >= 0 && now - measuredStart >= options.pacedSeconds() * 1_000_000_000L) {
                    break;
                }
                long wait = start + (long) (seq * 1e9 / rate) - now;
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Item item = items.get(seq % items.size());
                long millis = System.currentTimeMillis();
                sendMillis[seq] = millis;
                producer.send(new ProducerRecord<>(item.topic(), null, millis, item.key(), item.value()));
                logs += item.logEntries();
                points += item.points();
                unitsUpTo[seq] = countEntries ? logs + points : seq + 1;
            }
            producer.flush();
        }
        double achieved = seq / ((System.nanoTime() - start) / 1e9);
        return new Sent(java.util.Arrays.copyOf(sendMillis, seq), seq, measuredFrom < 0 ? seq : measuredFrom,
                achieved, logs, points, measuredStart < 0 ? Double.NaN : (measuredStart - start) / 1e9);
    }

    /** Whether everything sent more than a second before the last send has arrived. */
    private static boolean caughtUp(long[] sendMillis, long[] unitsUpTo, int sent, long arrived) {
        if (sent == 0) {
            return false;
        }
        long cutoff = sendMillis[sent - 1] - 1000;
        int k = java.util.Arrays.binarySearch(sendMillis, 0, sent, cutoff);
        k = k >= 0 ? k : -k - 2; // the last send at or before the cutoff
        return k < 0 || arrived >= unitsUpTo[k];
    }

    /**
     * Latency of every arrival: the k-th arrival of an item's event id is its k-th send (items cycle; per key, and so
     * per event id, order is kept from producer to destination).
     */
    private BenchReport.Paced pacedResult(String name, String label, double rate, Sent sent, List<Item> items,
                                          List<DatadogIntake.Arrival> arrivals, boolean arrived,
                                          ChildStage.Result result) {
        Map<String, Integer> index = new HashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            index.put(items.get(i).eventId(), i);
        }
        int[] occurrences = new int[items.size()];
        long[] latencies = new long[arrivals.size()];
        int n = 0;
        long arrivedCount = 0;
        long t0 = sent.sendMillis()[0];
        long[] maxBySecond = new long[(int) ((sent.sendMillis()[sent.count() - 1] - t0) / 1000) + 1];
        for (DatadogIntake.Arrival a : arrivals) {
            Integer i = index.get(a.eventId());
            if (i == null) {
                continue;
            }
            long seq = (long) occurrences[i]++ * items.size() + i;
            if (seq < sent.count()) {
                arrivedCount++;
                long latency = Math.max(0, a.atMillis() - sent.sendMillis()[(int) seq]);
                int second = (int) ((sent.sendMillis()[(int) seq] - t0) / 1000);
                maxBySecond[second] = Math.max(maxBySecond[second], latency);
                if (seq >= sent.measuredFrom()) {
                    latencies[n++] = latency;
                }
            }
        }
        long[] sorted = java.util.Arrays.copyOf(latencies, n);
        java.util.Arrays.sort(sorted);
        long from = sent.sendMillis()[Math.min(sent.measuredFrom(), sent.count() - 1)];
        long to = sent.sendMillis()[sent.count() - 1];
        double sut = JvmStats.cores(result.cpu(), from, to);
        double host = JvmStats.cores(harness.snapshot(Map.of()).cpu(), from, to);
        BenchReport.Paced paced = new BenchReport.Paced(name, label, rate, sent.achievedRate(), sent.count(),
                arrivedCount, BenchReport.percentile(sorted, 50), BenchReport.percentile(sorted, 99),
                n == 0 ? -1 : sorted[n - 1], sent.warmupSeconds(), sut,
                Math.max(0, harness.machineCores(from, to) - sut - host),
                arrived && arrivedCount >= sent.count());
        say("paced %s: %,d records at %,.0f/s, p50 %d ms, p99 %d ms, max %d ms; max latency by second sent,"
                        + " warm-up included: %s", name, sent.count(), sent.achievedRate(), paced.p50Millis(),
                paced.p99Millis(), paced.maxMillis(), java.util.Arrays.toString(maxBySecond));
        return paced;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private ChildStage child(String stage, List<String> jvm, Map<String, String> settings) throws Exception {
        return ChildStage.start(options.stageJava(), stage, jvm, settings);
    }

    private List<String> jvm(String heap, String name) throws IOException {
        List<String> jvm = stageJvmOptions(heap, options.stageJvmOptions(), name);
        if (options.profileDir() != null) {
            Path dir = Files.createDirectories(options.profileDir());
            jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve(name + ".jfr").toAbsolutePath()
                    + ",settings=profile,dumponexit=true");
        }
        return jvm;
    }

    /**
     * The heap, G1 — which a service JVM picks on 2 cores — unless {@code userOptions} name another collector (two
     * would stop the JVM from starting), then {@code userOptions} with {@code {stage}} replaced by {@code name}.
     */
    static List<String> stageJvmOptions(String heap, List<String> userOptions, String name) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        if (userOptions.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
            jvm.add("-XX:+UseG1GC");
        }
        for (String option : userOptions) {
            jvm.add(option.replace("{stage}", name)); // e.g. -XX:SharedArchiveFile=cds/{stage}.jsa
        }
        return jvm;
    }

    /** Waits until {@code progress} reaches {@code target}; false if it stops moving for a minute. */
    private boolean await(LongSupplier progress, long target) throws InterruptedException {
        long last = -1;
        long lastChange = System.currentTimeMillis();
        while (true) {
            long now = progress.getAsLong();
            if (now >= target) {
                return true;
            }
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > NO_PROGRESS_TIMEOUT_MILLIS) {
                return false;
            }
            Thread.sleep(50);
        }
    }

    private void say(String format, Object... args) {
        progress.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
