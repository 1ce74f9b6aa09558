package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.Samples;
import dev.lunar.telemetry.processor.internal.ProcessorMetrics;
import dev.lunar.telemetry.processor.tenants.TenantTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Generated events with secrets in random map entries (by key name or by value shape) and inside free text: none
 * survives into the enriched bytes, while every non-secret entry and word passes unchanged.
 */
class PrivacyPropertiesTest {

    private static final List<String> SAFE_WORDS = List.of("alpha", "bravo", "delta", "engine", "region", "zone",
            "retry", "cache", "queue", "metric", "level", "build", "north", "orange", "river", "proxy", "limit",
            "window", "status", "v2", "42", "eu-west-1", "GET", "/v1/customers");
    private static final List<String> SECRET_NAMES = List.of("password", "api_key", "Authorization", "x-auth-token",
            "client_secret", "DB_PASSWD", "Set-Cookie", "privateKey", "AWS_SECRET_ACCESS_KEY", "session_id",
            "GITHUB_TOKEN", "apikey", "Proxy-Authorization", "request_headers", "db-credentials");

    private final EnrichmentPipeline pipeline = new EnrichmentPipeline(ProcessorSettings.builder("127.0.0.1:9").build(),
            new TenantTable(), new ProcessorMetrics(new SimpleMeterRegistry()), Clock.systemUTC());

    /** A secret: the text to plant and the part of it that must not survive. */
    record Secret(String text, String mustVanish) {}

    @Provide
    Arbitrary<Secret> secretValues() {
        Arbitrary<String> alnum = Arbitraries.strings().alpha().numeric().ofMinLength(20).ofMaxLength(30);
        Arbitrary<String> upper = Arbitraries.strings().withCharRange('A', 'Z').numeric().ofLength(16);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(32).ofMaxLength(64);
        Arbitrary<String> user = Arbitraries.strings().alpha().ofLength(10).map(s -> "u" + s);
        return Arbitraries.oneOf(
                alnum.map(s -> new Secret("sk_live_" + s, "sk_live_" + s)),
                alnum.map(s -> new Secret("sk_test_" + s, s)),
                upper.map(s -> new Secret("AKIA" + s, "AKIA" + s)),
                alnum.map(s -> new Secret("ghp_" + s, s)),
                alnum.map(s -> new Secret("Bearer " + s, s)),
                Combinators.combine(alnum, alnum).as((a, b) -> new Secret("eyJ" + a + ".eyJ" + b + ".sig" + a,
                        a)),
                hex.map(s -> new Secret("deadbeef" + s, s)),
                user.map(u -> new Secret(u + ".person@example.org", u)),
                Combinators.combine(user, alnum).as((u, p) -> new Secret("https://" + u + ":" + p + "@db.local/x",
                        p)),
                Combinators.combine(Arbitraries.of("password", "token", "api_key", "secret", "PWD"), alnum)
                        .as((k, v) -> new Secret(k + "=" + v, v)));
    }

    @Provide
    Arbitrary<String> safeTexts() {
        Arbitrary<String> word = Arbitraries.integers().between(0, SAFE_WORDS.size() - 1).map(SAFE_WORDS::get);
        return Combinators.combine(word, word, word, Arbitraries.integers().between(1, 3))
                .as((a, b, c, n) -> String.join(" ", List.of(a, b, c).subList(0, n)));
    }

    @Provide
    Arbitrary<String> safeKeys() {
        return Combinators.combine(Arbitraries.integers().between(0, SAFE_WORDS.size() - 1),
                Arbitraries.integers().between(0, 999)).as((w, n) -> SAFE_WORDS.get(w).replace("/", "") + "_" + n);
    }

    @Provide
    Arbitrary<String> secretKeys() {
        return Combinators.combine(Arbitraries.of(SECRET_NAMES), Arbitraries.of("", "MY_", "x."),
                Arbitraries.of("", "_2", "-old"), Arbitraries.of(true, false))
                .as((name, prefix, suffix, upper) -> {
                    String key = prefix + name + suffix;
                    return upper ? key.toUpperCase() : key;
                });
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, String, Object>>> entries() {
        Arbitrary<Tuple.Tuple3<Integer, String, Object>> safe = Combinators.combine(safeKeys(), safeTexts())
                .as((k, v) -> Tuple.of(0, k, (Object) v));
        Arbitrary<Tuple.Tuple3<Integer, String, Object>> secretByName = Combinators.combine(secretKeys(),
                Arbitraries.strings().alpha().ofLength(12).map(s -> "v" + s))
                .as((k, v) -> Tuple.of(1, k, (Object) v));
        Arbitrary<Tuple.Tuple3<Integer, String, Object>> secretByValue = Combinators.combine(safeKeys(),
                secretValues(), safeTexts()).as((k, s, t) -> Tuple.of(2, k, (Object) List.of(t, s)));
        return Arbitraries.frequencyOf(Tuple.of(3, safe), Tuple.of(1, secretByName), Tuple.of(1, secretByValue))
                .list().ofMaxSize(12);
    }

    @Property(tries = 300)
    void noSecretSurvivesAndSafeEntriesPassUnchanged(@ForAll("entries") List<Tuple.Tuple3<Integer, String, Object>> entries,
                                                     @ForAll("safeTexts") String before,
                                                     @ForAll("secretValues") Secret inMessage,
                                                     @ForAll("safeTexts") String after) {
        Map<String, String> map = new LinkedHashMap<>();
        Map<String, String> safe = new LinkedHashMap<>();
        List<String> mustVanish = new ArrayList<>(List.of(inMessage.mustVanish()));
        for (Tuple.Tuple3<Integer, String, Object> e : entries) {
            if (map.containsKey(e.get2())) {
                continue;
            }
            switch (e.get1()) {
                case 0 -> {
                    map.put(e.get2(), (String) e.get3());
                    safe.put(e.get2(), (String) e.get3());
                }
                case 1 -> {
                    map.put(e.get2(), (String) e.get3());
                    mustVanish.add((String) e.get3());
                }
                default -> {
                    @SuppressWarnings("unchecked")
                    List<Object> parts = (List<Object>) e.get3();
                    Secret secret = (Secret) parts.get(1);
                    map.put(e.get2(), parts.get(0) + " " + secret.text());
                    mustVanish.add(secret.mustVanish());
                }
            }
        }
        String message = before + " " + inMessage.text() + " " + after;

        EnrichmentResult log = pipeline.apply(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("e", "t"))
                .setTags(map).setAttributes(map).setMessage(message).build()));
        EnrichmentResult heartbeat = pipeline.apply(EventKind.HEARTBEATS, Samples.encode(
                Samples.b(Samples.heartbeat("e", "t")).setEnvironment(map)
                        .setUnexpectedRestartReasons(List.of(message)).build()));

        for (EnrichmentResult result : List.of(log, heartbeat)) {
            assertThat(result).isInstanceOf(EnrichmentResult.Enriched.class);
            String bytes = new String(((EnrichmentResult.Enriched) result).value(), StandardCharsets.ISO_8859_1);
            for (String secret : mustVanish) {
                assertThat(bytes).doesNotContain(secret);
            }
        }
        EnrichedLog enrichedLog = (EnrichedLog) ((EnrichmentResult.Enriched) log).record();
        assertThat(enrichedLog.getAttributes()).containsAllEntriesOf(safe);
        assertThat(enrichedLog.getTags()).containsAllEntriesOf(safe);
        assertThat(enrichedLog.getMessage()).startsWith(before + " ").endsWith(" " + after);
        EnrichedHeartbeat enrichedHeartbeat = (EnrichedHeartbeat) ((EnrichmentResult.Enriched) heartbeat).record();
        assertThat(enrichedHeartbeat.getEnvironment()).containsAllEntriesOf(safe);
    }

    @Property(tries = 200)
    void textWithoutSecretsIsLeftAlone(@ForAll("safeTexts") String text) {
        ScrubReport report = ScrubReport.empty();
        assertThat(pipeline.rules().redactor().redact(text, report)).isSameAs(text);
        assertThat(report.redactionsByPattern()).isEmpty();
    }

    @Property(tries = 200)
    void redactionIsIdempotentAndLeavesOnlyTheMarker(@ForAll("safeTexts") String before,
                                                     @ForAll("secretValues") Secret secret) {
        ValueRedactor redactor = pipeline.rules().redactor();
        String once = redactor.redact(before + " " + secret.text(), ScrubReport.empty());
        assertThat(once).startsWith(before + " ").contains(PrivacyDefaults.MARKER).doesNotContain(secret.mustVanish());
        assertThat(redactor.redact(once, ScrubReport.empty())).isEqualTo(once);
    }
}
