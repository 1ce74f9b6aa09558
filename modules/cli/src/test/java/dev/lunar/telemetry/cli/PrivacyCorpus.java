package dev.lunar.telemetry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The privacy regression corpus ({@code src/test/resources/privacy/}): personal data and credentials that must never
 * leave, each with the parts that must vanish, and benign telemetry that must survive. Written from the formats'
 * public descriptions, not from the detectors, so that it tests them rather than restating them.
 */
final class PrivacyCorpus {

    /** One planted example: its class, the text as planted, and the pieces of it that must not survive. */
    record Leak(String type, String text, List<String> mustVanish) {

        /** The first piece of a secret found in {@code output}, or null: a secret may not survive even in part. */
        String survivingPieceIn(String output) {
            for (String secret : mustVanish) {
                if (secret.length() < 12) {
                    if (output.contains(secret)) {
                        return secret;
                    }
                    continue;
                }
                for (int i = 0; i + 8 <= secret.length(); i++) {
                    String piece = secret.substring(i, i + 8);
                    if (output.contains(piece)) {
                        return piece;
                    }
                }
            }
            return null;
        }
    }

    private PrivacyCorpus() {}

    static List<Leak> leaks() {
        List<Leak> leaks = new ArrayList<>();
        for (String line : lines("privacy/leak-corpus.tsv")) {
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new IllegalStateException("leak-corpus.tsv: no class before a tab in: " + line);
            }
            String marked = line.substring(tab + 1).replace("⏎", "\n");
            StringBuilder text = new StringBuilder();
            List<String> secrets = new ArrayList<>();
            int at = 0;
            while (true) {
                int open = marked.indexOf('⟦', at);
                if (open < 0) {
                    text.append(marked, at, marked.length());
                    break;
                }
                int close = marked.indexOf('⟧', open);
                text.append(marked, at, open).append(marked, open + 1, close);
                secrets.add(marked.substring(open + 1, close));
                at = close + 1;
            }
            if (secrets.isEmpty()) {
                throw new IllegalStateException("leak-corpus.tsv: nothing marked ⟦…⟧ in: " + line);
            }
            leaks.add(new Leak(line.substring(0, tab), text.toString(), List.copyOf(secrets)));
        }
        return leaks;
    }

    static List<String> benign() {
        return lines("privacy/benign-corpus.txt");
    }

    private static List<String> lines(String resource) {
        try (InputStream in = PrivacyCorpus.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
