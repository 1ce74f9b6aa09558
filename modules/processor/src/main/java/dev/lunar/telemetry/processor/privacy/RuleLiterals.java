package dev.lunar.telemetry.processor.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which rules' literals ({@link RedactionRule#triggers()}) a text holds, found in one pass over its lower-cased
 * characters: every literal is indexed by its first two characters (or its only one), so each position costs a table
 * look-up and a comparison for the few literals starting there — instead of one search per literal, which cost more
 * than the scans themselves on the short strings most records are made of. Immutable, thread-safe.
 */
final class RuleLiterals {

    private final String[] literals;
    /** The literals as arrays: compared at every candidate position, where String.charAt's checks showed. */
    private final char[][] literalChars;
    /** Literal ids by their one character (literals of length 1). */
    private final int[][] byFirst = new int[128][];
    /** Literal ids by their first two characters, {@code c0 * 128 + c1}. */
    private final int[][] byFirstTwo = new int[128 * 128][];
    /** Per rule, per group of literals: the ids of the group as a bit set; null: the rule has no literals. */
    private final long[][][] groups;
    /**
     * The same as single words when there are at most 64 literals (the built-in rules have fewer): the check each rule
     * makes per text is then one AND per group instead of a walk over nested arrays.
     */
    private final long[][] singleWordGroups;

    RuleLiterals(List<RedactionRule> rules) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        groups = new long[rules.size()][][];
        for (int r = 0; r < rules.size(); r++) {
            List<List<String>> triggers = rules.get(r).triggers();
            if (triggers.isEmpty()) {
                continue;
            }
            groups[r] = new long[triggers.size()][];
            for (int g = 0; g < triggers.size(); g++) {
                List<Integer> members = new ArrayList<>();
                for (String literal : triggers.get(g)) {
                    if (literal.isEmpty() || !literal.chars().allMatch(c -> c < 128)) {
                        throw new IllegalArgumentException("rule " + rules.get(r).name() + ": literal '" + literal
                                + "' must be non-empty lower-case ASCII");
                    }
                    members.add(ids.computeIfAbsent(literal, l -> ids.size()));
                }
                groups[r][g] = new long[0];
                for (int id : members) {
                    groups[r][g] = set(groups[r][g], id);
                }
            }
        }
        literals = ids.keySet().toArray(String[]::new);
        literalChars = new char[literals.length][];
        for (int id = 0; id < literals.length; id++) {
            literalChars[id] = literals[id].toCharArray();
        }
        singleWordGroups = literals.length <= 64 ? new long[rules.size()][] : null;
        if (singleWordGroups != null) {
            for (int r = 0; r < rules.size(); r++) {
                if (groups[r] != null) {
                    singleWordGroups[r] = new long[groups[r].length];
                    for (int g = 0; g < groups[r].length; g++) {
                        singleWordGroups[r][g] = groups[r][g].length == 0 ? 0 : groups[r][g][0];
                    }
                }
            }
        }
        for (int id = 0; id < literals.length; id++) {
            String literal = literals[id];
            if (literal.length() == 1) {
                byFirst[literal.charAt(0)] = append(byFirst[literal.charAt(0)], id);
            } else {
                int pair = literal.charAt(0) * 128 + literal.charAt(1);
                byFirstTwo[pair] = append(byFirstTwo[pair], id);
            }
        }
    }

    /** The ids of the literals {@code folded} (lower-cased text) holds, as a bit set. */
    long[] present(char[] folded) {
        long[] present = new long[(literals.length + 63) / 64];
        int n = folded.length;
        for (int i = 0; i < n; i++) {
            char c = folded[i];
            if (c >= 128) {
                continue;
            }
            int[] single = byFirst[c];
            if (single != null) {
                for (int id : single) {
                    present[id >>> 6] |= 1L << id;
                }
            }
            if (i + 1 < n && folded[i + 1] < 128) {
                int[] candidates = byFirstTwo[c * 128 + folded[i + 1]];
                if (candidates != null) {
                    for (int id : candidates) {
                        if (startsWith(folded, i, literalChars[id])) {
                            present[id >>> 6] |= 1L << id;
                        }
                    }
                }
            }
        }
        return present;
    }

    /** Whether rule {@code r}'s literal groups each have a member in {@code present}. */
    boolean allows(int r, long[] present) {
        if (singleWordGroups != null) {
            long[] masks = singleWordGroups[r];
            if (masks == null) {
                return true;
            }
            long word = present.length == 0 ? 0 : present[0];
            for (long mask : masks) {
                if ((mask & word) == 0) {
                    return false;
                }
            }
            return true;
        }
        long[][] ruleGroups = groups[r];
        if (ruleGroups == null) {
            return true;
        }
        for (long[] group : ruleGroups) {
            boolean any = false;
            for (int w = 0; w < group.length && !any; w++) {
                any = (group[w] & present[w]) != 0;
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(char[] text, int at, char[] literal) {
        int last = literal.length - 1;
        if (text.length - at <= last || text[at + last] != literal[last]) {
            return false; // most candidates differ by their last character: one comparison
        }
        for (int j = 2; j < last; j++) {
            if (text[at + j] != literal[j]) {
                return false;
            }
        }
        return true;
    }

    private static long[] set(long[] bits, int id) {
        long[] out = bits.length > id >>> 6 ? bits : java.util.Arrays.copyOf(bits, (id >>> 6) + 1);
        out[id >>> 6] |= 1L << id;
        return out;
    }

    private static int[] append(int[] ids, int id) {
        int[] out = ids == null ? new int[1] : java.util.Arrays.copyOf(ids, ids.length + 1);
        out[out.length - 1] = id;
        return out;
    }
}
