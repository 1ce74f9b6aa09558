package dev.lunar.telemetry.processor.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers how configuration files were scrubbed at one place of one plan. Proxies send the same
 * {@code policies.yaml} again and again (every snapshot), and parsing and re-emitting YAML costs ~100× a plain copy of
 * the record, so a file seen before is answered from here: the scrubbed text and what the scrub reported, replayed
 * under the current path. Keys are SHA-256 digests of the text and — only when they could matter — the event's literal
 * secrets, so no raw file text is kept, and what is answered is always the re-emitted tree. A scrub that ran out of
 * its record's budget is not remembered (it throws). Bounded (least recently used entries go first); thread-safe.
 */
final class ConfigScrubMemo {

    private final Map<String, Scrubbed> entries;

    ConfigScrubMemo(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 64), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Scrubbed> eldest) {
                return size() > capacity;
            }
        };
    }

    /** As {@link ConfigFileScrubber#scrub}, answered from memory when this text was scrubbed here before. */
    String scrub(ConfigFileScrubber scrubber, String text, PathMatcher.State state, FieldPath path,
            ScrubReport report) {
        List<String> literals = literalsThatCanMatter(text, report.literals());
        String key = digest(text, literals);
        Scrubbed known;
        synchronized (entries) {
            known = entries.get(key);
        }
        if (known == null) {
            ScrubReport effects = new ScrubReport(literals, report.budget());
            known = new Scrubbed(scrubber.scrub(text, state, new FieldPath(), effects), effects);
            synchronized (entries) {
                entries.put(key, known);
            }
        }
        report.absorb(known.effects(), path.toString());
        return known.output();
    }

    /**
     * The literals, or none when none of them can occur in a key or value the YAML parser makes of {@code text}: a
     * literal of plain characters (no whitespace, quote or backslash) can only come out of text that contains it
     * verbatim, unless an escape sequence (which needs a backslash) builds it. Without this, each tenant's API key
     * would make another entry for the same file.
     */
    static List<String> literalsThatCanMatter(String text, List<String> literals) {
        if (literals.isEmpty() || text.indexOf('\\') >= 0) {
            return literals;
        }
        for (String literal : literals) {
            if (text.contains(literal) || !isPlain(literal)) {
                return literals;
            }
        }
        return List.of();
    }

    private static boolean isPlain(String literal) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c <= ' ' || c == '"' || c == '\'' || c == '\\' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /**
     * The re-emitted text and the report of a scrub at an empty path. Only what the scrubber produced is kept, never
     * the input: a remembered answer cannot replay the raw file (its comments included).
     */
    private record Scrubbed(String output, ScrubReport effects) {}

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private static String digest(String text, List<String> literals) {
        MessageDigest sha = SHA_256.get();
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        for (String literal : literals) {
            sha.update((byte) 0);
            sha.update(literal.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
