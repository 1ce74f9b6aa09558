package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Issue 11's regression: an Azure storage {@code AccountKey=} whose base64 value holds {@code /} has no run long
 * enough for the base64 rule and was forwarded. Connection strings are redacted by their own keys now.
 */
class AzureConnectionStringsTest {

    private final ValueRedactor redactor = ValueRedactor.of(PrivacyDefaults.REDACTION_PATTERNS);

    @Test
    void anAccountKeyWithSlashesIsRedactedAndTheRestOfTheStringKept() {
        String key = "q1w2E3r4/T5y6U7i8O9p0+AaSsDdFfGg/HhJjKkLl1234567890abcdEFGHijklMNopQRstuv/wxYZ==";
        ScrubReport report = ScrubReport.empty();
        String out = redactor.redact("DefaultEndpointsProtocol=https;AccountName=lunar;AccountKey=" + key
                + ";EndpointSuffix=core.windows.net", report);
        assertThat(out).isEqualTo("DefaultEndpointsProtocol=https;AccountName=lunar;AccountKey=[REDACTED]"
                + ";EndpointSuffix=core.windows.net");
        assertThat(report.redactionsByPattern()).containsEntry("azure-connection-string-key", 1);
    }

    @Test
    void serviceBusKeysAndSignaturesAreRedacted() {
        String out = redactor.redact("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;"
                + "SharedAccessKey=AbC/dEf+GhI/jKl0123456789=", ScrubReport.empty());
        assertThat(out).contains("SharedAccessKeyName=").endsWith("SharedAccessKey=[REDACTED]")
                .doesNotContain("AbC/dEf");
        String sas = redactor.redact("Endpoint=sb://ns/;SharedAccessSignature=SharedAccessSignature sr=x&sig=Ab%2Fc"
                + "&se=1", ScrubReport.empty());
        assertThat(sas).doesNotContain("Ab%2Fc");
    }
}
