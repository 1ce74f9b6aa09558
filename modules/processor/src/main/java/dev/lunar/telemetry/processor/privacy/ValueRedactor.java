package dev.lunar.telemetry.processor.privacy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.lunar.telemetry.processor.privacy.detectors.TextDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces secrets and personal data inside free text by {@link PrivacyDefaults#MARKER}: the spans found by the
 * redaction rules ({@link BuiltInRules}, then {@code processor.redaction-patterns}), by the validated
 * {@link TextDetector}s and the event's own literal secrets are merged (overlapping spans become one) and each merged
 * span is replaced by one marker, counted under the name of its first rule.
 *
 * <p>Linear time on any input (DESIGN.md P3): every rule runs on RE2/J, an automaton engine without backtracking, so
 * one rule's scan costs O(text × rule); a rule's check reads the match (and, for a YAML value, the lines continuing
 * it) once, and the scan goes on after what it read. Rules are run one after the other, each skipped when the text
 * lacks the literals every one of its matches holds ({@link RedactionRule#triggers()}), found on one lower-cased
 * copy of the text. A rule whose matches can only start at its literals ({@link RedactionRule#start()}) is tried
 * there, anchored, instead of searched for: RE2/J has no DFA and its search costs far more per character than the few
 * characters an anchored try reads. The scans read the text through {@link BudgetedText}, so the record's
 * {@link ScrubBudget} holds inside a single long scan too. A short text the rules and detectors found nothing in is
 * remembered ({@link CleanTexts}) and not scanned again. Thread-safe.
 */
public final class ValueRedactor {

    static final int MIN_LITERAL_LENGTH = 4;
    /** The longest word {@link RedactionRule.Start#AT_WORD_BEFORE_LITERAL} looks for before a literal. */
    static final int MAX_WORD_BEFORE_LITERAL = 8;
    static final String LITERAL_RULE = "tenant-api-key";
    /** Slots of {@link #cleanTexts}: at most 8,192 texts of up to 256 characters (2–5 MB) held per redactor. */
    private static final int REMEMBERED_CLEAN_TEXTS = 8192;

    private final RedactionRule[] rules;
    private final TextDetector[] detectors;
    /** Rule names, then detector names, then {@link #LITERAL_RULE}: a span's rule is an index into this. */
    private final String[] names;
    private final RuleLiterals literals;
    /** The shortest {@link RedactionRule#minRun()} above 0 of the rules (a text with shorter runs skips them all). */
    private final int minRun;
    /** Per rule: the first rule from it on that has neither literals nor a minimum run (always runs), or -1. */
    private final int[] unconditionalFrom;
    private final CleanTexts cleanTexts = new CleanTexts(REMEMBERED_CLEAN_TEXTS);

    private ValueRedactor(List<RedactionRule> rules, List<TextDetector> detectors) {
        this.rules = rules.toArray(RedactionRule[]::new);
        this.detectors = detectors.toArray(TextDetector[]::new);
        List<String> all = new ArrayList<>();
        rules.forEach(r -> all.add(r.name()));
        detectors.forEach(d -> all.add(d.name()));
        all.add(LITERAL_RULE);
        this.names = all.toArray(String[]::new);
        this.literals = new RuleLiterals(rules);
        this.minRun = rules.stream().mapToInt(RedactionRule::minRun).filter(run -> run > 0).min()
                .orElse(Integer.MAX_VALUE);
        this.unconditionalFrom = new int[rules.size() + 1];
        unconditionalFrom[rules.size()] = -1;
        for (int r = rules.size() - 1; r >= 0; r--) {
            RedactionRule rule = rules.get(r);
            unconditionalFrom[r] = rule.minRun() == 0 && rule.triggers().isEmpty() ? r : unconditionalFrom[r + 1];
        }
    }

    /** The first rule from {@code r} on that runs on any text, or -1. */
    private int nextUnconditional(int r) {
        return unconditionalFrom[r];
    }

    /** A redactor of exactly {@code rules} (no detectors): for tests comparing rules with their variants. */
    static ValueRedactor ofRules(List<RedactionRule> rules) {
        return new ValueRedactor(rules, List.of());
    }

    /** As {@link #of(Map, List)} without detectors. */
    public static ValueRedactor of(Map<String, String> patterns) {
        return of(patterns, List.of());
    }

    /**
     * @param patterns  name → RE2 regex, in priority order; an entry equal to a built-in rule
     *                  ({@link PrivacyDefaults#REDACTION_PATTERNS}) is that rule, with its literals and check
     * @param detectors validated detectors run after the patterns
     * @throws IllegalArgumentException naming the pattern that does not compile or uses what the engine lacks
     */
    public static ValueRedactor of(Map<String, String> patterns, List<TextDetector> detectors) {
        List<RedactionRule> rules = new ArrayList<>(patterns.size());
        for (Map.Entry<String, String> entry : patterns.entrySet()) {
            RedactionRule builtIn = builtIn(entry.getKey(), entry.getValue());
            rules.add(builtIn != null ? builtIn : RedactionRule.of(entry.getKey(), check(entry.getKey(),
                    entry.getValue()).pattern(), List.of(), 0, false, RedactionRule.MatchCheck.SECRET));
        }
        return new ValueRedactor(rules, List.copyOf(detectors));
    }

    private static RedactionRule builtIn(String name, String regex) {
        for (RedactionRule rule : BuiltInRules.ALL) {
            if (rule.name().equals(name) && rule.regex().equals(regex)) {
                return rule;
            }
        }
        return null;
    }

    /**
     * Validates a configured pattern for the linear-time engine.
     *
     * @return the compiled pattern
     * @throws IllegalArgumentException naming the pattern, what is wrong and how to fix it
     */
    static Pattern check(String name, String regex) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a redaction pattern has no name; give each regex a name, e.g. my-token");
        }
        if (regex == null || regex.isEmpty()) {
            throw new IllegalArgumentException("redaction pattern '" + name + "' is empty; give a regex");
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("redaction pattern '" + name + "' " + unsupported(regex, e), e);
        }
        if (compiled.matches("")) {
            throw new IllegalArgumentException("redaction pattern '" + name
                    + "' matches the empty string, so it would match everywhere; require at least one character");
        }
        for (String group : compiled.namedGroups().keySet()) {
            if (!group.equals("secret")) {
                throw new IllegalArgumentException("redaction pattern '" + name + "' has a named group '" + group
                        + "'; only (?<secret>...) is allowed (it marks the part to replace)");
            }
        }
        return compiled;
    }

    /** Why RE2/J refused {@code regex}, in the user's terms. */
    private static String unsupported(String regex, PatternSyntaxException e) {
        String engine = "; redaction patterns run on RE2/J, a linear-time engine (RE2 syntax: Java's without"
                + " lookaround, back references, possessive quantifiers and atomic groups)";
        if (regex.contains("(?=") || regex.contains("(?!") || regex.contains("(?<=") || regex.contains("(?<!")) {
            return "uses lookahead or lookbehind, which the linear-time engine does not have: match the context too"
                    + " and put the part to replace in (?<secret>...)" + engine;
        }
        if (regex.matches("(?s).*\\\\(?:[1-9]|k<).*")) {
            return "uses a back reference, which the linear-time engine does not have; spell the repeated part out"
                    + engine;
        }
        if (regex.contains("(?>") || e.getMessage() != null && e.getMessage().contains("nested repetition")) {
            return "uses a possessive quantifier or an atomic group, which the linear-time engine does not need (it"
                    + " never backtracks): write a+ instead of a++" + engine;
        }
        return "is not a valid regex: " + e.getMessage() + engine;
    }

    /** Rule names (patterns, then detectors), in priority order. */
    List<String> names() {
        return List.of(names).subList(0, names.length - 1);
    }

    /**
     * The text with every secret replaced by the marker, or {@code text} itself (same instance) when nothing was
     * found. Counts each replacement in {@code report} by rule name.
     *
     * @throws ScrubBudget.Exceeded when the report's budget runs out meanwhile
     */
    public String redact(String text, ScrubReport report) {
        Spans spans = new Spans();
        if (cleanTexts.contains(text)) {
            report.budget().check();
        } else {
            find(text, report.budget(), spans);
            if (spans.size == 0) {
                cleanTexts.remember(text);
            }
        }
        List<String> literals = report.literals();
        for (int i = 0; i < literals.size(); i++) {
            String literal = literals.get(i);
            if (literal.length() >= MIN_LITERAL_LENGTH) {
                for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + literal.length())) {
                    spans.add(at, at + literal.length(), names.length - 1);
                }
            }
        }
        return spans.size == 0 ? text : spans.apply(text, names, report);
    }

    /**
     * Whether {@code text} contains anything a rule, a detector or a literal of the report would redact. Meant for
     * map and YAML keys, which repeat: a key found clean is remembered with the clean values ({@link CleanTexts}).
     */
    public boolean containsSecret(String text, ScrubReport report) {
        if (!cleanTexts.contains(text)) {
            Spans spans = new Spans();
            find(text, report.budget(), spans);
            if (spans.size > 0) {
                return true;
            }
            cleanTexts.remember(text);
        }
        for (String literal : report.literals()) {
            if (literal.length() >= MIN_LITERAL_LENGTH && text.contains(literal)) {
                return true;
            }
        }
        return false;
    }

    /** Characters the rules' scans and checks read to redact {@code text}: for tests of linearity. */
    long charactersRead(String text) {
        return find(text, ScrubBudget.NONE, new Spans());
    }

    /** Whether the literal and run conditions let {@code rule} run on {@code text}: for tests of their soundness. */
    static boolean allows(RedactionRule rule, String text) {
        RuleLiterals one = new RuleLiterals(List.of(rule));
        return TextShape.of(text, one).allows(one, 0, rule);
    }

    /** Adds the spans of every rule and detector to {@code spans}; returns the characters read. */
    private long find(String text, ScrubBudget budget, Spans spans) {
        budget.check();
        if (text.isEmpty()) {
            return 0;
        }
        BudgetedText input = new BudgetedText(text, budget);
        TextShape shape = null;
        Tries tries = null;
        for (int r = 0; r < rules.length; r++) {
            RedactionRule rule = rules[r];
            if (rule.minRun() > 0 || !rule.triggers().isEmpty()) {
                shape = shape == null ? TextShape.of(text, literals) : shape;
                if (shape.holdsNoLiteral() && shape.longestRun() < minRun) {
                    r = nextUnconditional(r); // most text: none of the conditional rules can match
                    if (r < 0) {
                        break;
                    }
                    rule = rules[r];
                } else if (!shape.allows(literals, r, rule)) {
                    continue;
                }
            }
            budget.check();
            if (rule.start() != RedactionRule.Start.ANYWHERE && shape != null) {
                tries = scanFromStarts(input, shape, rule, r, spans,
                        tries != null && tries.regex.equals(rule.regex()) ? tries : null);
            } else {
                scan(input, shape == null ? null : shape.windows(rule), rule, r, spans, 0);
            }
        }
        int digits = shape == null ? TextShape.digits(text) : shape.digits();
        for (int d = 0; d < detectors.length; d++) {
            if (digits < detectors[d].minDigits()) {
                continue;
            }
            budget.check();
            int rule = rules.length + d;
            detectors[d].find(text, (start, end) -> spans.add(start, end, rule));
        }
        budget.check();
        return input.reads();
    }

    /**
     * Runs {@code rule} over the windows of {@code input} (start, end pairs in increasing order; null: the whole
     * text). The rule's check sees the whole text, so it may read past a window (a YAML value continued below its
     * key); the scan goes on where the check says, skipping what it read.
     */
    private static void scan(BudgetedText input, int[] windows, RedactionRule rule, int ruleIndex, Spans spans,
                             int resumeAt) {
        TextDetector.SpanSink sink = (start, end) -> spans.add(start, end, ruleIndex);
        int[] ranges = windows == null ? new int[] {0, input.length()} : windows;
        int resume = resumeAt;
        for (int w = 0; w < ranges.length; w += 2) {
            int offset = ranges[w];
            int windowEnd = ranges[w + 1];
            if (windowEnd < resume) {
                continue;
            }
            CharSequence view = offset == 0 && windowEnd == input.length() ? input : input.window(offset, windowEnd);
            Matcher m = rule.pattern().matcher(view);
            int from = Math.max(0, resume - offset);
            while (from <= windowEnd - offset && m.find(from)) {
                int start = offset + m.start();
                int end = offset + m.end();
                int secretStart = start;
                int secretEnd = end;
                if (rule.hasSecret()) {
                    int group = m.start("secret");
                    if (group >= 0) {
                        secretStart = offset + group;
                        secretEnd = offset + m.end("secret");
                    }
                }
                int next = rule.check().accept(input, start, end, secretStart, secretEnd, sink);
                resume = Math.max(next, end > start ? end : end + 1);
                from = resume - offset;
            }
        }
    }

    /**
     * Runs {@code rule}, whose matches start only where {@link RedactionRule#start()} says, by trying the regex
     * anchored at each such start in order instead of searching: the engine then reads a few characters per start
     * instead of the whole text (RE2/J has no DFA; its search costs hundreds of nanoseconds per character). The first
     * match found this way is the one the search would find (the leftmost). Anchored tries may each read far into a
     * text (a long near miss repeated); once they have read twice the text, the rest is searched as before, so the
     * scan stays linear.
     *
     * @param earlier the tries of the rule before, when it has the same regex: its results are reused
     * @return this rule's tries, or null when it had no start
     */
    private static Tries scanFromStarts(BudgetedText input, TextShape shape, RedactionRule rule, int ruleIndex,
                                        Spans spans, Tries earlier) {
        int[] starts = shape.starts(rule);
        if (starts.length == 0) {
            return null; // nothing tried, nothing to reuse
        }
        Tries tries = new Tries(rule.regex());
        TextDetector.SpanSink sink = (start, end) -> spans.add(start, end, ruleIndex);
        long readLimit = input.reads() + 2L * input.length() + 256;
        Matcher m = null;
        int resume = 0;
        for (int i = 0; i < starts.length; i++) {
            int at = starts[i];
            if (at < resume) {
                if (rule.start() == RedactionRule.Start.AT_KEY_HOLDING_LITERAL && shape.sameKey(at, resume + 1)) {
                    // a match ended inside this key: a later match may start in it where no start is listed
                    scan(input, null, rule, ruleIndex, spans, resume);
                    return tries;
                }
                continue;
            }
            int end;
            int secretStart = at;
            int secretEnd;
            int known = earlier == null ? -1 : earlier.indexOf(at);
            if (known >= 0) {
                end = earlier.ends[known];
                secretStart = earlier.secretStarts[known];
                secretEnd = earlier.secretEnds[known];
            } else {
                if (input.reads() > readLimit) {
                    scan(input, shape.windows(rule), rule, ruleIndex, spans, at);
                    return tries;
                }
                if (!rule.filter().mayMatch(input, at)) {
                    tries.add(at, -1, at, at);
                    continue;
                }
                CharSequence rest = input.window(at, input.length());
                m = m == null ? rule.pattern().matcher(rest) : m.reset(rest);
                end = m.lookingAt() ? at + m.end() : -1;
                secretEnd = end;
                if (end >= 0 && rule.hasSecret() && m.start("secret") >= 0) {
                    secretStart = at + m.start("secret");
                    secretEnd = at + m.end("secret");
                }
            }
            tries.add(at, end, secretStart, secretEnd);
            if (end < 0) {
                continue;
            }
            int next = rule.check().accept(input, at, end, secretStart, secretEnd, sink);
            resume = Math.max(next, end > at ? end : end + 1);
        }
        return tries;
    }

    /**
     * The anchored tries of one rule on one text (start; match end or -1; secret span), kept for the next rule when
     * it has the same regex (the two URL rules differ only in their checks).
     */
    private static final class Tries {
        final String regex;
        int[] ats = new int[4];
        int[] ends = new int[4];
        int[] secretStarts = new int[4];
        int[] secretEnds = new int[4];
        int size;
        private int cursor;

        Tries(String regex) {
            this.regex = regex;
        }

        void add(int at, int end, int secretStart, int secretEnd) {
            if (size == ats.length) {
                ats = Arrays.copyOf(ats, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
                secretStarts = Arrays.copyOf(secretStarts, size * 2);
                secretEnds = Arrays.copyOf(secretEnds, size * 2);
            }
            ats[size] = at;
            ends[size] = end;
            secretStarts[size] = secretStart;
            secretEnds[size] = secretEnd;
            size++;
        }

        /** The try at {@code at}, or -1; asked in increasing order, so a cursor finds it. */
        int indexOf(int at) {
            while (cursor < size && ats[cursor] < at) {
                cursor++;
            }
            return cursor < size && ats[cursor] == at ? cursor : -1;
        }
    }

    /** Spans found in one text: start, end, rule index; merged and replaced by {@link #apply}. */
    private static final class Spans {
        private static final int[] NONE = new int[0];
        int[] starts = NONE;
        int[] ends = NONE;
        int[] rules = NONE;
        int size;

        void add(int start, int end, int rule) {
            if (end <= start) {
                return;
            }
            if (size == starts.length) { // allocated at the first span: most texts have none
                int capacity = Math.max(8, size * 2);
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
                rules = Arrays.copyOf(rules, capacity);
            }
            starts[size] = start;
            ends[size] = end;
            rules[size] = rule;
            size++;
        }

        String apply(String text, String[] names, ScrubReport report) {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> starts[a] != starts[b] ? Integer.compare(starts[a], starts[b])
                    : Integer.compare(rules[a], rules[b]));
            StringBuilder out = new StringBuilder(text.length());
            int last = 0;
            int i = 0;
            while (i < size) {
                int first = order[i];
                int start = starts[first];
                int end = ends[first];
                i++;
                while (i < size && starts[order[i]] < end) {
                    end = Math.max(end, ends[order[i]]);
                    i++;
                }
                out.append(text, last, start).append(PrivacyDefaults.MARKER);
                last = end;
                report.countRedaction(names[rules[first]]);
            }
            return out.append(text, last, text.length()).toString();
        }
    }

    /** The built-in rules followed by {@code extra}, which may not reuse a built-in name. */
    public static Map<String, String> withDefaults(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(PrivacyDefaults.REDACTION_PATTERNS);
        List<String> clashes = new ArrayList<>();
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (all.containsKey(e.getKey()) || e.getKey().equals(LITERAL_RULE)) {
                clashes.add(e.getKey());
            }
            all.put(e.getKey(), e.getValue());
        }
        if (!clashes.isEmpty()) {
            throw new IllegalArgumentException("redaction patterns " + clashes + " have the names of built-in rules,"
                    + " which cannot be replaced; choose other names");
        }
        return all;
    }
}
