package dev.lunar.telemetry.example;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.consumer.BatchResult;
import dev.lunar.telemetry.kafka.runtime.KafkaClientSettings;
import dev.lunar.telemetry.consumer.TelemetryConsumer;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A platform team's consumer, written only against the consumer kit's public API: it keeps the WARN and ERROR lines
 * of the enriched log stream and appends them, one JSON object a line, to a file per tenant.
 *
 * <p>Delivery: the kit commits a batch's offsets only after {@link #append} returned; a failed write answers
 * {@link BatchResult#retry}, so nothing is lost, and after a crash the last batch may be appended again — the lines
 * carry the event id so a reader can de-duplicate.
 */
public final class ErrorLogArchive implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEPT_LEVELS = Set.of("WARN", "WARNING", "ERROR", "FATAL");

    private final Path directory;
    private final TelemetryConsumer<EnrichedLog> consumer;

    private ErrorLogArchive(Path directory, TelemetryConsumer.Builder<EnrichedLog> consumer) {
        this.directory = directory;
        this.consumer = consumer.handler(batch -> Mono.fromRunnable(() -> append(batch))
                        .subscribeOn(Schedulers.boundedElastic())
                        .thenReturn(BatchResult.accepted())
                        .onErrorResume(e -> Mono.just(BatchResult.retry("cannot write " + directory + ": " + e))))
                .start();
    }

    /** Archives {@code telemetry.logs.v1}. */
    public static ErrorLogArchive start(String bootstrapServers, Path directory) {
        return start(bootstrapServers, directory, EventKind.LOGS.enrichedTopic(), "error-log-archive");
    }

    /** Archives {@code topic} as consumer group {@code groupId} (tests use fresh names). */
    public static ErrorLogArchive start(String bootstrapServers, Path directory, String topic, String groupId) {
        return new ErrorLogArchive(directory, TelemetryConsumer.builder("error-log-archive", EnrichedLog.class)
                .kafka(KafkaClientSettings.of(bootstrapServers))
                .groupId(groupId)
                .topic(topic, EnrichedLog.class)
                .batching(500, 2_000_000, Duration.ofMillis(500)));
    }

    /** The file holding a tenant's archived lines. */
    public Path fileOf(String tenantId) {
        return directory.resolve(tenantId.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
    }

    /** Records read but not yet committed; the kit bounds it, so a stuck disk cannot exhaust memory. */
    public int inFlightRecords() {
        return consumer.inFlightRecords();
    }

    private void append(List<EnrichedLog> batch) {
        try {
            Files.createDirectories(directory);
            for (EnrichedLog log : batch) {
                if (!KEPT_LEVELS.contains(log.getLevel().toUpperCase(Locale.ROOT))) {
                    continue;
                }
                ObjectNode line = JSON.createObjectNode()
                        .put("eventId", log.getHeader().getEventId())
                        .put("tenant", log.getTenant().getName())
                        .put("proxy", log.getHeader().getProxyId())
                        .put("time", log.getTimestamp().toString())
                        .put("level", log.getLevel())
                        .put("logger", log.getLogger())
                        .put("message", log.getMessage());
                Files.writeString(fileOf(log.getTenant().getId()), line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops polling, finishes the batch in flight, commits, closes. */
    @Override
    public void close() {
        consumer.close();
    }

    /** {@code java -cp ... dev.lunar.telemetry.example.ErrorLogArchive [bootstrap] [directory]}. */
    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        Path directory = Path.of(args.length > 1 ? args[1] : "error-logs");
        ErrorLogArchive archive = start(bootstrap, directory);
        Runtime.getRuntime().addShutdownHook(new Thread(archive::close, "error-log-archive-stop"));
        System.out.println("Archiving WARN/ERROR logs from " + bootstrap + " to " + directory.toAbsolutePath()
                + ". Ctrl-C stops.");
        Thread.currentThread().join();
    }
}
