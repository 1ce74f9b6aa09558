package dev.lunar.telemetry.processor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's built-in privacy rules (DESIGN.md P1, P3). They always apply; {@link ProcessorSettings#denylist()},
 * {@link ProcessorSettings#redactionPatterns()} and each tenant's {@code denylist} add to them, never replace them.
 */
public final class PrivacyDefaults {

    /**
     * Field patterns removed from every event (see {@link FieldPattern} for the syntax). Header maps, credentials and
     * session material by name, wherever they appear: tags, attributes, environment variables, keys of
     * {@code policies.yaml}. The API-key tag and environment names of {@link ProcessorSettings#apiKeyTags()} and
     * {@link ProcessorSettings#apiKeyEnvironment()} are added to these.
     */
    public static final List<String> DENYLIST = List.of(
            "**.*headers*",
            "**.*authorization*",
            "**.*cookie*",
            "**.*api_key*",
            "**.*api-key*",
            "**.*apikey*",
            "**.*access_key*",
            "**.*accesskey*",
            "**.*token*",
            "**.*secret*",
            "**.*password*",
            "**.*passwd*",
            "**.*passphrase*",
            "**.*credential*",
            "**.*private_key*",
            "**.*private-key*",
            "**.*privatekey*",
            "**.*session_id*",
            "**.*sessionid*",
            "**.*signature*");

    /**
     * Value-redaction patterns, by name (the name tags the {@code lunar.processor.redactions} metric). Each Java regex
     * matches text that is replaced by {@link #MARKER}; when it has a group named {@code secret}, only that group is
     * replaced (so {@code password=hunter2} becomes {@code password=[REDACTED]}). Order matters where two could match
     * at the same position: the first wins.
     */
    public static final Map<String, String> REDACTION_PATTERNS = orderedPatterns();

    /** What redacted text is replaced by: a fixed marker, so nothing of the original remains. */
    public static final String MARKER = "[REDACTED]";

    private PrivacyDefaults() {}

    private static Map<String, String> orderedPatterns() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("private-key-block",
                "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)");
        p.put("url-credentials", "(?<=://)[^/\\s:@]+:[^/\\s@]*(?=@)");
        p.put("jwt", "\\beyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]*");
        p.put("bearer-token", "(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{6,}");
        p.put("basic-credentials", "(?i)\\bbasic\\s+[A-Za-z0-9+/]{12,}={0,2}");
        p.put("live-test-key", "\\b[a-z]{1,8}_(?:live|test)_[A-Za-z0-9]{8,}");
        p.put("aws-access-key", "\\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\\b");
        p.put("github-token", "\\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})");
        p.put("slack-token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}");
        p.put("google-api-key", "\\bAIza[0-9A-Za-z_-]{30,}");
        p.put("secret-assignment", "(?i)\\b[\\w.-]*(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key"
                + "|access[_-]?key|private[_-]?key|credential|auth|session[_-]?id|cookie|signature)[\\w.-]*[\"']?"
                + "\\s*[:=]\\s*(?<secret>\"[^\"]*\"|'[^']*'|(?:(?:bearer|basic|token)\\s+)?[^\\s,;&\"']+)");
        p.put("email", "\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b");
        p.put("long-hex", "\\b[0-9a-fA-F]{32,}\\b");
        p.put("base64-secret", "(?<![A-Za-z0-9+_-])(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[a-z])"
                + "(?=[A-Za-z0-9+_-]*[A-Z])[A-Za-z0-9+_-]{32,}={0,2}");
        return java.util.Collections.unmodifiableMap(p);
    }
}
