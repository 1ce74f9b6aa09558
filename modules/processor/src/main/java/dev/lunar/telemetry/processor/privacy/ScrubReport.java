package dev.lunar.telemetry.processor.privacy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What scrubbing one event removed: the paths (never the values), and counts per denylist rule and per redaction
 * pattern for the metrics. Also carries the event's {@link ScrubBudget} and the event's own secrets that must be
 * redacted wherever they appear (the API key the tenant was identified by). One per event, not thread-safe.
 */
public final class ScrubReport {

    private final List<String> literals;
    private final ScrubBudget budget;
    private final List<String> paths = new ArrayList<>(4);
    private Map<String, Integer> removedByRule;
    private Map<String, Integer> redactionsByPattern;
    private int unparseableConfigs;

    public ScrubReport(List<String> literals) {
        this(literals, ScrubBudget.NONE);
    }

    public ScrubReport(List<String> literals, ScrubBudget budget) {
        this.literals = literals;
        this.budget = budget;
    }

    public static ScrubReport empty() {
        return new ScrubReport(List.of());
    }

    /** Secrets of this very event (e.g. its API key), redacted as literal text anywhere. */
    List<String> literals() {
        return literals;
    }

    /** How long scrubbing this event may still take. */
    ScrubBudget budget() {
        return budget;
    }

    void removed(String path, String rule) {
        paths.add(path);
        removedByRule = increment(removedByRule, rule);
    }

    /** Value redaction happened at {@code path}; the patterns were counted by {@link #countRedaction}. */
    void redactedAt(String path) {
        paths.add(path);
    }

    void countRedaction(String pattern) {
        redactionsByPattern = increment(redactionsByPattern, pattern);
    }

    void unparseableConfig(String path) {
        unparseableConfigs++;
        removed(path, "unparseable-config");
    }

    public List<String> paths() {
        return paths;
    }

    public Map<String, Integer> removedByRule() {
        return removedByRule == null ? Map.of() : removedByRule;
    }

    public Map<String, Integer> redactionsByPattern() {
        return redactionsByPattern == null ? Map.of() : redactionsByPattern;
    }

    public int unparseableConfigs() {
        return unparseableConfigs;
    }

    /**
     * Adds what {@code effects} — a report of a scrub made at the empty path — recorded, as if it had been made at
     * {@code prefix}.
     */
    void absorb(ScrubReport effects, String prefix) {
        for (String relative : effects.paths) {
            paths.add(relative.isEmpty() ? prefix
                    : prefix.isEmpty() || relative.charAt(0) == '[' ? prefix + relative : prefix + "." + relative);
        }
        effects.removedByRule().forEach((rule, n) -> removedByRule = add(removedByRule, rule, n));
        effects.redactionsByPattern().forEach((pattern, n) -> redactionsByPattern = add(redactionsByPattern, pattern, n));
        unparseableConfigs += effects.unparseableConfigs;
    }

    private static Map<String, Integer> add(Map<String, Integer> counts, String key, int n) {
        Map<String, Integer> map = counts == null ? new HashMap<>(4) : counts;
        map.merge(key, n, Integer::sum);
        return map;
    }

    private static Map<String, Integer> increment(Map<String, Integer> counts, String key) {
        Map<String, Integer> map = counts == null ? new HashMap<>(4) : counts;
        map.merge(key, 1, Integer::sum);
        return map;
    }
}
