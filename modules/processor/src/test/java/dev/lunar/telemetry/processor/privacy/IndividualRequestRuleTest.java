package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.processor.Samples;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** P1's classifier: which raw log lines describe one request. */
class IndividualRequestRuleTest {

    @Test
    void theSimulatorsAccessLogLineIsARequestByEachOfItsThreeSigns() {
        ProxyLog line = Samples.accessLog("e", "t");
        assertThat(IndividualRequestRule.evidence(line)).isEqualTo(IndividualRequestRule.Evidence.ACCESS_ENTRY);
        ProxyLog noEntry = Samples.b(line).setAccess(null).build();
        assertThat(IndividualRequestRule.evidence(noEntry)).isEqualTo(IndividualRequestRule.Evidence.ACCESS_LOGGER);
        ProxyLog plainLogger = Samples.b(noEntry).setLogger("http-proxy").build();
        assertThat(IndividualRequestRule.evidence(plainLogger)).isEqualTo(IndividualRequestRule.Evidence.REQUEST_LINE);
        assertThat(IndividualRequestRule.evidence(Samples.log("e", "t"))).isNull();
    }

    @Test
    void accessLogLoggersAreNamedBySegmentsNotBySubstrings() {
        for (String logger : List.of("access-log", "access_log", "accesslog", "ACCESS_LOG", "access", "http.access",
                "nginx.access", "envoy.access_loggers.file", "AccessLogValve", "io.undertow.accesslog",
                "reactor.netty.http.server.AccessLog", "HTTPAccess", "http-access-logs", "RequestLog",
                "org.eclipse.jetty.server.RequestLog", "request_log", "requestlogger", "proxy/access")) {
            assertThat(IndividualRequestRule.isAccessLogger(logger)).as(logger).isTrue();
        }
        for (String logger : List.of("http-proxy", "engine", "log-shipper", "access-control", "AccessPolicy",
                "accessibility", "exporter", "hub-client", "request-router", "requests", "subaccess", "", "logaccess")) {
            assertThat(IndividualRequestRule.isAccessLogger(logger)).as(logger).isFalse();
        }
    }

    @Test
    void requestLinesInCommonFormatsAreRecognised() {
        for (String line : List.of(
                "GET reports.partner-data.io/v2/exports/{id} 200 585ms",
                "POST api.stripe.com/v1/charges 502 1201ms",
                "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
                "127.0.0.1 - - [26/Nov/2026:10:00:00 +0000] \"POST /v1/charges HTTP/1.1\" 201 512 \"-\" \"okhttp/4.12.0\"",
                "[2026-11-26T10:00:00.310Z] \"POST /api/v1/locations HTTP/2\" 204 - 154 0 226 100 \"127.0.0.1\" "
                        + "\"nsq2http\" \"cc21d9b0-cf5c-432b\" \"locations\" \"tcp://127.0.0.1:80\"",
                "method=GET path=/v1/customers/42 status=200 duration=5ms",
                "status=200 duration=0.005 method=get path=/v1/customers/42",
                "ts=2026-11-26T10:00:00Z level=info msg=done method=POST url=https://api.openai.com/v1/chat status=429",
                "{\"method\":\"GET\",\"url\":\"https://maps.googleapis.com/maps/api/geocode/json\",\"status\":200}",
                "{\"http.request.method\": \"PATCH\", \"url.path\": \"/v1/x\", \"http.response.status_code\": 204}",
                "request=\"DELETE /v1/cache HTTP/1.1\" status=204",
                "GET https://api.github.com/repos/a/b/issues -> 200 in 120ms",
                "DELETE http://127.0.0.1:8080/x 12µs",
                "HEAD /healthz 0.585s",
                "OPTIONS * HTTP/1.1 200",
                "CONNECT api.stripe.com:443 200",
                "proxy-3 | 2026/11/26 10:00:00 [GET] /v1/x (200) 31 ms",
                "Retrying PUT api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json after 503",
                "GET /v1/x completed status 200",
                "GET https://api.openai.com/v1/chat HTTP/1.1 - 1.5 s",
                "TRACE /debug took=12ms")) {
            assertThat(IndividualRequestRule.isRequestLine(line)).as(line).isTrue();
        }
    }

    @Test
    void benignLinesAreKept() {
        for (String line : List.of(
                "GET requests are retried 3 times",
                "policy reloaded in 12ms",
                "upstream reports.partner-data.io unhealthy (503) — circuit open",
                "listening on :8080",
                "POST body limit set to 10MB",
                "POST /v1/charges limited to 100 requests per minute",
                "GET and HEAD are cached for 300s",
                "discovered endpoint GET api.stripe.com/v1/charges with 250 calls in the last window, p95 300 ms",
                "GET api.stripe.com/v1/charges p95 300ms",
                "DELETE /v1/cache scheduled every 30s",
                "DELETE is not allowed on /v1/charges",
                "Loaded 5 policies from /etc/lunar-proxy/policies.yaml",
                "Remedy Global rate limit throttled 12 requests to api.stripe.com",
                "Upstream api.stripe.com responded 503, retry 1/3",
                "Upstream api.openai.com timed out after 5000 ms",
                "Shipped 120 log lines in 12 ms",
                "Connection pool to api.stripe.com resized to 16",
                "method=GET is cached",
                "get /v1/x 200 5ms",
                "Health check ok",
                "",
                "GET")) {
            assertThat(IndividualRequestRule.isRequestLine(line)).as(line).isFalse();
        }
    }

    @Test
    void aHugeLineIsScannedOnceWithoutBacktracking() {
        // a megabyte of near-misses: methods followed by targets but never by an outcome within reach
        String nearMiss = "GET /x a b c d e ";
        String line = nearMiss.repeat(1_000_000 / nearMiss.length()) + "GET /x 200";
        assertThat(IndividualRequestRule.isRequestLine(line)).isTrue();
        assertThat(IndividualRequestRule.isRequestLine(line.substring(0, line.length() - 10))).isFalse();
    }

    // ------------------------------------------------------------------------------------------------ properties

    private static final List<String> METHODS = List.copyOf(IndividualRequestRule.METHODS);
    private static final List<String> HOSTS = List.of("api.stripe.com", "reports.partner-data.io", "127.0.0.7",
            "maps.googleapis.com", "localhost:8080", "api.github.com:443", "svc.internal");
    private static final List<String> PATHS = List.of("/", "/v1/charges", "/v1/customers/{id}",
            "/repos/{owner}/{repo}/issues", "/v2/exports/42?format=csv", "/2010-04-01/Accounts/{sid}/Messages.json",
            "/maps/api/geocode/json");
    private static final List<String> PREFIXES = List.of("", "2026-11-26T10:00:00.123Z ", "[INFO] ",
            "2026/11/26 10:00:00 ", "proxy-3 | ", "req=8f2c1a ", "Nov 26 10:00:00 proxy[123]: ", "[2026-11-26 10:00:00] ");

    /** A request of random parts, written in one of several formats. */
    record Request(String method, String host, String path, int status, String latency, int format, String prefix) {
        String line() {
            String url = "https://" + host + path;
            return prefix + switch (format) {
                case 0 -> method + " " + host + path + " " + status + " " + latency;
                case 1 -> "127.0.0.1 - - [26/Nov/2026:10:00:00 +0000] \"" + method + " " + path + " HTTP/1.1\" " + status
                        + " 512 \"-\" \"okhttp/4.12.0\"";
                case 2 -> "[2026-11-26T10:00:00.310Z] \"" + method + " " + path + " HTTP/2\" " + status
                        + " - 0 226 " + latency.replaceAll("[^0-9]", "") + " 3 \"127.0.0.1\" \"curl/8\" \"id-1\" \"" + host
                        + "\"";
                case 3 -> shuffled("method=" + method, "path=" + path, "status=" + status, "duration=" + latency);
                case 4 -> "{" + shuffled("\"method\":\"" + method + "\"", "\"url\":\"" + url + "\"",
                        "\"status\":" + status).replace(' ', ',') + "}";
                case 5 -> method + " " + url + " -> " + status + " in " + latency;
                case 6 -> method + " " + host + path + " " + latency;
                default -> method.toLowerCase() + "=" + method + " " + method + " " + path + " " + status;
            };
        }

        private String shuffled(String... parts) {
            List<String> list = new ArrayList<>(List.of(parts));
            Collections.shuffle(list, new Random(status * 31L + format + path.length()));
            return String.join(" ", list);
        }
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> latency = Combinators.combine(Arbitraries.integers().between(0, 99_999),
                Arbitraries.of("ms", "s", "µs", "us", "ns")).as((n, unit) -> unit.equals("s")
                ? (n / 1000) + "." + String.format("%03d", n % 1000) + "s" : n + unit);
        return Combinators.combine(Arbitraries.of(METHODS), Arbitraries.of(HOSTS), Arbitraries.of(PATHS),
                Arbitraries.integers().between(100, 599), latency, Arbitraries.integers().between(0, 7),
                Arbitraries.of(PREFIXES)).as(Request::new);
    }

    @Property(tries = 1000)
    void generatedRequestLinesAreAlwaysRecognised(@ForAll("requests") Request request) {
        assertThat(IndividualRequestRule.isRequestLine(request.line())).as(request.line()).isTrue();
    }

    /** Sentences that mention methods, hosts, paths, status codes and durations without describing one request. */
    @Provide
    Arbitrary<String> benignLines() {
        Arbitrary<String> method = Arbitraries.of(METHODS);
        Arbitrary<String> host = Arbitraries.of(HOSTS);
        Arbitrary<String> path = Arbitraries.of(PATHS);
        Arbitrary<Integer> status = Arbitraries.integers().between(100, 599);
        Arbitrary<Integer> n = Arbitraries.integers().between(1, 99_999);
        Arbitrary<String> line = Arbitraries.oneOf(
                Combinators.combine(method, n).as((m, k) -> m + " requests are retried " + k + " times"),
                n.map(k -> "policy reloaded in " + k + "ms"),
                Combinators.combine(host, status).as((h, s) -> "upstream " + h + " unhealthy (" + s + ") — circuit open"),
                n.map(k -> "listening on :" + k),
                Combinators.combine(method, n).as((m, k) -> m + " body limit set to " + k + "MB"),
                Combinators.combine(method, path, status).as((m, p, s) -> m + " " + p + " limited to " + s
                        + " requests per minute"),
                Combinators.combine(method, method, n).as((a, b, k) -> a + " and " + b + " are cached for " + k + "s"),
                Combinators.combine(method, path).as((m, p) -> m + " is not allowed on " + p),
                Combinators.combine(n, path).as((k, p) -> "Loaded " + k + " policies from /etc" + p),
                Combinators.combine(n, host).as((k, h) -> "Remedy rate limit throttled " + k + " requests to " + h),
                Combinators.combine(host, status, n).as((h, s, k) -> "Upstream " + h + " responded " + s + ", retry "
                        + k + "/3"),
                Combinators.combine(host, n).as((h, k) -> "Upstream " + h + " timed out after " + k + " ms"),
                Combinators.combine(n, n).as((a, b) -> "Shipped " + a + " log lines in " + b + " ms"),
                Combinators.combine(host, n).as((h, k) -> "Connection pool to " + h + " resized to " + k),
                Combinators.combine(method, status).as((m, s) -> "method=" + m + " is cached, " + s + " policies"),
                Combinators.combine(method, host, path, n).as((m, h, p, k) -> "discovered endpoint " + m + " " + h + p
                        + " with " + k + " calls in the last window, p95 " + k + " ms"),
                Combinators.combine(method, path, n).as((m, p, k) -> m + " " + p + " p95 " + k + "ms"),
                Combinators.combine(method, path, status, n).as((m, p, s, k) -> m.toLowerCase() + " " + p + " " + s
                        + " " + k + "ms"));
        return Combinators.combine(Arbitraries.of(PREFIXES), line).as(String::concat);
    }

    @Property(tries = 1000)
    void generatedBenignLinesAreNeverRecognised(@ForAll("benignLines") String line) {
        assertThat(IndividualRequestRule.isRequestLine(line)).as(line).isFalse();
    }
}
