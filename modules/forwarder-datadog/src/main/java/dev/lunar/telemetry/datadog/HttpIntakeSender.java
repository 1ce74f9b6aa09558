package dev.lunar.telemetry.datadog;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * POSTs gzip-compressed JSON to a Datadog intake with Reactor Netty: headers {@code DD-API-KEY},
 * {@code Content-Type: application/json}, {@code Content-Encoding: gzip}. The key is only ever put in that header.
 * A request that gets no answer within the request timeout is a retriable failure.
 */
final class HttpIntakeSender implements IntakeSender {

    static final String API_KEY_HEADER = "DD-API-KEY";

    private final ConnectionProvider connections;
    private final HttpClient client;
    private final Duration timeout;

    HttpIntakeSender(Duration timeout) {
        this.timeout = timeout;
        this.connections = ConnectionProvider.builder("datadog-intake").maxConnections(16)
                .pendingAcquireTimeout(timeout).maxIdleTime(Duration.ofSeconds(30)).build();
        this.client = HttpClient.create(connections)
                .responseTimeout(timeout)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 10_000));
    }

    @Override
    public Mono<IntakeOutcome> send(IntakeRequest request) {
        String what = request.api() + " intake of " + request.destination().name();
        String key = request.destination().apiKey().orElse("");
        return client
                .headers(h -> h.set(API_KEY_HEADER, key)
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .set(HttpHeaderNames.CONTENT_ENCODING, "gzip")
                        .set(HttpHeaderNames.ACCEPT, "application/json")
                        .set(HttpHeaderNames.USER_AGENT, "lunar-telemetry-datadog-forwarder"))
                .post()
                .uri(request.url())
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(request.gzipped())))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("").map(text -> {
                    Map<String, String> headers = new HashMap<>();
                    response.responseHeaders().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
                    return IntakeOutcome.classify(response.status().code(), headers, text, what);
                }))
                .timeout(timeout.plusSeconds(1))
                .onErrorResume(e -> Mono.just(new IntakeOutcome.Retry(
                        "no answer from " + what + ": " + describe(e), Optional.empty())));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    @Override
    public void close() {
        connections.disposeLater().block(Duration.ofSeconds(5));
    }
}
