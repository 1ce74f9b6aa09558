package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A secret-ish key takes the value on its own line, never the next line's text: issue 11's regression, where
 * {@code authentication:\n  api_key: VALUE} redacted {@code api_key:} as if it were the secret and forwarded
 * {@code VALUE}. A YAML value continued on deeper-indented lines is redacted with it.
 */
class SecretKeysTakeOnlyTheirOwnValueTest {

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);

    private String redact(String text) {
        return redactor.redact(text, ScrubReport.empty());
    }

    @Test
    void aKeyEndingItsLineDoesNotSwallowTheNextLinesKey() {
        String out = redact("authentication:\n  api_key: VALUE-of-the-key\n  region: eu-west-1");
        assertThat(out).isEqualTo("authentication:\n  api_key: [REDACTED]\n  region: eu-west-1");
    }

    @Test
    void aKeyEndingItsLineRedactsTheIndentedValueBelowIt() {
        assertThat(redact("api_key:\n  VALUE-of-the-key\nregion: eu")).isEqualTo("api_key:\n  [REDACTED]\nregion: eu");
        assertThat(redact("password:\n")).isEqualTo("password:\n");
        assertThat(redact("password:")).isEqualTo("password:");
    }

    @Test
    void aKeyEndingItsLineFollowedByLessIndentedTextRedactsNothing() {
        assertThat(redact("  token:\nnext line stays")).isEqualTo("  token:\nnext line stays");
        assertThat(redact("token=\nnext line stays")).isEqualTo("token=\nnext line stays");
    }

    @Test
    void blockScalarsAndFoldedPlainScalarsAreRedactedWholly() {
        String block = "tls:\n  private_key: |\n    line-one-of-key\n    line-two-of-key\n  port: 443";
        assertThat(redact(block)).doesNotContain("line-one-of-key", "line-two-of-key").contains("  port: 443");
        String folded = "secret: first-part\n  second-part\nname: x";
        assertThat(redact(folded)).doesNotContain("first-part", "second-part").endsWith("\nname: x");
    }

    @Test
    void aYamlValueRunsToTheEndOfItsLineSpacesIncluded() {
        assertThat(redact("password: correct horse battery staple\nuser: bob"))
                .isEqualTo("password: [REDACTED]\nuser: bob");
    }

    @Test
    void sequenceItemsOfASecretKeyAreRedacted() {
        String out = redact("api_keys:\n  - first-key-value\n  - second-key-value\nretries: 3");
        assertThat(out).doesNotContain("first-key-value", "second-key-value").endsWith("\nretries: 3");
    }

    @Test
    void inlineAssignmentsTakeOneWordOnTheirLine() {
        assertThat(redact("login ok token=abc123 user=bob\nnext")).isEqualTo("login ok token=[REDACTED] user=bob\nnext");
        assertThat(redact("{\"api_key\": \"abc\", \"name\": \"x\"}")).isEqualTo("{\"api_key\": [REDACTED], \"name\": \"x\"}");
    }

    @Test
    void windowsLineBreaksAreLineBreaks() {
        assertThat(redact("authentication:\r\n  api_key: VALUE-of-the-key\r\n  region: eu"))
                .isEqualTo("authentication:\r\n  api_key: [REDACTED]\r\n  region: eu");
    }
}
