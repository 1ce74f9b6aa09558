package dev.lunar.telemetry.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.consumer.audit.AuditChain;
import dev.lunar.telemetry.consumer.audit.AuditEntry;
import dev.lunar.telemetry.events.avro.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting a shared body per tenant, for each body shape that leaves the pipeline. */
class SentEntriesTest {

    private static AuditRecord record(String destination, List<String> entryTenants, String body) {
        return AuditChain.next("c", 0, AuditChain.GENESIS, Instant.parse("2026-12-02T10:00:00Z"),
                new AuditEntry(destination, "h", entryTenants, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void metricsSeriesAreCutByTheTenantOfEachSeries() {
        AuditRecord r = record("datadog-metrics", List.of("b", "a", "b"),
                "{\"series\":[{\"metric\":\"m1\"},{\"metric\":\"m2\"},{\"metric\":\"m3\"}]}");
        List<SentEntries.Share> shares = SentEntries.shares(r);
        assertThat(shares).extracting(SentEntries.Share::tenantId).containsExactly("a", "b");
        assertThat(shares.get(0).entriesJson()).isEqualTo("[{\"metric\":\"m2\"}]");
        assertThat(shares.get(1).entriesJson()).isEqualTo("[{\"metric\":\"m1\"},{\"metric\":\"m3\"}]");
        assertThat(shares.get(1).entries()).isEqualTo(2);
        assertThat(shares.get(1).bodyEntries()).isEqualTo(3);
        assertThat(shares.get(1).bodySha256()).isEqualTo(r.getBodySha256());
    }

    @Test
    void controlPlaneWindowsAndDogStatsdLinesAreEntriesToo() {
        assertThat(SentEntries.shares(record("control-plane", List.of("a", "a"),
                "{\"tenant\":\"a\",\"windows\":[{\"w\":1},{\"w\":2}]}")).get(0).entriesJson())
                .isEqualTo("[{\"w\":1},{\"w\":2}]");
        assertThat(SentEntries.shares(record("datadog-dogstatsd", List.of("a", "b"),
                "lunar.cpu:3|g|#tenant:a\nlunar.cpu:4|g|#tenant:b")).get(1).entriesJson())
                .isEqualTo("[\"lunar.cpu:4|g|#tenant:b\"]");
    }

    @Test
    void aBodyWhoseEntriesDoNotMatchItsTenantListShowsNoEntryRatherThanAWrongOne() {
        SentEntries.Share share = SentEntries.shares(record("datadog-logs", List.of("a", "b"),
                "[{\"n\":1},{\"n\":2},{\"n\":3}]")).get(0);
        assertThat(share.entries()).isEqualTo(1);
        assertThat(share.entriesJson()).isEqualTo("[]");
    }
}
