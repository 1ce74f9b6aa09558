package dev.lunar.telemetry.processor.privacy;

import dev.lunar.telemetry.processor.privacy.detectors.TextDetector;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The built-in redaction rules (DESIGN.md P3), in priority order: when spans of two rules overlap they are redacted
 * as one and counted under the rule listed first. Written for RE2/J, which has no lookaround and no back references:
 * what those did is done by {@link RedactionRule.MatchCheck}s after the match (a base64 run must hold a digit, a lower
 * and an upper case letter; {@code Basic} credentials must decode to {@code user:password}; a secret-ish YAML key
 * takes only its own line's value, or the more-indented lines that continue it). Shapes follow the public rule sets
 * of secret scanners (gitleaks, trufflehog) used as a checklist; the regexes are our own.
 */
final class BuiltInRules {

    /** Characters of the base64 / token runs measured by {@link RedactionRule#minRun()}. */
    static final int LONG_RUN = 32;

    /** Key stems that make an assignment's value a secret. */
    static final String SECRET_KEY_WORDS = "password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key"
            + "|private[_-]?key|credential|auth|session[_-]?id|cookie|signature";
    /** After a key: an optional (escaped) closing quote, then {@code :}, {@code =}, {@code :=} or {@code =>}. */
    private static final String ASSIGN = "(?:\\\\?[\"'])?[ \\t]*(?::=|=>|[:=])[ \\t]*";
    /** Optional opening quote of a value, escaped or not. */
    private static final String OPEN_QUOTE = "\\\\?[\"']?";

    static final List<RedactionRule> ALL = rules();

    private BuiltInRules() {}

    private static List<RedactionRule> rules() {
        List<RedactionRule> r = new ArrayList<>();
        // Private keys: PEM blocks (also inside JSON, where the line breaks are written \n), to the END line or, when
        // that is missing, to the end of the text.
        r.add(RedactionRule.of("private-key-block", "-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)"
                + "(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|\\z)", any("-----begin"), 0, false,
                RedactionRule.MatchCheck.SECRET).startingAt(RedactionRule.Start.AT_LITERAL));
        r.add(rule("gcp-service-account-key", "\\\\?\"private_key(?:_id)?\\\\?\"[ \\t]*:[ \\t]*"
                + "(?P<secret>\\\\?\"(?:[^\"\\\\\\r\\n]|\\\\[^\"\\r\\n])+\\\\?\")", any("private_key")));
        // Credentials in URLs: user:password@ (a password may hold '@' and '/', so the last '@' before the host wins).
        r.add(RedactionRule.of("database-url", URL_CREDENTIALS, any("://"), 0, urlSecret(BuiltInRules::databaseScheme))
                .startingAt(RedactionRule.Start.AT_LITERAL).filteredBy(BuiltInRules::userBeforeColon));
        r.add(RedactionRule.of("url-credentials", URL_CREDENTIALS, any("://"), 0, urlSecret(BuiltInRules::anyScheme))
                .startingAt(RedactionRule.Start.AT_LITERAL).filteredBy(BuiltInRules::userBeforeColon));
        r.add(rule("azure-connection-string-key", "(?i)\\b(?:AccountKey|SharedAccessKey|SharedSecret"
                + "|SharedAccessSignature)[ \\t]*=[ \\t]*(?P<secret>[A-Za-z0-9+/=%&._-]+)",
                any("accountkey", "sharedaccesskey", "sharedsecret", "sharedaccesssignature"))
                        .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("azure-sas-signature", "(?i)[?&]sig=(?P<secret>[A-Za-z0-9+/=%_-]+)", any("sig=")));
        // ADO.NET / ODBC / JDBC: Password=... up to ';' (spaces included), in a connection string only.
        r.add(RedactionRule.of("connection-string-password", "(?i)(?:^|[;\\s\"'{])(?:password|pwd)[ \\t]*=[ \\t]*"
                + "(?P<secret>\\{[^}\\r\\n]*\\}|\"[^\"\\r\\n]*\"|'[^'\\r\\n]*'|[^;\\r\\n\"']+)",
                List.of(List.of("password", "pwd")), 0, BuiltInRules::inConnectionString));
        r.add(rule("aws-access-key", "\\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AKPA|ANPA|ANVA|APKA|AROA"
                + "|ASCA)[A-Z0-9]{16}\\b", any("a3t", "akia", "asia", "abia", "acca", "agpa", "aida", "aipa", "akpa",
                "anpa", "anva", "apka", "aroa", "asca")).startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("aws-secret-access-key", "(?i)secret_?access_?key" + ASSIGN + OPEN_QUOTE
                + "(?P<secret>[A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|\\z)", any("secret"))
                        .startingAt(RedactionRule.Start.AT_LITERAL));
        r.add(rule("github-token", "\\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
                any("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"))
                        .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("gitlab-token", "\\bgl(?:pat|dt|rt|ptt|cbt|oas|imt|ft|soat|agent|ffct)-[A-Za-z0-9_-]{20,}",
                any("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glimt-", "glft-", "glsoat-",
                        "glagent-", "glffct-")).startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("slack-token", "\\bxox(?:[abposr]|e(?:\\.xox[a-z])?)-[A-Za-z0-9-]{10,}|\\bxapp-[0-9]-[A-Za-z0-9-]{10,}",
                any("xox", "xapp-")).startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("slack-webhook", "(?i)hooks\\.slack\\.com/(?:services|workflows|triggers)/"
                + "(?P<secret>[A-Za-z0-9_/+-]{16,})", any("hooks.slack.com")));
        r.add(rule("npm-token", "\\bnpm_[A-Za-z0-9]{36}\\b", any("npm_"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("pypi-token", "\\bpypi-[A-Za-z0-9_-]{40,}", any("pypi-"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("stripe-key", "\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|\\bwhsec_[A-Za-z0-9]{20,}",
                any("_live_", "_test_", "whsec_")).startingAt(RedactionRule.Start.AT_WORD_BEFORE_LITERAL));
        r.add(rule("live-test-key", "\\b[a-z]{1,8}_(?:live|test)_[A-Za-z0-9]{8,}", any("_live_", "_test_"))
                .startingAt(RedactionRule.Start.AT_WORD_BEFORE_LITERAL));
        r.add(rule("twilio-api-key", "\\bSK[0-9a-fA-F]{32}\\b", any("sk"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("sendgrid-key", "\\bSG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}", any("sg."))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("shopify-token", "\\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", any("shpat_", "shpca_", "shppa_",
                "shpss_")).startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(RedactionRule.of("datadog-key", "(?i)\\b(?:dd|datadog)[_-]?(?:api|app|application|client)[_-]?"
                + "(?:key|token)" + ASSIGN + OPEN_QUOTE + "(?P<secret>[A-Za-z0-9]{20,40})",
                List.of(List.of("dd", "datadog"), List.of("key", "token")), 0, RedactionRule.MatchCheck.SECRET)
                        .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("google-api-key", "\\bAIza[0-9A-Za-z_-]{30,}", any("aiza"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("anthropic-key", "\\bsk-ant-[A-Za-z0-9_-]{20,}", any("sk-ant-"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(RedactionRule.of("openai-key", "\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", any("sk-"), 0,
                BuiltInRules::hasDigitAndLetter).startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("atlassian-token", "\\bAT[AC]TT3[A-Za-z0-9_=-]{20,}", any("atatt3", "atctt3"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("heroku-key", "(?i)\\bheroku[\\w.-]*" + ASSIGN + OPEN_QUOTE
                + "(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|\\bHRKU-[A-Za-z0-9_-]{20,}",
                any("heroku", "hrku-")).startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("jwt", "\\beyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]*", any("eyj"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(rule("bearer-token", "(?i)\\bbearer[ \\t]+[A-Za-z0-9._~+/=-]{6,}", any("bearer"))
                .startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        r.add(RedactionRule.of("basic-credentials", "(?i)\\bbasic[ \\t]+[A-Za-z0-9+/]{12,}={0,2}", any("basic"), 0,
                BuiltInRules::isBasicCredential).startingAt(RedactionRule.Start.AT_WORD_LITERAL));
        // The value (no secret group: capturing costs RE2/J a second pass) is found by YamlValue after the separator.
        r.add(RedactionRule.of("secret-assignment", "(?i)\\b[\\w.-]*(?:" + SECRET_KEY_WORDS + ")[\\w.-]*" + ASSIGN
                + "(?:\\\\?\"(?:[^\"\\\\\\r\\n]|\\\\[^\"\\r\\n])*\\\\?\"|'[^'\\r\\n]*'"
                + "|(?:(?:bearer|basic|token)[ \\t]+)?[^\\s,;&\"'][^\\s,;&\"']*|(?m:\\r?$))",
                List.of(List.of("pass", "pwd", "secret", "token", "key", "credential", "auth", "session", "cookie",
                        "signature"), List.of(":", "=")), 0, YamlValue::secretAssignment)
                .startingAt(RedactionRule.Start.AT_KEY_HOLDING_LITERAL).filteredBy(BuiltInRules::assignedAfterKey));
        // From the '@' (a literal start lets the engine skip to candidates); the local part is found by the check.
        r.add(RedactionRule.of("email", "@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b", any("@"), 0,
                BuiltInRules::emailLocalPart).startingAt(RedactionRule.Start.AT_LITERAL)
                .filteredBy(BuiltInRules::dottedDomain));
        r.add(RedactionRule.of("long-hex", "\\b[0-9a-fA-F]{32,}\\b", List.of(), LONG_RUN,
                RedactionRule.MatchCheck.SECRET));
        r.add(RedactionRule.of("base64-secret", "(?:^|[^A-Za-z0-9+_-])[A-Za-z0-9+_-]{32,}={0,2}",
                List.of(), LONG_RUN, BuiltInRules::hasDigitLowerAndUpper).startingAt(RedactionRule.Start.AT_RUN));
        return List.copyOf(r);
    }

    /**
     * From "://": user:password before the host's '@' (the user may be empty: redis://:password@host; a password may
     * hold '@' and '/', so the last '@' before the host wins). The scheme before "://" is checked by the rule. Both
     * URL rules use it, so the second reuses the first one's matches ({@code ValueRedactor}).
     */
    private static final String URL_CREDENTIALS = "://[^\\s/:@'\"]*:[^\\s@'\"]*(?:@[^\\s@/'\"]*)*@";

    /**
     * Whether the user part after "://" at {@code start} reaches a ':' (it stops at a blank, '/', '@' or a quote):
     * most URLs have none and fail at their host's first '/'. Reads no further than the next "://" holds a ':'.
     */
    private static boolean userBeforeColon(CharSequence text, int start) {
        for (int i = start + 3; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                return true;
            }
            if (isRe2Space(c) || c == '/' || c == '@' || c == '\'' || c == '"') {
                return false;
            }
        }
        return false;
    }

    /**
     * Whether the key at {@code start} is followed by an assignment's {@code :} or {@code =} (after an optional
     * escaped closing quote and blanks), as secret-assignment requires: the key part of its match ends where the run
     * of key characters does, because what may follow it is no key character.
     */
    private static boolean assignedAfterKey(CharSequence text, int start) {
        int i = start;
        int n = text.length();
        while (i < n && TextShape.isKeyChar(text.charAt(i))) {
            i++;
        }
        if (i < n && text.charAt(i) == '\\') {
            i++;
        }
        if (i < n && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
            i++;
        }
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i < n && (text.charAt(i) == ':' || text.charAt(i) == '=');
    }

    /** RE2's {@code \\s}: {@code [\\t\\n\\f\\r ]}, not Java's wider whitespace. */
    private static boolean isRe2Space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    /**
     * Whether the domain after the '@' at {@code start} starts with a letter, digit or '-' and holds a '.' in its run
     * of {@code [A-Za-z0-9.-]} (which holds no '@', so the reads of all starts stay linear).
     */
    private static boolean dottedDomain(CharSequence text, int start) {
        boolean first = true;
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean label = isLetter(c) || isDigit(c) || c == '-';
            if (first && !label) {
                return false;
            }
            first = false;
            if (c == '.') {
                return true;
            }
            if (!label) {
                return false;
            }
        }
        return false;
    }

    /**
     * {@code check} given the secret of a {@link #URL_CREDENTIALS} match: between "://" and the last '@'. Computed
     * rather than captured: a capture group costs RE2/J a second pass over each match.
     */
    private static RedactionRule.MatchCheck urlSecret(RedactionRule.MatchCheck check) {
        return (text, matchStart, matchEnd, ignoredStart, ignoredEnd, out) ->
                check.accept(text, matchStart, matchEnd, matchStart + "://".length(), matchEnd - 1, out);
    }
    /** Schemes of database URLs, lower case. */
    private static final java.util.Set<String> DATABASE_SCHEMES = java.util.Set.of("postgres", "postgresql", "mysql",
            "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "mssql", "sqlserver", "oracle",
            "cockroachdb", "clickhouse", "couchdb", "neo4j", "neo4j+s");

    private static RedactionRule rule(String name, String regex, List<List<String>> triggers) {
        return RedactionRule.of(name, regex, triggers, 0, RedactionRule.MatchCheck.SECRET);
    }

    private static List<List<String>> any(String... literals) {
        return List.of(List.of(literals));
    }

    /** The scheme before "://" at {@code at}: its start, or -1 when there is none (it must start with a letter). */
    private static int schemeStart(CharSequence text, int at) {
        int i = at;
        while (i > 0 && isSchemeChar(text.charAt(i - 1))) {
            i--;
        }
        while (i < at && !isLetter(text.charAt(i))) {
            i++;
        }
        return i < at ? i : -1;
    }

    private static int anyScheme(CharSequence text, int matchStart, int matchEnd, int secretStart, int secretEnd,
                                 TextDetector.SpanSink out) {
        if (schemeStart(text, matchStart) >= 0) {
            out.span(secretStart, secretEnd);
        }
        return matchEnd;
    }

    private static int databaseScheme(CharSequence text, int matchStart, int matchEnd, int secretStart,
                                      int secretEnd, TextDetector.SpanSink out) {
        int start = schemeStart(text, matchStart);
        if (start >= 0 && matchStart - start <= 12 && DATABASE_SCHEMES.contains(
                text.subSequence(start, matchStart).toString().toLowerCase(java.util.Locale.ROOT))) {
            out.span(secretStart, secretEnd);
        }
        return matchEnd;
    }

    /**
     * The address's local part before the '@' the match starts at: the run of {@code [A-Za-z0-9._%+-]} before it,
     * from its first letter or digit. Reads back only to the previous '@' or blank, so each character is read back
     * once over all matches.
     */
    private static int emailLocalPart(CharSequence text, int matchStart, int matchEnd, int secretStart,
                                      int secretEnd, TextDetector.SpanSink out) {
        int i = matchStart;
        while (i > 0 && isLocalPartChar(text.charAt(i - 1))) {
            i--;
        }
        while (i < matchStart && !(isLetter(text.charAt(i)) || isDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
        }
        if (i < matchStart) {
            out.span(i, matchEnd);
        }
        return matchEnd;
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSchemeChar(char c) {
        return isLetter(c) || isDigit(c) || c == '+' || c == '.' || c == '-';
    }

    private static boolean isLocalPartChar(char c) {
        return isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    /** A connection string's password: after a ';' or followed by one (a plain password=x is secret-assignment's). */
    private static int inConnectionString(CharSequence text, int matchStart, int matchEnd, int secretStart,
                                          int secretEnd, TextDetector.SpanSink out) {
        char first = text.charAt(secretStart);
        boolean quoted = first == '"' || first == '\'' || first == '{';
        boolean afterSemicolon = text.charAt(matchStart) == ';';
        boolean beforeSemicolon = secretEnd < text.length() && text.charAt(secretEnd) == ';';
        if (quoted || afterSemicolon || beforeSemicolon) {
            int end = secretEnd;
            while (end > secretStart && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
                end--;
            }
            out.span(secretStart, end);
        }
        return matchEnd;
    }

    private static int hasDigitAndLetter(CharSequence text, int matchStart, int matchEnd, int secretStart,
                                         int secretEnd, TextDetector.SpanSink out) {
        boolean digit = false;
        boolean letter = false;
        for (int i = secretStart + 3; i < secretEnd; i++) { // after "sk-"
            char c = text.charAt(i);
            digit |= c >= '0' && c <= '9';
            letter |= c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        }
        if (digit && letter) {
            out.span(secretStart, secretEnd);
        }
        return matchEnd;
    }

    /** What the base64 lookaheads did: a random value has a digit, a lower and an upper case letter. */
    private static int hasDigitLowerAndUpper(CharSequence text, int matchStart, int matchEnd, int ignored,
                                             int secretEnd, TextDetector.SpanSink out) {
        // No secret group (capturing costs RE2/J a second pass): the value is the match without its context char.
        char first = text.charAt(matchStart);
        int secretStart = isLetter(first) || isDigit(first) || first == '+' || first == '_' || first == '-'
                ? matchStart : matchStart + 1;
        boolean digit = false;
        boolean lower = false;
        boolean upper = false;
        for (int i = secretStart; i < secretEnd && !(digit && lower && upper); i++) {
            char c = text.charAt(i);
            digit |= c >= '0' && c <= '9';
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (digit && lower && upper) {
            out.span(secretStart, secretEnd);
        }
        return matchEnd;
    }

    /** {@code Basic <base64 of user:password>}: decodes and holds a ':' (so "basic configuration" stays). */
    private static int isBasicCredential(CharSequence text, int matchStart, int matchEnd, int secretStart,
                                         int secretEnd, TextDetector.SpanSink out) {
        int token = matchStart + "basic".length();
        while (token < matchEnd && (text.charAt(token) == ' ' || text.charAt(token) == '\t')) {
            token++;
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(text.subSequence(token, matchEnd).toString());
            for (byte b : decoded) {
                if (b == ':') {
                    out.span(matchStart, matchEnd);
                    break;
                }
            }
        } catch (IllegalArgumentException notBase64) {
            // not credentials
        }
        return matchEnd;
    }
}
