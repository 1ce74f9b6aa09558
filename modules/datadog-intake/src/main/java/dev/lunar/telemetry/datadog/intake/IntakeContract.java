package dev.lunar.telemetry.datadog.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Datadog's documented Logs API v2 and Metrics API v2 intake contract, written once for every loopback intake of the
 * tests and benchmarks: POST to {@link #LOGS_PATH} or {@link #SERIES_PATH}, {@code DD-API-KEY} (401 when missing, 403
 * when not accepted), {@code Content-Type: application/json}, {@code Content-Encoding: gzip}, the size limits (logs:
 * 5 MB uncompressed, 1,000 entries, 1 MB per entry; series: 512,000 bytes compressed, 5,242,880 decompressed; 413 when
 * over), the payload shape (400 when wrong), 202 when accepted. Plain functions: each intake decides what to record.
 */
public final class IntakeContract {

    public static final String LOGS_PATH = "/api/v2/logs";
    public static final String SERIES_PATH = "/api/v2/series";
    public static final String VALIDATE_PATH = "/api/v1/validate";
    public static final int LOGS_MAX_BYTES = 5 * 1024 * 1024;
    public static final int LOGS_MAX_ENTRIES = 1000;
    public static final int LOGS_MAX_ENTRY_BYTES = 1024 * 1024;
    public static final int SERIES_MAX_GZIP_BYTES = 512_000;
    public static final int SERIES_MAX_BYTES = 5_242_880;

    private static final Set<String> STATUSES = Set.of("emergency", "alert", "critical", "error", "warn", "notice",
            "info", "debug");
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.]{0,199}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private IntakeContract() {}

    /** Whether {@code method path} is one of the two intake endpoints. */
    public static boolean isIntake(String method, String path) {
        return method.equals("POST") && (path.equals(LOGS_PATH) || path.equals(SERIES_PATH));
    }

    /** The breaches of the header rules (content type, encoding); the API key is the caller's to judge. */
    public static List<String> headerProblems(String path, String contentType, String contentEncoding) {
        List<String> problems = new ArrayList<>();
        if (!"application/json".equals(contentType)) {
            problems.add(path + ": Content-Type is " + contentType + ", not application/json");
        }
        if (!"gzip".equals(contentEncoding)) {
            problems.add(path + ": Content-Encoding is " + contentEncoding + ", not gzip");
        }
        return problems;
    }

    /** Whether the intake answers 413: the body is over the endpoint's size limit. */
    public static boolean tooLarge(String path, int gzipBytes, int plainBytes) {
        return path.equals(LOGS_PATH) ? plainBytes > LOGS_MAX_BYTES
                : plainBytes > SERIES_MAX_BYTES || gzipBytes > SERIES_MAX_GZIP_BYTES;
    }

    public static byte[] gunzip(byte[] raw) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        }
    }

    /** The payload rules of the endpoint at {@code path}; empty when the uncompressed body is a valid request. */
    public static List<String> payloadProblems(String path, int gzipBytes, byte[] plain) {
        List<String> problems = new ArrayList<>();
        if (path.equals(SERIES_PATH) && gzipBytes > SERIES_MAX_GZIP_BYTES) {
            problems.add(path + ": " + gzipBytes + " compressed bytes, over " + SERIES_MAX_GZIP_BYTES);
        }
        problems.addAll(path.equals(LOGS_PATH) ? validateLogs(plain) : validateSeries(plain));
        return problems;
    }

    /** Logs API v2 payload rules; empty when the body is a valid request. */
    public static List<String> validateLogs(byte[] plain) {
        List<String> problems = new ArrayList<>();
        if (plain.length > LOGS_MAX_BYTES) {
            problems.add("logs: " + plain.length + " uncompressed bytes, over " + LOGS_MAX_BYTES);
        }
        JsonNode json;
        try {
            json = JSON.readTree(plain);
        } catch (IOException e) {
            problems.add("logs: body is not JSON");
            return problems;
        }
        if (json == null || !json.isArray()) {
            problems.add("logs: body is not a JSON array");
            return problems;
        }
        if (json.size() > LOGS_MAX_ENTRIES) {
            problems.add("logs: " + json.size() + " entries, over " + LOGS_MAX_ENTRIES);
        }
        if (json.isEmpty()) {
            problems.add("logs: empty array");
        }
        for (JsonNode e : json) {
            if (!e.isObject()) {
                problems.add("logs: an entry is not an object");
                continue;
            }
            int size = e.toString().getBytes(StandardCharsets.UTF_8).length;
            if (size > LOGS_MAX_ENTRY_BYTES) {
                problems.add("logs: an entry has " + size + " bytes, over " + LOGS_MAX_ENTRY_BYTES);
            }
            for (String field : List.of("message", "ddsource", "service", "hostname", "ddtags", "status")) {
                if (!e.path(field).isTextual()) {
                    problems.add("logs: entry without a string '" + field + "'");
                }
            }
            if (e.path("status").isTextual() && !STATUSES.contains(e.get("status").asText())) {
                problems.add("logs: unknown status " + e.get("status").asText());
            }
            if (e.has("timestamp") && !e.get("timestamp").canConvertToLong()) {
                problems.add("logs: timestamp is not epoch milliseconds");
            }
        }
        return problems;
    }

    /** Metrics API v2 payload rules; empty when the body is a valid request. */
    public static List<String> validateSeries(byte[] plain) {
        List<String> problems = new ArrayList<>();
        if (plain.length > SERIES_MAX_BYTES) {
            problems.add("series: " + plain.length + " decompressed bytes, over " + SERIES_MAX_BYTES);
        }
        JsonNode json;
        try {
            json = JSON.readTree(plain);
        } catch (IOException e) {
            problems.add("series: body is not JSON");
            return problems;
        }
        if (json == null || !json.path("series").isArray() || json.get("series").isEmpty()) {
            problems.add("series: no non-empty 'series' array");
            return problems;
        }
        for (JsonNode s : json.get("series")) {
            String metric = s.path("metric").asText("");
            if (!METRIC_NAME.matcher(metric).matches()) {
                problems.add("series: bad metric name '" + metric + "'");
            }
            int type = s.path("type").isInt() ? s.get("type").asInt() : -1;
            if (type < 0 || type > 3) {
                problems.add("series " + metric + ": type must be 0..3, was " + s.path("type"));
            }
            if ((type == 1 || type == 2) && !s.path("interval").canConvertToLong()) {
                problems.add("series " + metric + ": a count or rate needs an interval");
            }
            if (!s.path("points").isArray() || s.get("points").isEmpty()) {
                problems.add("series " + metric + ": no points");
            } else {
                for (JsonNode p : s.get("points")) {
                    if (!p.path("timestamp").isIntegralNumber() || !p.path("value").isNumber()) {
                        problems.add("series " + metric + ": a point needs an integer timestamp and a number value");
                    }
                }
            }
            if (s.has("resources")) {
                for (JsonNode r : s.get("resources")) {
                    if (!r.path("name").isTextual() || !r.path("type").isTextual()) {
                        problems.add("series " + metric + ": a resource needs a name and a type");
                    }
                }
            }
            if (s.has("tags")) {
                s.get("tags").forEach(t -> {
                    if (!t.isTextual()) {
                        problems.add("series " + metric + ": tags must be strings");
                    }
                });
            }
        }
        return problems;
    }
}
