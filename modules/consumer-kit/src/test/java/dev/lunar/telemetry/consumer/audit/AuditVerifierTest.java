package dev.lunar.telemetry.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.avro.AuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chain rules as plain functions: a chain built with {@link AuditChain} verifies; each kind of tampering is named. */
class AuditVerifierTest {

    private static List<AuditRecord> chain(String id, int n) {
        List<AuditRecord> records = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 0; i < n; i++) {
            AuditEntry entry = new AuditEntry(AuditEntry.DATADOG_LOGS, "intake.example", List.of("acme", "octo"),
                    ("[{\"n\":" + i + "},{\"n\":" + -i + "}]").getBytes(StandardCharsets.UTF_8));
            AuditRecord r = AuditChain.next(id, i, prev, Instant.parse("2026-12-02T10:00:00Z").plusSeconds(i), entry);
            records.add(r);
            prev = r.getHash();
        }
        return records;
    }

    private static AuditVerifier verify(List<AuditRecord> records) {
        AuditVerifier v = new AuditVerifier();
        for (int i = 0; i < records.size(); i++) {
            v.accept(new AuditVerifier.Position(0, i), records.get(i).getChainId(), records.get(i), null);
        }
        return v;
    }

    private static AuditRecord copy(AuditRecord r) {
        return AuditRecord.newBuilder(r).build();
    }

    @Test
    void anIntactChainVerifiesAndItsTenantsAreSortedAndDistinct() {
        List<AuditRecord> records = chain("c1", 5);
        AuditVerifier v = verify(records);
        assertThat(v.ok()).isTrue();
        assertThat(v.reports()).singleElement().satisfies(r -> {
            assertThat(r.records()).isEqualTo(5);
            assertThat(r.firstSequence()).isZero();
            assertThat(r.lastSequence()).isEqualTo(4);
        });
        assertThat(records.get(0).getTenantIds()).containsExactly("acme", "octo");
        assertThat(records.get(0).getEntryCount()).isEqualTo(2);
    }

    @Test
    void aRangeStartingMidChainVerifiesFromItsFirstRecord() {
        assertThat(verify(chain("c1", 6).subList(3, 6)).ok()).isTrue();
    }

    @Test
    void aRemovedRecordIsReportedAsAGapBetweenItsNeighbours() {
        List<AuditRecord> records = new ArrayList<>(chain("c1", 6));
        records.remove(3);
        AuditVerifier.Break b = verify(records).reports().get(0).firstBreak().orElseThrow();
        assertThat(b.problem()).isEqualTo(AuditVerifier.Problem.MISSING_RECORDS);
        assertThat(b.detail()).contains("between sequence 2 and 4");
    }

    @Test
    void anAlteredBodyIsReportedAtItsRecord() {
        List<AuditRecord> records = new ArrayList<>(chain("c1", 4));
        AuditRecord altered = copy(records.get(2));
        altered.setBody(ByteBuffer.wrap("[{\"n\":99}]".getBytes(StandardCharsets.UTF_8)));
        records.set(2, altered);
        AuditVerifier.Break b = verify(records).reports().get(0).firstBreak().orElseThrow();
        assertThat(b.problem()).isEqualTo(AuditVerifier.Problem.ALTERED_BODY);
        assertThat(b.sequence()).isEqualTo(2);
    }

    @Test
    void anAlteredHeaderOrABodyWithItsHashReplacedIsReported() {
        List<AuditRecord> records = new ArrayList<>(chain("c1", 4));
        AuditRecord header = copy(records.get(1));
        header.setTenantIds(List.of("acme"));
        records.set(1, header);
        assertThat(verify(records).reports().get(0).firstBreak().orElseThrow().problem())
                .isEqualTo(AuditVerifier.Problem.ALTERED_HEADER);

        List<AuditRecord> again = new ArrayList<>(chain("c1", 4));
        AuditRecord body = copy(again.get(1));
        byte[] forged = "[]".getBytes(StandardCharsets.UTF_8);
        body.setBody(ByteBuffer.wrap(forged));
        body.setBodySha256(AuditChain.sha256Hex(forged));
        again.set(1, body);
        assertThat(verify(again).reports().get(0).firstBreak().orElseThrow().problem())
                .isEqualTo(AuditVerifier.Problem.ALTERED_HEADER);
    }

    @Test
    void aRecordReplacedByOneThatHashesCorrectlyBreaksTheLinkOfItsSuccessor() {
        List<AuditRecord> records = new ArrayList<>(chain("c1", 4));
        AuditRecord original = records.get(1);
        AuditEntry other = new AuditEntry(AuditEntry.DATADOG_LOGS, "intake.example", List.of("acme"),
                "[{}]".getBytes(StandardCharsets.UTF_8));
        records.set(1, AuditChain.next("c1", 1, original.getPrevHash(), original.getRecordedAt(), other));
        AuditVerifier.Break b = verify(records).reports().get(0).firstBreak().orElseThrow();
        assertThat(b.problem()).isEqualTo(AuditVerifier.Problem.BROKEN_LINK);
        assertThat(b.sequence()).isEqualTo(2);
    }

    @Test
    void anExactRewriteIsADuplicateNotABreakAndChainsAreVerifiedApart() {
        List<AuditRecord> a = chain("a", 3);
        List<AuditRecord> b = chain("b", 3);
        List<AuditRecord> mixed = List.of(a.get(0), b.get(0), a.get(1), a.get(1), b.get(1), a.get(2), b.get(2));
        AuditVerifier v = verify(mixed);
        assertThat(v.ok()).isTrue();
        assertThat(v.reports()).extracting(AuditVerifier.ChainReport::chainId).containsExactly("a", "b");
        assertThat(v.reports().get(0).duplicates()).isEqualTo(1);
    }

    @Test
    void unreadableBytesFailTheRange() {
        AuditVerifier v = verify(chain("c1", 2));
        v.accept(new AuditVerifier.Position(0, 9), "x", null, "WRONG_TYPE");
        assertThat(v.ok()).isFalse();
        assertThat(v.unreadable()).singleElement().extracting(AuditVerifier.Break::problem)
                .isEqualTo(AuditVerifier.Problem.UNREADABLE);
    }
}
