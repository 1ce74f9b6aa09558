package dev.lunar.telemetry.processor.privacy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of {@link FieldPattern}s compiled into one automaton over path segments. Walking a path is a chain of
 * {@link State#step} calls, one per segment; a state {@link State#removes() removes} its value when some pattern
 * matches the whole path walked so far.
 *
 * <p>States are interned and each remembers its transitions, so walking a schema (done once per plan) and walking the
 * keys of maps and YAML documents at run time costs a hash lookup per segment after the first time a name is seen.
 * Thread-safe.
 */
final class PathMatcher {

    /** Bound on remembered transitions per state (map keys are data: a flood of distinct keys must not grow memory). */
    private static final int MAX_CACHED_TRANSITIONS = 2048;

    private final List<FieldPattern> patterns;
    private final Map<StateKey, State> interned = new ConcurrentHashMap<>();
    private final State start;

    PathMatcher(List<FieldPattern> patterns) {
        this.patterns = List.copyOf(patterns);
        int[] initial = new int[this.patterns.size()];
        for (int p = 0; p < initial.length; p++) {
            initial[p] = encode(p, 0);
        }
        this.start = intern(closure(initial));
    }

    static PathMatcher of(List<String> sources) {
        return new PathMatcher(sources.stream().map(FieldPattern::parse).toList());
    }

    /** The state before the first segment (the record name). */
    State start() {
        return start;
    }

    List<FieldPattern> patterns() {
        return patterns;
    }

    private static int encode(int pattern, int segment) {
        return pattern << 8 | segment;
    }

    private int[] closure(int[] states) {
        int[] out = new int[states.length * 2 + 1];
        int n = 0;
        for (int s : states) {
            int p = s >>> 8;
            int i = s & 0xFF;
            FieldPattern pattern = patterns.get(p);
            out = ensure(out, n + pattern.length() + 1);
            out[n++] = s;
            while (i < pattern.length() && pattern.segment(i).isDeep()) {
                i++;
                out[n++] = encode(p, i);
            }
        }
        int[] result = Arrays.copyOf(out, n);
        Arrays.sort(result);
        return dedupe(result);
    }

    private static int[] ensure(int[] array, int size) {
        return array.length >= size ? array : Arrays.copyOf(array, Math.max(size, array.length * 2));
    }

    private static int[] dedupe(int[] sorted) {
        if (sorted.length < 2) {
            return sorted;
        }
        int n = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
    }

    private State intern(int[] states) {
        return interned.computeIfAbsent(new StateKey(states), key -> new State(key.states));
    }

    private record StateKey(int[] states) {
        @Override
        public boolean equals(Object o) {
            return o instanceof StateKey other && Arrays.equals(states, other.states);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(states);
        }
    }

    /** Where a walk is: the pattern positions still alive. */
    final class State {
        private final int[] positions;
        private final String removingPattern;
        private final Map<String, State> transitions = new ConcurrentHashMap<>();

        private State(int[] positions) {
            this.positions = positions;
            String removing = null;
            for (int s : positions) {
                FieldPattern pattern = patterns.get(s >>> 8);
                if ((s & 0xFF) == pattern.length()) {
                    removing = pattern.source();
                    break;
                }
            }
            this.removingPattern = removing;
        }

        /** True when a pattern matches the path walked so far: the value here is removed. */
        boolean removes() {
            return removingPattern != null;
        }

        /** The (first) pattern that matches the path walked so far, or null. Used as the metric's rule tag. */
        String removingPattern() {
            return removingPattern;
        }

        /** True when no pattern can match this path or anything below it. */
        boolean isDead() {
            return positions.length == 0;
        }

        /** The state after one more segment named {@code name} (compared case-insensitively). */
        State step(String name) {
            State cached = transitions.get(name);
            if (cached != null) {
                return cached;
            }
            State next = computeStep(name.toLowerCase(Locale.ROOT));
            if (transitions.size() < MAX_CACHED_TRANSITIONS) {
                transitions.put(name, next);
            }
            return next;
        }

        private State computeStep(String lowerName) {
            int[] next = new int[positions.length];
            int n = 0;
            for (int s : positions) {
                int p = s >>> 8;
                int i = s & 0xFF;
                FieldPattern pattern = patterns.get(p);
                if (i == pattern.length()) {
                    continue;
                }
                FieldPattern.Segment segment = pattern.segment(i);
                if (segment.isDeep()) {
                    next[n++] = s;
                } else if (segment.matches(lowerName)) {
                    next[n++] = encode(p, i + 1);
                }
            }
            return intern(closure(Arrays.copyOf(next, n)));
        }
    }
}
