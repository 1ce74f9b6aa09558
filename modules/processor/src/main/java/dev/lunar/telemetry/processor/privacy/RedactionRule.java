package dev.lunar.telemetry.processor.privacy;

import com.google.re2j.Pattern;
import dev.lunar.telemetry.processor.privacy.detectors.TextDetector;
import java.util.List;

/**
 * One redaction rule: a regex for the linear-time engine (RE2/J), the name it is counted under, the literals one of
 * which every match must contain (so the rule is skipped on text without them), and the check a match must pass.
 *
 * @param name     the rule's name: the {@code pattern} tag of {@code lunar.processor.redactions}
 * @param regex    RE2 syntax; a group named {@code secret}, when present and matched, limits what is replaced
 * @param triggers groups of lower-case literals: a match contains, ignoring case, one literal of each group; empty:
 *                 the rule always runs. A necessary condition only (tested per rule), it never decides a match.
 * @param minRun   0, or the length (at least {@link BuiltInRules#LONG_RUN}) of the run of {@code [A-Za-z0-9+_-]}
 *                 every match lies in, give or take one character before it and two after it: only such runs are
 *                 scanned, and only those holding a digit, a lower and an upper case letter or 32 hex digits in a
 *                 row (what the built-in long-hex and base64 rules need)
 * @param lineLocal whether no match spans a line break (only the lines holding the literals are then scanned;
 *                 the check still sees the whole text)
 * @param check    what is redacted for a match (and whether anything is)
 * @param start    where matches can start, relative to the first group of {@code triggers}: lets the scan try the
 *                 regex only there instead of running the engine over the whole text
 * @param filter   a cheap necessary condition for a match at such a start, checked before the engine is asked
 */
record RedactionRule(String name, String regex, Pattern pattern, boolean hasSecret, List<List<String>> triggers,
                     int minRun, boolean lineLocal, MatchCheck check, Start start, StartFilter filter) {

    /**
     * Where a rule's matches start. A claim about the regex, proven per rule by {@code MatchStartsAreKnownTest}
     * against the engine's own search.
     */
    enum Start {
        /** Anywhere: the engine searches the text (or the rule's windows). */
        ANYWHERE,
        /** At an occurrence, ignoring case, of one of the first trigger group's literals. */
        AT_LITERAL,
        /** As {@link #AT_LITERAL}, where the literal also begins a word ({@code \b} before a word character). */
        AT_WORD_LITERAL,
        /**
         * At the first word character of the run of {@code [A-Za-z0-9_.-]} that holds an occurrence of one of the
         * first group's literals: a key such as {@code db.password} before an assignment.
         */
        AT_KEY_HOLDING_LITERAL,
        /**
         * Where a word begins, at the run of at most {@value ValueRedactor#MAX_WORD_BEFORE_LITERAL} ASCII letters that
         * ends where one of the first group's literals begins, or at the literal itself when it begins the word: a
         * prefix such as {@code sk} before {@code _live_}.
         */
        AT_WORD_BEFORE_LITERAL,
        /**
         * For a rule without literals whose matches lie in the long runs ({@link RedactionRule#minRun()}): at the
         * character before each run, or at the run when it starts the text.
         */
        AT_RUN
    }

    /** A rule whose matches never span a line break (so only lines holding its literals are scanned). */
    static RedactionRule of(String name, String regex, List<List<String>> triggers, int minRun, MatchCheck check) {
        return of(name, regex, triggers, minRun, true, check);
    }

    static RedactionRule of(String name, String regex, List<List<String>> triggers, int minRun, boolean lineLocal,
                            MatchCheck check) {
        Pattern pattern = Pattern.compile(regex);
        return new RedactionRule(name, regex, pattern, pattern.namedGroups().containsKey("secret"), triggers, minRun,
                lineLocal, check, Start.ANYWHERE, StartFilter.ANY);
    }

    /** This rule, whose matches start at {@code where} (the first trigger group's literals must say where). */
    RedactionRule startingAt(Start where) {
        if (where == Start.AT_RUN ? minRun == 0 : where != Start.ANYWHERE && triggers.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + " has no " + (where == Start.AT_RUN ? "runs"
                    : "literals") + " to start at");
        }
        return new RedactionRule(name, regex, pattern, hasSecret, triggers, minRun, lineLocal, check, where,
                filter);
    }

    /** This rule, tried at a start only where {@code when} holds (it must hold wherever the regex matches). */
    RedactionRule filteredBy(StartFilter when) {
        return new RedactionRule(name, regex, pattern, hasSecret, triggers, minRun, lineLocal, check, start, when);
    }

    /**
     * A necessary condition for a match at a start, much cheaper than asking the engine (most starts fail): it may
     * read ahead, but only up to a character that the next start holds, so that the reads of all starts stay linear.
     * A claim about the regex, proven with the starts by {@code MatchStartsAreKnownTest}.
     */
    @FunctionalInterface
    interface StartFilter {
        boolean mayMatch(CharSequence text, int start);

        StartFilter ANY = (text, start) -> true;
    }

    /**
     * Decides what a match redacts. Runs in time linear in what it reads; may read past the match (a YAML value
     * continued on the next lines) and then returns where the scan goes on.
     */
    @FunctionalInterface
    interface MatchCheck {

        /**
         * @param text        the scanned text
         * @param matchStart  where the whole match starts
         * @param matchEnd    where it ends
         * @param secretStart the {@code secret} group's start, or {@code matchStart} without one
         * @param secretEnd   its end, or {@code matchEnd}
         * @param out         receives the spans to redact (none: the match is not a secret)
         * @return where the scan continues, at least {@code matchEnd}
         */
        int accept(CharSequence text, int matchStart, int matchEnd, int secretStart, int secretEnd,
                   TextDetector.SpanSink out);

        /** The secret group (or the whole match), when not empty. */
        MatchCheck SECRET = (text, matchStart, matchEnd, secretStart, secretEnd, out) -> {
            if (secretEnd > secretStart) {
                out.span(secretStart, secretEnd);
            }
            return matchEnd;
        };
    }
}
