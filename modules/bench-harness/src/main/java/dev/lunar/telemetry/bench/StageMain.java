package dev.lunar.telemetry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lunar.telemetry.datadog.DatadogForwarder;
import dev.lunar.telemetry.datadog.DatadogSettings;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.TelemetryProcessor;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of one end-to-end stage: runs one system under test — {@code mirror}, {@code processor} or
 * {@code datadog} — against the parent's broker until the parent writes {@code STOP} on stdin, then closes it
 * gracefully and prints its JVM figures. A JVM of its own, so that its heap and CPU are its alone (the broker, the
 * records and the loopback intake live in the parent).
 *
 * <p>Protocol on stdout: {@code BENCH READY <epoch ms>} once started, {@code BENCH RESULT <json>} after STOP, or
 * {@code BENCH FAILED <message>}. Arguments: the stage, then {@code key=value} settings (see {@link ChildStage}).
 */
public final class StageMain {

    static final String PREFIX = "BENCH ";
    /** System properties with this prefix are the processor's extra Kafka client properties (an experiment's knob). */
    static final String PROCESSOR_KAFKA_PROPERTY = "bench.processor.kafka.";

    private StageMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, String> settings = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        JvmStats stats = new JvmStats();
        Map<String, Object> extra = new LinkedHashMap<>();
        try {
            AutoCloseable system;
            Runnable report = () -> { };
            String bootstrap = settings.get("bootstrap");
            switch (args[0]) {
                case "mirror" -> {
                    Map<String, String> topics = new LinkedHashMap<>();
                    for (String pair : settings.get("topics").split(",")) {
                        String[] inOut = pair.split(":");
                        topics.put(inOut[0], inOut[1]);
                    }
                    PlainMirror mirror = new PlainMirror(bootstrap, settings.get("group"), topics,
                            Integer.parseInt(settings.getOrDefault("maxPollRecords", "500")));
                    system = mirror;
                    report = () -> extra.put("mirrored", mirror.mirrored());
                }
                case "processor" -> {
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    TelemetryProcessor processor = TelemetryProcessor.start(ProcessorSettings.builder(bootstrap)
                            .topicPrefix(settings.get("prefix"))
                            .groupId(settings.get("group"))
                            .clientId(settings.get("group"))
                            .kafka(processorKafkaProperties())
                            .build(), registry);
                    processor.ready().get(60, TimeUnit.SECONDS);
                    system = processor;
                    report = () -> {
                        // the processor's own view: from receiving a record to Kafka acknowledging its output
                        long count = 0;
                        double totalMs = 0;
                        double maxMs = 0;
                        for (Timer t : registry.find("lunar.processor.latency").timers()) {
                            count += t.count();
                            totalMs += t.totalTime(TimeUnit.MILLISECONDS);
                            maxMs = Math.max(maxMs, t.max(TimeUnit.MILLISECONDS));
                        }
                        extra.put("receiveToAckMeanMillis", count == 0 ? 0 : totalMs / count);
                        extra.put("receiveToAckMaxMillis", maxMs);
                    };
                }
                case "datadog" -> {
                    DatadogSettings.Builder dd = DatadogSettings.builder()
                            .baseUrl(settings.get("baseUrl"))
                            .apiKey(DatadogIntake.API_KEY)
                            .dataDir(Path.of(settings.get("dataDir")))
                            .groupId(settings.get("group"))
                            .tenantsTopic(settings.get("tenantsTopic"))
                            .deadLetterTopic(settings.get("deadLetterTopic"))
                            .retryBackoff(Duration.parse(settings.getOrDefault("retryInitial", "PT0.5S")),
                                    Duration.parse(settings.getOrDefault("retryMax", "PT60S")))
                            .shutdownTimeout(Duration.parse(settings.getOrDefault("shutdownTimeout", "PT30S")));
                    for (EventKind kind : DatadogSettings.FORWARDED_KINDS) {
                        dd.topic(kind, settings.get("topic." + kind.id()));
                    }
                    DatadogForwarder forwarder = DatadogForwarder.start(dd.build(), KafkaClientSettings.of(bootstrap),
                            new SimpleMeterRegistry());
                    system = forwarder;
                    report = () -> {
                        extra.put("inFlightBound", forwarder.inFlightBound());
                        extra.put("maxInFlightRecords", forwarder.maxInFlightRecords());
                        extra.put("health", forwarder.healthDetail());
                    };
                }
                default -> throw new IllegalArgumentException("unknown stage " + args[0]
                        + "; use mirror, processor or datadog");
            }
            long readyAt = System.currentTimeMillis();
            out.println(PREFIX + "READY " + readyAt);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("STOP")) {
                // wait for STOP (or the parent going away)
            }
            long stopAt = System.currentTimeMillis();
            report.run(); // before close: what the running system says
            Map<String, Long> threads = stats.busiestThreads();
            System.gc(); // what the running system still holds: the heap after a full collection
            extra.put("heapRetainedAtEndBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            system.close();
            JvmStats.Snapshot snapshot = stats.snapshot(threads);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("stage", args[0]);
            result.put("readyAt", readyAt);
            result.put("stopAt", stopAt);
            result.put("heapPeakUsedBytes", snapshot.heapPeakUsedBytes());
            result.put("heapAfterGcMaxBytes", snapshot.heapAfterGcMaxBytes());
            result.put("heapMaxBytes", snapshot.heapMaxBytes());
            result.put("gcCount", snapshot.gcCount());
            result.put("gcMillis", snapshot.gcMillis());
            result.put("cpuWallMillis", snapshot.cpu().stream().mapToLong(JvmStats.CpuSample::wallMillis).toArray());
            result.put("cpuNanos", snapshot.cpu().stream().mapToLong(JvmStats.CpuSample::cpuNanos).toArray());
            result.put("jitMillis", snapshot.cpu().stream().mapToLong(JvmStats.CpuSample::jitMillis).toArray());
            result.put("gcMillisSamples", snapshot.cpu().stream().mapToLong(JvmStats.CpuSample::gcMillis).toArray());
            result.put("gcCountSamples", snapshot.cpu().stream().mapToLong(JvmStats.CpuSample::gcCount).toArray());
            result.put("heapUsedSamples", snapshot.cpu().stream().mapToLong(JvmStats.CpuSample::heapUsedBytes)
                    .toArray());
            result.put("jvmStartMillis", ManagementFactory.getRuntimeMXBean().getStartTime());
            result.put("topThreadsCpuMillis", snapshot.topThreadsCpuMillis());
            result.put("extra", extra);
            out.println(PREFIX + "RESULT " + new ObjectMapper().writeValueAsString(result));
            stats.close();
            System.exit(0);
        } catch (Throwable e) {
            out.println(PREFIX + "FAILED " + e.toString().replace('\n', ' '));
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** E.g. {@code --stage-jvm-option -Dbench.processor.kafka.linger.ms=20}: what {@code processor.kafka} would set. */
    private static Map<String, String> processorKafkaProperties() {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(PROCESSOR_KAFKA_PROPERTY))
                .forEach(name -> properties.put(name.substring(PROCESSOR_KAFKA_PROPERTY.length()),
                        System.getProperty(name)));
        return properties;
    }
}
