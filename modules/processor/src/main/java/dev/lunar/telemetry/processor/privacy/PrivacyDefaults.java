package dev.lunar.telemetry.processor.privacy;

import dev.lunar.telemetry.processor.ProcessorSettings;
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
     * Value-redaction rules, by name (the name tags the {@code lunar.processor.redactions} metric): each an RE2 regex
     * (the linear-time engine's syntax, see {@link BuiltInRules} for the checks some rules add after matching) whose
     * match is replaced by {@link #MARKER}; when it has a group named {@code secret}, only that group is replaced (so
     * {@code password=hunter2} becomes {@code password=[REDACTED]}). Where spans of two rules overlap they are
     * redacted as one, counted under the rule listed first.
     */
    public static final Map<String, String> REDACTION_PATTERNS = patterns();

    /** What redacted text is replaced by: a fixed marker, so nothing of the original remains. */
    public static final String MARKER = "[REDACTED]";

    private PrivacyDefaults() {}

    private static Map<String, String> patterns() {
        Map<String, String> p = new LinkedHashMap<>();
        BuiltInRules.ALL.forEach(rule -> p.put(rule.name(), rule.regex()));
        return java.util.Collections.unmodifiableMap(p);
    }
}
