package dev.lunar.telemetry.processor.privacy;

import dev.lunar.telemetry.processor.privacy.Credentials.Credential;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Text built from seeds (credentials, keys, literals) joined by short noise, all parts upper-cased, lower-cased or
 * cut by a third together: near misses of the rules, for the property tests of their literals and starts.
 */
final class NearMisses {

    private NearMisses() {}

    /** Every credential as planted, and every secret-named key with its secret (as {@code k=v} and YAML). */
    static List<String> credentialSeeds() {
        List<String> seeds = new ArrayList<>();
        for (Credential c : Credentials.BY_SHAPE) {
            seeds.add(c.text());
        }
        for (Credential c : Credentials.BY_NAME) {
            seeds.add(c.text() + "=" + c.secret());
            seeds.add(c.text() + ":\n  " + c.secret());
        }
        return seeds;
    }

    /**
     * @param seeds      what the text is made of
     * @param noiseChars the characters of the noise before each seed (up to {@code maxNoise} of them)
     * @param maxParts   the most seeds in one text
     */
    static Arbitrary<String> of(List<String> seeds, String noiseChars, int maxNoise, int maxParts) {
        Arbitrary<String> seed = Arbitraries.of(seeds);
        Arbitrary<String> noise = Arbitraries.strings().withChars(noiseChars).ofMaxLength(maxNoise);
        return seed.list().ofMinSize(1).ofMaxSize(maxParts).flatMap(parts -> noise.list().ofSize(parts.size())
                .flatMap(gaps -> Arbitraries.integers().between(0, 3).map(mode -> {
                    StringBuilder out = new StringBuilder();
                    for (int i = 0; i < parts.size(); i++) {
                        String p = parts.get(i);
                        p = switch (mode) {
                            case 1 -> p.toUpperCase(Locale.ROOT);
                            case 2 -> p.toLowerCase(Locale.ROOT);
                            case 3 -> p.substring(p.length() / 3);
                            default -> p;
                        };
                        out.append(gaps.get(i)).append(p);
                    }
                    return out.toString();
                })));
    }
}
