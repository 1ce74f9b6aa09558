package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.processor.privacy.Credentials.Credential;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Credentials generated inside random surrounding text (several lines, YAML-shaped, JSON inside text) never survive;
 * text of benign tokens — versions, UUIDs, timestamps, durations, ports, status codes, host names, order numbers,
 * short commit ids — always passes unchanged.
 */
class RedactionPropertiesTest {

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);

    private static final List<String> WORDS = List.of("GET", "POST", "/v1/customers", "upstream", "retry", "cache",
            "miss", "hit", "region", "eu-west-1", "workers", "started", "ok", "done", "->", "in", "of", "at", "(", ")",
            "status", "latency", "p99", "queue", "policy", "rate-limit");

    @Provide
    Arbitrary<Credential> credentials() {
        Arbitrary<String> alnum = Arbitraries.strings().alpha().numeric().ofMinLength(24).ofMaxLength(40)
                .map(s -> "a1B" + s);
        Arbitrary<String> upper = Arbitraries.strings().withCharRange('A', 'Z').numeric().ofLength(16);
        Arbitrary<String> base64 = Arbitraries.strings().alpha().numeric().withChars('/', '+').ofMinLength(30)
                .ofMaxLength(60).map(s -> s + "/x9Z==");
        Arbitrary<String> user = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(3).ofMaxLength(10);
        Arbitrary<String> password = Arbitraries.strings().alpha().numeric().withChars("!%*/").ofMinLength(6)
                .ofMaxLength(20);
        Arbitrary<String> secretName = Arbitraries.of("password", "api_key", "client_secret", "AUTH_TOKEN",
                "db.passwd", "x-api-key", "private_key", "session_id", "credentials");
        Arbitrary<String> scheme = Arbitraries.of("postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqps",
                "https");
        return Arbitraries.oneOf(
                Arbitraries.of(Credentials.BY_SHAPE),
                upper.map(s -> Credential.whole("aws-access-key", "AKIA" + s)),
                alnum.map(s -> Credential.whole("github-token", "ghp_" + s)),
                alnum.map(s -> Credential.whole("gitlab-token", "glpat-" + s)),
                alnum.map(s -> Credential.whole("stripe-key", "sk_live_" + s)),
                alnum.map(s -> Credential.whole("slack-token", "xoxb-" + s)),
                alnum.map(s -> Credential.whole("openai-key", "sk-proj-" + s)),
                Combinators.combine(alnum, alnum).as((a, b) -> Credential.whole("jwt", "eyJ" + a + ".eyJ" + b + "."
                        + b)),
                base64.map(s -> new Credential("azure-connection-string-key", "AccountName=x;AccountKey=" + s
                        + ";EndpointSuffix=core.windows.net", s)),
                Combinators.combine(user, password).as((u, p) -> new Credential("url-credentials", u
                        + ".ops@example.com", u + ".ops@example.com")),
                Combinators.combine(scheme, user, password).as((s, u, p) -> new Credential("database-url",
                        s + "://" + u + ":" + p + "@db-1.internal:5432/app", p)),
                Combinators.combine(secretName, password).as((k, p) -> new Credential("secret-assignment",
                        k + "=" + p, p)),
                Combinators.combine(secretName, password).as((k, p) -> new Credential("secret-assignment",
                        "\"" + k + "\": \"" + p + "\"", p)));
    }

    @Provide
    Arbitrary<String> filler() {
        return Arbitraries.of(WORDS).list().ofMaxSize(6).map(w -> String.join(" ", w));
    }

    @Provide
    Arbitrary<String> layouts() {
        return Arbitraries.of("%s %s %s", "%s\n%s\n%s", "%s\n  key: %s\n%s", "%s\nsection:\n  nested:\n    value: %s\n%s",
                "%s {\"field\": \"%s\"} %s", "%s\n- item: %s\n%s", "%s|%s|%s", "%s\t%s\r\n%s");
    }

    @Property(tries = 1000)
    void credentialsNeverSurvive(@ForAll("credentials") Credential credential, @ForAll("filler") String before,
                                 @ForAll("filler") String after, @ForAll("layouts") String layout) {
        String text = layout.formatted(before, credential.text(), after);
        String out = redactor.redact(text, ScrubReport.empty());
        assertThat(out).as(text).doesNotContain(credential.secret()).contains(PrivacyDefaults.MARKER);
    }

    @Provide
    Arbitrary<String> benignTokens() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 40);
        Arbitrary<String> version = Combinators.combine(small, small, small).as((a, b, c) -> a + "." + b + "." + c);
        Arbitrary<String> uuid = Arbitraries.create(() -> java.util.UUID.randomUUID().toString());
        Arbitrary<String> timestamp = Arbitraries.longs().between(0, 4_000_000_000L)
                .map(s -> java.time.Instant.ofEpochSecond(s, 123_000_000).toString());
        Arbitrary<String> duration = Combinators.combine(Arbitraries.integers().between(1, 9999),
                Arbitraries.of("ms", "s", "m", "h", "us")).as((n, u) -> n + u);
        Arbitrary<String> port = Combinators.combine(Arbitraries.of("localhost", "127.0.0.1", "db-1.internal",
                "api.example.com"), Arbitraries.integers().between(1, 65535)).as((h, p) -> h + ":" + p);
        Arbitrary<String> status = Arbitraries.integers().between(100, 599).map(s -> "HTTP " + s);
        Arbitrary<String> host = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255)).as((a, b) -> "ip-10-0-" + a + "-" + b
                + ".eu-west-1.compute.internal");
        Arbitrary<String> order = Arbitraries.integers().between(10000, 99999).map(n -> "ORD-" + n);
        Arbitrary<String> commit = Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(7).ofMaxLength(12);
        return Arbitraries.oneOf(version, uuid, timestamp, duration, port, status, host, order, commit);
    }

    @Property(tries = 1000)
    void benignTokensAlwaysSurvive(@ForAll("benignTokens") String a, @ForAll("benignTokens") String b,
                                   @ForAll("filler") String words, @ForAll("layouts") String layout) {
        String text = layout.replace("key:", "build:").replace("value:", "took:").replace("\"field\"", "\"id\"")
                .formatted(a, b + " " + words, words);
        ScrubReport report = ScrubReport.empty();
        assertThat(redactor.redact(text, report)).isSameAs(text);
        assertThat(report.redactionsByPattern()).isEmpty();
    }
}
