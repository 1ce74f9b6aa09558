package dev.lunar.telemetry.datadog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The dry-run / transparency sink (DESIGN.md P7): instead of sending, appends each request that would have been sent
 * as one JSON line to {@code <data-dir>/outbox/datadog/requests-<UTC date>.jsonl}:
 * {@code {"time", "method", "url", "headers", "body", "bodyBytes", "gzipBytes"}} — the headers without
 * {@code DD-API-KEY}, the body exactly as it would be compressed and sent (a JSON text, byte for byte).
 */
final class OutboxSender implements IntakeSender {

    private final Path directory;
    private final ObjectMapper mapper;
    private final Clock clock;

    OutboxSender(Path directory, ObjectMapper mapper, Clock clock) {
        this.directory = directory;
        this.mapper = mapper;
        this.clock = clock;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Datadog outbox " + directory
                    + ": check datadog.data-dir and its permissions", e);
        }
    }

    Path directory() {
        return directory;
    }

    @Override
    public Mono<IntakeOutcome> send(IntakeRequest request) {
        return Mono.fromCallable(() -> {
            append(request);
            return (IntakeOutcome) new IntakeOutcome.Accepted();
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> Mono.just(new IntakeOutcome.Retry("cannot write the outbox " + directory + ": " + e,
                        java.util.Optional.empty())));
    }

    private synchronized void append(IntakeRequest request) throws IOException {
        ObjectNode line = mapper.createObjectNode();
        line.put("time", clock.instant().toString());
        line.put("destination", request.destination().name());
        boolean udp = request.api().equals(DatadogBatchHandler.DOGSTATSD);
        line.put("method", udp ? "UDP" : "POST");
        line.put("url", request.url().toString());
        if (!udp) {
            ObjectNode headers = line.putObject("headers");
            headers.put("Content-Type", "application/json");
            headers.put("Content-Encoding", "gzip");
            headers.put("Accept", "application/json");
            line.putArray("headersNotShown").add(HttpIntakeSender.API_KEY_HEADER);
        }
        line.put("body", new String(request.body(), StandardCharsets.UTF_8));
        line.put("bodyBytes", request.body().length);
        line.put("gzipBytes", request.gzipped().length);
        byte[] bytes = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = directory.resolve("requests-" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) + ".jsonl");
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
