package dev.lunar.telemetry.processor.privacy;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.privacy.detectors.PersonalDataDetectors;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The denylist and redaction in force: {@link PrivacyDefaults}, the settings' additions, the API-key tag and
 * environment names, and per tenant its own patterns. Hands out one {@link DenylistPlan} per (kind × tenant pattern
 * set), compiled on first use and cached; tenants without own patterns share the same plans. Thread-safe.
 */
public final class PrivacyRules {

    /** Bound on cached pattern sets; past it plans are still correct, just compiled again. */
    private static final int MAX_PATTERN_SETS = 10_000;

    private final List<String> basePatterns;
    private final ValueRedactor redactor;
    private final ConfigFileScrubber configFiles;
    private final Map<List<String>, Map<EventKind, DenylistPlan>> plans = new ConcurrentHashMap<>();

    PrivacyRules(List<String> extraDenylist, Map<String, String> extraRedactions, List<String> apiKeyNames) {
        Set<String> patterns = new LinkedHashSet<>(PrivacyDefaults.DENYLIST);
        patterns.addAll(extraDenylist);
        for (String name : apiKeyNames) {
            patterns.add("**." + name.replace(".", "*"));
        }
        this.basePatterns = List.copyOf(patterns);
        this.redactor = ValueRedactor.of(ValueRedactor.withDefaults(extraRedactions), PersonalDataDetectors.ALL);
        this.configFiles = new ConfigFileScrubber(redactor);
    }

    public static PrivacyRules of(ProcessorSettings settings) {
        List<String> apiKeyNames = new ArrayList<>(settings.apiKeyTags());
        apiKeyNames.addAll(settings.apiKeyEnvironment());
        return new PrivacyRules(settings.denylist(), settings.redactionPatterns(), apiKeyNames);
    }

    List<String> basePatterns() {
        return basePatterns;
    }

    public ValueRedactor redactor() {
        return redactor;
    }

    /** The plan for {@code kind} with the tenant's own patterns added (empty list: the base plan). */
    public DenylistPlan plan(EventKind kind, List<String> tenantPatterns) {
        Map<EventKind, DenylistPlan> byKind = plans.get(tenantPatterns);
        if (byKind == null) {
            byKind = new EnumMap<>(EventKind.class);
            PathMatcher matcher = matcher(tenantPatterns);
            for (EventKind k : EventKind.values()) {
                EnrichedShape shape = EnrichedShape.of(k);
                byKind.put(k, DenylistPlan.compile(shape.raw, shape.unscrubbedRawFields(), matcher, redactor,
                        configFiles));
            }
            if (plans.size() < MAX_PATTERN_SETS) {
                Map<EventKind, DenylistPlan> raced = plans.putIfAbsent(List.copyOf(tenantPatterns), byKind);
                byKind = raced == null ? byKind : raced;
            }
        }
        return byKind.get(kind);
    }

    private PathMatcher matcher(List<String> tenantPatterns) {
        if (tenantPatterns.isEmpty()) {
            return PathMatcher.of(basePatterns);
        }
        Set<String> all = new LinkedHashSet<>(basePatterns);
        all.addAll(tenantPatterns);
        return PathMatcher.of(List.copyOf(all));
    }
}
