package dev.lunar.telemetry.processor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Replaces secrets and personal data inside free text by {@link PrivacyDefaults#MARKER}. All patterns are compiled
 * once into a single alternation, so a string is scanned once whatever the number of patterns; the first pattern (in
 * configuration order) that matches at a position wins. Most telemetry text contains nothing any built-in pattern could
 * match, and {@link BuiltInPatternGate} finds that out far faster than the regex, so such text is scanned only for the
 * configured extra patterns (if any). Thread-safe.
 */
final class ValueRedactor {

    private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private static final Pattern BACK_REFERENCE = Pattern.compile("(?<!\\\\)\\\\(?:[1-9]|k<)");
    private static final int MIN_LITERAL_LENGTH = 4;
    private static final int BUILT_INS = PrivacyDefaults.REDACTION_PATTERNS.size();

    private final String[] names;
    private final String[] wholeGroups;
    private final String[] secretGroups;
    /** The alternation branches, one per pattern, with group names r{i} and s{i}. */
    private final String[] branches;
    /** Every pattern, in priority order. */
    private final Alternation combined;
    /**
     * Whether the patterns start with the built-in ones, so {@link BuiltInPatternGate} can tell which of those could
     * match a text; the others are left out of its scan. Leaving out patterns that cannot match anywhere does not
     * change the leftmost, first-in-order match an alternation finds, so the result is the same.
     */
    private final boolean gated;
    /** Alternations by gate answer (the built-ins that could match; extra patterns always included), made on demand. */
    private final AtomicReferenceArray<Alternation> byGateAnswer;

    /** A compiled alternation of some of the patterns, and which pattern each of its branches is. */
    private record Alternation(Pattern pattern, int[] rules) {}
    private final Map<String, Boolean> secretKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED_KEYS = 4096;

    private ValueRedactor(Map<String, String> patterns, boolean useGate) {
        int n = patterns.size();
        names = new String[n];
        wholeGroups = new String[n];
        secretGroups = new String[n];
        branches = new String[n];
        int i = 0;
        for (Map.Entry<String, String> entry : patterns.entrySet()) {
            String regex = entry.getValue();
            names[i] = entry.getKey();
            wholeGroups[i] = "r" + i;
            boolean hasSecret = regex.contains("(?<secret>");
            secretGroups[i] = hasSecret ? "s" + i : null;
            branches[i] = "(?<r" + i + ">" + (hasSecret ? regex.replace("(?<secret>", "(?<s" + i + ">") : regex) + ")";
            i++;
        }
        combined = alternation(-1);
        gated = useGate && startsWithBuiltIns(patterns);
        byGateAnswer = gated ? new AtomicReferenceArray<>(BuiltInPatternGate.ALL + 1) : null;
    }

    /** The alternation of the built-in patterns in {@code builtIns} (a bit set) and every extra pattern. */
    private Alternation alternation(int builtIns) {
        List<String> selected = new ArrayList<>(branches.length);
        int[] rules = new int[branches.length];
        for (int i = 0; i < branches.length; i++) {
            if (i >= BUILT_INS || (builtIns & (1 << i)) != 0) {
                rules[selected.size()] = i;
                selected.add(branches[i]);
            }
        }
        Pattern pattern = Pattern.compile(selected.isEmpty() ? "(?!)" : String.join("|", selected));
        return new Alternation(pattern, Arrays.copyOf(rules, selected.size()));
    }

    private static boolean startsWithBuiltIns(Map<String, String> patterns) {
        Iterator<Map.Entry<String, String>> given = patterns.entrySet().iterator();
        for (Map.Entry<String, String> builtIn : PrivacyDefaults.REDACTION_PATTERNS.entrySet()) {
            if (!given.hasNext() || !given.next().equals(builtIn)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param patterns name → Java regex, in priority order
     * @throws IllegalArgumentException naming the pattern that does not compile or cannot be combined
     */
    static ValueRedactor of(Map<String, String> patterns) {
        for (Map.Entry<String, String> entry : patterns.entrySet()) {
            check(entry.getKey(), entry.getValue());
        }
        return new ValueRedactor(new LinkedHashMap<>(patterns), true);
    }

    /** As {@link #of}, but always scanning with every pattern: the reference the gate is tested against. */
    static ValueRedactor ungated(Map<String, String> patterns) {
        patterns.forEach(ValueRedactor::check);
        return new ValueRedactor(new LinkedHashMap<>(patterns), false);
    }

    static void check(String name, String regex) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a redaction pattern has no name; give each regex a name, e.g. my-token");
        }
        if (regex == null || regex.isEmpty()) {
            throw new IllegalArgumentException("redaction pattern '" + name + "' is empty; give a Java regex");
        }
        try {
            Pattern compiled = Pattern.compile(regex);
            if (compiled.matcher("").matches()) {
                throw new IllegalArgumentException("redaction pattern '" + name
                        + "' matches the empty string, so it would match everywhere; require at least one character");
            }
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("redaction pattern '" + name + "' is not a valid Java regex: "
                    + e.getDescription() + " near index " + e.getIndex(), e);
        }
        Matcher groups = NAMED_GROUP.matcher(regex);
        while (groups.find()) {
            if (!groups.group(1).equals("secret")) {
                throw new IllegalArgumentException("redaction pattern '" + name + "' has a named group '"
                        + groups.group(1) + "'; only (?<secret>...) is allowed (it marks the part to replace)");
            }
        }
        if (BACK_REFERENCE.matcher(regex).find()) {
            throw new IllegalArgumentException("redaction pattern '" + name
                    + "' uses a back reference; patterns are combined into one regex, so back references cannot work");
        }
    }

    /** Pattern names, in priority order. */
    List<String> names() {
        return List.of(names);
    }

    /**
     * The text with every match replaced by the marker, or {@code text} itself (same instance) when nothing matched.
     * Counts each replacement in {@code report} by pattern name.
     */
    String redact(String text, ScrubReport report) {
        String result = text;
        Alternation alternation = alternationFor(text);
        Matcher m = alternation == null ? null : alternation.pattern().matcher(text);
        if (m != null && m.find()) {
            StringBuilder out = new StringBuilder(text.length());
            int last = 0;
            do {
                int rule = matchedRule(m, alternation.rules());
                int start = m.start();
                int end = m.end();
                if (secretGroups[rule] != null && m.start(secretGroups[rule]) >= 0) {
                    start = m.start(secretGroups[rule]);
                    end = m.end(secretGroups[rule]);
                }
                out.append(text, last, start).append(PrivacyDefaults.MARKER);
                last = end;
                report.countRedaction(names[rule]);
            } while (m.find());
            out.append(text, last, text.length());
            result = out.toString();
        }
        List<String> literals = report.literals();
        for (int i = 0; i < literals.size(); i++) {
            String literal = literals.get(i);
            if (literal.length() >= MIN_LITERAL_LENGTH && result.contains(literal)) {
                result = result.replace(literal, PrivacyDefaults.MARKER);
                report.countRedaction("tenant-api-key");
            }
        }
        return result;
    }

    /**
     * Whether {@code text} contains anything a pattern (or a literal of the report) would redact. Meant for map and
     * YAML keys, which repeat: answers for the patterns are remembered (for a bounded number of keys).
     */
    boolean containsSecret(String text, ScrubReport report) {
        Boolean known = secretKeys.get(text);
        if (known == null) {
            Alternation alternation = alternationFor(text);
            known = alternation != null && alternation.pattern().matcher(text).find();
            if (secretKeys.size() < MAX_REMEMBERED_KEYS) {
                secretKeys.put(text, known);
            }
        }
        if (known) {
            return true;
        }
        for (String literal : report.literals()) {
            if (literal.length() >= MIN_LITERAL_LENGTH && text.contains(literal)) {
                return true;
            }
        }
        return false;
    }

    /** The patterns that could match {@code text}, or null when none could. */
    private Alternation alternationFor(String text) {
        if (!gated) {
            return combined;
        }
        int possible = BuiltInPatternGate.possibleMatches(text);
        if (possible == 0 && branches.length == BUILT_INS) {
            return null;
        }
        Alternation alternation = byGateAnswer.get(possible);
        if (alternation == null) {
            alternation = alternation(possible);
            byGateAnswer.set(possible, alternation);
        }
        return alternation;
    }

    private int matchedRule(Matcher m, int[] rules) {
        for (int rule : rules) {
            if (m.start(wholeGroups[rule]) >= 0) {
                return rule;
            }
        }
        throw new IllegalStateException("a match without a rule group");
    }

    /** The built-in patterns followed by {@code extra}, which may not reuse a built-in name. */
    static Map<String, String> withDefaults(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(PrivacyDefaults.REDACTION_PATTERNS);
        List<String> clashes = new ArrayList<>();
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (all.containsKey(e.getKey())) {
                clashes.add(e.getKey());
            }
            all.put(e.getKey(), e.getValue());
        }
        if (!clashes.isEmpty()) {
            throw new IllegalArgumentException("redaction patterns " + clashes + " have the names of built-in patterns,"
                    + " which cannot be replaced; choose other names");
        }
        return all;
    }
}
