package dev.lunar.telemetry.processor.privacy;

import dev.lunar.telemetry.events.avro.ProxyLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * P1: a log line that describes one request <em>is</em> an individual request, and the processor drops it whole. This
 * rule decides which raw {@link ProxyLog}s those are. Pure, thread-safe, and linear in the length of the line: one
 * hand-written token scan, no regular expression, a bounded look-ahead per token.
 *
 * <p>A line describes one request when any of these holds:
 * <ol>
 *   <li><b>access entry</b>: it carries a structured {@code access} entry;</li>
 *   <li><b>access-log logger</b>: its logger name, split into segments at {@code . - _ / : $}, whitespace and
 *       camel-case humps and compared ignoring case, has a segment {@code access} that is the last segment or is
 *       followed by {@code log}, {@code logs}, {@code logger} or {@code loggers}; or a segment starting with
 *       {@code accesslog} or {@code requestlog}; or {@code request} followed by {@code log}/{@code logs}/... —
 *       {@code access-log}, {@code access_log}, {@code AccessLogValve}, {@code http.access}, {@code nginx.access},
 *       {@code envoy.access_loggers.file}, {@code RequestLog}. Not {@code access-control} or {@code AccessPolicy}:
 *       they name authorisation, not requests;</li>
 *   <li><b>request line</b> in the message, in either shape:
 *     <ul>
 *       <li><i>positional</i> — an HTTP method in upper case ({@code GET POST PUT PATCH DELETE HEAD OPTIONS CONNECT
 *           TRACE}; upper case only, because {@code get}, {@code post}, {@code head}, {@code trace} are English words),
 *           immediately followed by a target (a path {@code /…}, a URL {@code scheme://…}, a host such as
 *           {@code api.stripe.com/v1/x} or {@code 10.0.0.1:8080}, or {@code *}), then — with only connecting tokens
 *           in between (a protocol such as {@code HTTP/1.1}, an arrow {@code -> => → -}, or one of {@code in took
 *           after status code returned responded answered response got completed finished}), within four tokens —
 *           a status code (three digits, 100–599) or a latency (a number with a unit: {@code ns us µs ms s sec},
 *           attached or as the next token), bare or keyed ({@code status=200}, {@code took=5ms}). Covers the
 *           Apache/nginx common and combined formats ({@code "GET /x HTTP/1.1" 200 512}), Envoy's default
 *           ({@code "GET /x HTTP/2" 200 - 0 12 5}), {@code GET https://h/x -> 200 in 5ms} and the simulator's
 *           {@code GET api.host/v1/x 200 585ms}. Any other word first ends the search: "POST /v1/charges limited to
 *           100 requests", "GET api.x.com/y with 250 calls, p95 300 ms" are statements about many requests;</li>
 *       <li><i>keyed</i> (logfmt or JSON, any order) — a method key ({@code method}, {@code verb},
 *           {@code request_method}, {@code http.request.method}…) holding a method in any case, a target key
 *           ({@code path}, {@code url}, {@code uri}, {@code host}, {@code route}…) holding a target, and a status key
 *           holding 100–599 or a duration key ({@code duration}, {@code latency}, {@code took},
 *           {@code request_time}…) holding a number: {@code method=GET path=/x status=200 duration=5ms},
 *           {@code {"method":"GET","url":"https://h/x","status":200}}.</li>
 *     </ul>
 *   </li>
 * </ol>
 * Tokens are separated by whitespace, {@code ,}, {@code ;} and {@code |}; quotes and backslashes are ignored, and
 * brackets, braces, parentheses and a trailing {@code : = . ! ?} are stripped from token ends, so
 * {@code [GET]}, {@code "GET} and {@code (200)} read as {@code GET} and {@code 200}. Lines such as "GET requests are
 * retried 3 times", "upstream api.x.io unhealthy (503)", "policy reloaded in 12ms" or "POST body limit set to 10MB"
 * do not describe a request and are kept.
 */
public final class IndividualRequestRule {

    /** Why a line was found to describe one request. */
    public enum Evidence { ACCESS_ENTRY, ACCESS_LOGGER, REQUEST_LINE }

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT",
            "TRACE");
    private static final Set<String> METHOD_KEYS = Set.of("method", "verb", "request_method", "requestmethod",
            "http_method", "httpmethod", "req_method");
    private static final Set<String> TARGET_KEYS = Set.of("path", "url", "uri", "host", "target", "route",
            "endpoint", "authority", "request_uri", "requesturi", "request_path", "requestpath", "request_url",
            "requesturl", "url_path", "upstream_url", "full", "original");
    private static final Set<String> STATUS_KEYS = Set.of("status", "status_code", "statuscode", "code",
            "response_code", "responsecode", "http_status", "httpstatus", "response_status", "resp_status",
            "upstream_status");
    private static final Set<String> DURATION_KEYS = Set.of("duration", "latency", "elapsed", "took", "rt",
            "request_time", "requesttime", "response_time", "responsetime", "upstream_response_time", "duration_ms",
            "durationms", "latency_ms", "latencyms", "elapsed_ms", "time_ms", "time_taken", "request_duration",
            "total_duration", "totalduration");
    /** Tokens that may stand between a request's target and its outcome: {@code -> 200}, {@code returned 200}. */
    private static final Set<String> CONNECTORS = Set.of("->", "=>", "→", "-", "–", "—", "in", "took", "after",
            "status", "code", "returned", "responded", "answered", "response", "got", "completed", "finished");
    private static final Set<String> UNITS = Set.of("ns", "us", "µs", "μs", "ms", "s", "sec", "secs", "msec",
            "msecs", "millis");
    private static final Set<String> LOG_SUFFIXES = Set.of("log", "logs", "logger", "loggers");
    /** Tokens after the target in which a status or latency is looked for. */
    private static final int WINDOW = 4;

    private IndividualRequestRule() {}

    /** True when {@code log} describes one request (see the class comment); such a record is dropped whole. */
    public static boolean describesOneRequest(ProxyLog log) {
        return evidence(log) != null;
    }

    /** What shows that {@code log} describes one request, or null when nothing does. */
    public static Evidence evidence(ProxyLog log) {
        if (log.getAccess() != null) {
            return Evidence.ACCESS_ENTRY;
        }
        if (isAccessLogger(log.getLogger())) {
            return Evidence.ACCESS_LOGGER;
        }
        if (isRequestLine(log.getMessage())) {
            return Evidence.REQUEST_LINE;
        }
        return null;
    }

    /** True for the name of a logger that writes access logs (see the class comment). */
    public static boolean isAccessLogger(CharSequence logger) {
        if (logger == null) {
            return false;
        }
        List<String> segments = segments(logger);
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            String next = i + 1 < segments.size() ? segments.get(i + 1) : null;
            if (segment.startsWith("accesslog") || segment.startsWith("requestlog")) {
                return true;
            }
            if (segment.equals("access") && (next == null || LOG_SUFFIXES.contains(next))) {
                return true;
            }
            if (segment.equals("request") && next != null && LOG_SUFFIXES.contains(next)) {
                return true;
            }
        }
        return false;
    }

    /** Lower-cased segments of a logger name: split at separators and camel-case humps. */
    private static List<String> segments(CharSequence name) {
        List<String> segments = new ArrayList<>(4);
        StringBuilder current = new StringBuilder();
        int n = name.length();
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(current, segments);
                continue;
            }
            if (i > 0 && Character.isUpperCase(c)) {
                char before = name.charAt(i - 1);
                boolean hump = Character.isLowerCase(before) || Character.isDigit(before);
                // "HTTPAccess": the last capital of a run starts the next word
                boolean acronymEnd = Character.isUpperCase(before) && i + 1 < n
                        && Character.isLowerCase(name.charAt(i + 1));
                if (hump || acronymEnd) {
                    flush(current, segments);
                }
            }
            current.append(Character.toLowerCase(c));
        }
        flush(current, segments);
        return segments;
    }

    private static void flush(StringBuilder current, List<String> into) {
        if (current.length() > 0) {
            into.add(current.toString());
            current.setLength(0);
        }
    }

    /** True when {@code message} holds a request line, positional or keyed (see the class comment). */
    public static boolean isRequestLine(CharSequence message) {
        if (message == null) {
            return false;
        }
        List<Token> tokens = tokens(message);
        boolean keyedMethod = false;
        boolean keyedTarget = false;
        boolean keyedOutcome = false;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (METHODS.contains(t.value) && i + 1 < tokens.size() && isTarget(tokens.get(i + 1))
                    && outcomeFollows(tokens, i + 1)) {
                return true;
            }
            if (t.key != null) {
                if (METHOD_KEYS.contains(t.key) || METHOD_KEYS.contains(t.fullKey)) {
                    keyedMethod |= METHODS.contains(t.value.toUpperCase(Locale.ROOT));
                } else if (TARGET_KEYS.contains(t.key) || TARGET_KEYS.contains(t.fullKey)) {
                    keyedTarget |= isTargetText(t.value);
                } else if (STATUS_KEYS.contains(t.key) || STATUS_KEYS.contains(t.fullKey)) {
                    keyedOutcome |= isStatus(t.value);
                } else if (DURATION_KEYS.contains(t.key) || DURATION_KEYS.contains(t.fullKey)) {
                    keyedOutcome |= isNumber(t.value, 0, t.value.length()) || isLatency(t.value);
                }
                if (keyedMethod && keyedTarget && keyedOutcome) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A status code or a latency within the {@link #WINDOW} tokens after the target at {@code target}, with only
     * {@link #CONNECTORS} and protocol tokens before it.
     */
    private static boolean outcomeFollows(List<Token> tokens, int target) {
        int last = Math.min(tokens.size() - 1, target + WINDOW);
        for (int j = target + 1; j <= last; j++) {
            Token t = tokens.get(j);
            if (isStatus(t.value) || isLatency(t.value)) {
                return true;
            }
            if (isNumber(t.value, 0, t.value.length()) && j + 1 < tokens.size()
                    && UNITS.contains(tokens.get(j + 1).value.toLowerCase(Locale.ROOT))) {
                return true;
            }
            if (!CONNECTORS.contains(t.value.toLowerCase(Locale.ROOT)) && !isProtocol(t.value)) {
                return false;
            }
        }
        return false;
    }

    /** {@code HTTP/1.1}, {@code HTTP/2}, {@code h2}, {@code h2c}. */
    private static boolean isProtocol(String s) {
        return s.regionMatches(true, 0, "HTTP/", 0, 5) || s.equalsIgnoreCase("h2") || s.equalsIgnoreCase("h2c");
    }

    private static boolean isTarget(Token t) {
        return isTargetText(t.value) || t.key != null && isTargetText(t.whole);
    }

    /** A path, a URL, a host (with port and path), or {@code *}. */
    static boolean isTargetText(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        char first = s.charAt(0);
        if (first == '/') {
            return true;
        }
        if (n == 1) {
            return first == '*';
        }
        int scheme = s.indexOf("://");
        if (scheme > 0 && scheme + 3 < n && isScheme(s, scheme)) {
            return true;
        }
        return isHost(s);
    }

    private static boolean isScheme(String s, int end) {
        if (!isAsciiLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = s.charAt(i);
            if (!(isAsciiLetter(c) || isDigit(c) || c == '+' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code label(.label)+[:port][/…|?…]} whose last label has a letter (a name) or that has four numeric labels (an
     * IPv4 address), or {@code name:port[/…]}. Numbers with units ({@code 0.585s}) are latencies, not hosts.
     */
    private static boolean isHost(String s) {
        int n = s.length();
        int i = 0;
        int labels = 0;
        boolean lastHasLetter = false;
        boolean allNumeric = true;
        while (true) {
            int start = i;
            boolean letter = false;
            while (i < n && (isAsciiLetter(s.charAt(i)) || isDigit(s.charAt(i)) || s.charAt(i) == '-'
                    || s.charAt(i) == '_')) {
                letter |= isAsciiLetter(s.charAt(i));
                i++;
            }
            if (i == start) {
                return false;
            }
            labels++;
            lastHasLetter = letter;
            allNumeric &= !letter;
            if (i < n && s.charAt(i) == '.') {
                i++;
                continue;
            }
            break;
        }
        boolean port = false;
        if (i < n && s.charAt(i) == ':') {
            int digits = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == digits) {
                return false;
            }
            port = true;
        }
        if (i < n && s.charAt(i) != '/' && s.charAt(i) != '?' && s.charAt(i) != '#') {
            return false;
        }
        boolean named = labels >= 2 && lastHasLetter;
        boolean ipv4 = labels == 4 && allNumeric;
        if (isLatency(s)) {
            return false;
        }
        return named || ipv4 || labels == 1 && port && lastHasLetter;
    }

    static boolean isStatus(String s) {
        if (s.length() != 3 || !isDigit(s.charAt(0)) || !isDigit(s.charAt(1)) || !isDigit(s.charAt(2))) {
            return false;
        }
        int code = Integer.parseInt(s);
        return code >= 100 && code <= 599;
    }

    /** A number with a time unit attached: {@code 585ms}, {@code 0.585s}, {@code 12µs}. */
    static boolean isLatency(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        return i > 0 && i < n && isNumber(s, 0, i) && UNITS.contains(s.substring(i).toLowerCase(Locale.ROOT));
    }

    /** Digits, optionally with one decimal point between digits. */
    private static boolean isNumber(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        boolean point = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (point || i == from || i == to - 1) {
                    return false;
                }
                point = true;
            } else if (!isDigit(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    // ------------------------------------------------------------------------------------------------------ tokens

    /**
     * One token: {@code whole} as written (quotes removed, ends trimmed), and for {@code key=value},
     * {@code key:value} with a known key, or {@code key:} followed by a token, the normalised key ({@code key}: last
     * dotted segment, lower case, {@code -} as {@code _}; {@code fullKey}: all of it) and the value.
     */
    private record Token(String whole, String key, String fullKey, String value) {}

    private static List<Token> tokens(CharSequence text) {
        List<Token> tokens = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        String pendingKey = null;
        String pendingFullKey = null;
        int n = text.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            if (c == '"' || c == '\'' || c == '`' || c == '\\') {
                continue;
            }
            if (!(Character.isWhitespace(c) || c == ',' || c == ';' || c == '|')) {
                chunk.append(c);
                continue;
            }
            if (chunk.length() == 0) {
                continue;
            }
            String raw = chunk.toString();
            chunk.setLength(0);
            String whole = trim(raw);
            if (whole.isEmpty()) {
                continue;
            }
            // "method": "GET" — a known key ending in ':' or '=' names the next token
            char endsWith = lastNonBracket(raw);
            if ((endsWith == ':' || endsWith == '=') && isKnownKey(whole)) {
                pendingFullKey = normaliseKey(whole);
                pendingKey = lastSegment(pendingFullKey);
                continue;
            }
            Token token = split(whole);
            if (pendingKey != null && token.key == null) {
                token = new Token(whole, pendingKey, pendingFullKey, whole);
            }
            pendingKey = null;
            pendingFullKey = null;
            tokens.add(token);
        }
        return tokens;
    }

    private static char lastNonBracket(String raw) {
        for (int i = raw.length() - 1; i >= 0; i--) {
            char c = raw.charAt(i);
            if (!isBracket(c)) {
                return c;
            }
        }
        return 0;
    }

    /**
     * {@code k:v} with a known key (so {@code host:8080} stays a host), else {@code k=v} with any key; the first
     * separator wins, so {@code url:https://h/x?a=b} is a URL.
     */
    private static Token split(String whole) {
        int colon = whole.indexOf(':');
        int eq = whole.indexOf('=');
        if (colon > 0 && colon < whole.length() - 1 && (eq < 0 || colon < eq)) {
            String key = whole.substring(0, colon);
            if (isKnownKey(key)) {
                return keyed(whole, key, whole.substring(colon + 1));
            }
        }
        if (eq > 0 && eq < whole.length() - 1) {
            return keyed(whole, whole.substring(0, eq), whole.substring(eq + 1));
        }
        return new Token(whole, null, null, whole);
    }

    private static Token keyed(String whole, String key, String value) {
        String full = normaliseKey(key);
        return new Token(whole, lastSegment(full), full, trim(value));
    }

    private static boolean isKnownKey(String key) {
        String full = normaliseKey(key);
        String last = lastSegment(full);
        return METHOD_KEYS.contains(last) || TARGET_KEYS.contains(last) || STATUS_KEYS.contains(last)
                || DURATION_KEYS.contains(last) || METHOD_KEYS.contains(full) || TARGET_KEYS.contains(full)
                || STATUS_KEYS.contains(full) || DURATION_KEYS.contains(full) || last.equals("request");
    }

    private static String normaliseKey(String key) {
        return trim(key).toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private static String lastSegment(String key) {
        int dot = key.lastIndexOf('.');
        return dot >= 0 ? key.substring(dot + 1) : key;
    }

    /** Strips brackets from both ends, and a trailing {@code : = . ! ?}. */
    private static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isBracket(s.charAt(from))) {
            from++;
        }
        while (to > from && (isBracket(s.charAt(to - 1)) || isTrailingPunctuation(s.charAt(to - 1)))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isBracket(char c) {
        return c == '[' || c == ']' || c == '(' || c == ')' || c == '{' || c == '}';
    }

    private static boolean isTrailingPunctuation(char c) {
        return c == ':' || c == '=' || c == '.' || c == '!' || c == '?';
    }
}
