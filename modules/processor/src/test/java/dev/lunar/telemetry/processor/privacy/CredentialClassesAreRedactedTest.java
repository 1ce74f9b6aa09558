package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.processor.privacy.Credentials.Credential;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every credential class of the built-in rules, each in the shapes it turns up in (inline in a sentence, after
 * {@code =} and {@code :}, as a JSON string, escaped JSON inside text, a YAML block, on its own line, between
 * separators): the secret never survives, what surrounds it does, and the redaction is counted under the rule.
 */
class CredentialClassesAreRedactedTest {

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);

    /** A text to scrub and the words of it that must pass unchanged. */
    record Shape(String name, String text, List<String> survivors) {}

    static List<Shape> shapesOf(String t) {
        String yamlValue = t.contains("\n") ? "|\n    " + t.replace("\n", "\n    ") : t;
        return List.of(
                new Shape("inline", "upstream call failed with " + t + " after 3 retries",
                        List.of("upstream call failed with ", " after 3 retries")),
                new Shape("key=value", "cfg value=" + t + " next=1", List.of("cfg value=", " next=1")),
                new Shape("key: value", "note: " + t, List.of("note: ")),
                new Shape("json", "{\"note\":\"" + t + "\",\"n\":1}", List.of("{\"note\":\"", "\",\"n\":1}")),
                new Shape("yaml block", "upstream:\n  note: " + yamlValue + "\n  retries: 3",
                        List.of("upstream:\n  note: ", "\n  retries: 3")),
                new Shape("own line", "first line\n" + t + "\nlast line", List.of("first line\n", "\nlast line")),
                // A value assigned to a secret-ish name runs to the next blank, ',', ';', '&' or quote (a password
                // may hold any other character), so the closing separator after such a value is not asserted.
                new Shape("pipes", "a|" + t + "|b", List.of("a|")),
                new Shape("parentheses", "see (" + t + ").", List.of("see (")),
                new Shape("quotes", "'" + t + "' was rejected", List.of("' was rejected")),
                new Shape("angle brackets", "<" + t + ">", List.of("<")));
    }

    static List<Shape> assignmentsOf(String key, String value) {
        return List.of(
                new Shape("key=value", "config " + key + "=" + value + " retries=3", List.of("config ", " retries=3")),
                new Shape("key: value", key + ": " + value, List.of(key + ": ")),
                new Shape("json", "{\"" + key + "\":\"" + value + "\",\"retries\":3}", List.of(",\"retries\":3}")),
                new Shape("json with spaces", "{\"" + key + "\" : \"" + value + "\"}", List.of("{\"" + key)),
                new Shape("escaped json in text", "payload {\\\"" + key + "\\\":\\\"" + value + "\\\"} sent",
                        List.of("payload {", " sent")),
                new Shape("yaml block", "service:\n  " + key + ": " + value + "\n  retries: 3",
                        List.of("service:\n  " + key + ": ", "\n  retries: 3")),
                new Shape("yaml value on the next line", "service:\n  " + key + ":\n    " + value + "\n  retries: 3",
                        List.of("service:\n  " + key + ":\n    ", "\n  retries: 3")),
                new Shape("export", "export " + key.toUpperCase() + "=" + value, List.of("export ")),
                new Shape("multi-line", "line one\n" + key + "=" + value + "\nline three",
                        List.of("line one\n", "\nline three")),
                new Shape("single quotes", key + "='" + value + "'", List.of(key + "=")),
                new Shape("go assignment", key + " := " + value, List.of(key + " := ")),
                new Shape("ruby hash", key + " => '" + value + "'", List.of(key + " => ")));
    }

    @TestFactory
    Stream<DynamicTest> credentialsRecognisedByShapeVanishFromEveryShape() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Credential c : Credentials.BY_SHAPE) {
            for (Shape shape : shapesOf(c.text())) {
                tests.add(DynamicTest.dynamicTest(c.rule() + " " + shape.name() + ": " + abbreviate(c.text()),
                        () -> assertRedacted(shape, c)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> credentialsRecognisedByTheirNameVanishFromEveryShape() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Credential c : Credentials.BY_NAME) {
            for (Shape shape : assignmentsOf(c.text(), c.secret())) {
                tests.add(DynamicTest.dynamicTest(c.rule() + " " + shape.name() + ": " + c.text(),
                        () -> assertRedacted(shape, c)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> eachRuleCountsItsOwnCredential() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Credential c : Credentials.BY_SHAPE) {
            tests.add(DynamicTest.dynamicTest(c.rule() + ": " + abbreviate(c.text()), () -> {
                ScrubReport report = ScrubReport.empty();
                redactor.redact("seen " + c.text() + " here", report);
                assertThat(report.redactionsByPattern()).containsKey(c.rule());
            }));
        }
        for (Credential c : Credentials.BY_NAME) {
            tests.add(DynamicTest.dynamicTest(c.rule() + ": " + c.text(), () -> {
                ScrubReport report = ScrubReport.empty();
                redactor.redact(c.text() + "=" + c.secret(), report);
                assertThat(report.redactionsByPattern()).containsKey(c.rule());
            }));
        }
        return tests.stream();
    }

    private void assertRedacted(Shape shape, Credential c) {
        ScrubReport report = ScrubReport.empty();
        String out = redactor.redact(shape.text(), report);
        assertThat(out).as(shape.text()).doesNotContain(c.secret()).contains(PrivacyDefaults.MARKER);
        for (String line : c.secret().split("\n")) {
            if (line.length() >= 4 && !line.startsWith("-----")) {
                assertThat(out).as(shape.text()).doesNotContain(line);
            }
        }
        for (String survivor : shape.survivors()) {
            assertThat(out).as(shape.text()).contains(survivor);
        }
        assertThat(report.redactionsByPattern()).isNotEmpty();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "…" : oneLine;
    }
}
