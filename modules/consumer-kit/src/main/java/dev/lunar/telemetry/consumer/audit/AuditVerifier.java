package dev.lunar.telemetry.consumer.audit;

import dev.lunar.telemetry.events.avro.AuditRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a range of the audit trail, record by record, as a plain function (no Kafka): feed it the records in topic
 * order ({@link #accept}), then read {@link #reports()}.
 *
 * <p>Per record: the body's SHA-256 must equal {@code bodySha256} (else <em>altered body</em>), and the hash
 * recomputed from the header fields and the body hash must equal {@code hash} (else <em>altered header</em>). Per
 * chain: each record must follow the previous one — sequence + 1 (else <em>missing records</em> between the two
 * sequences, or <em>out of order</em>) and {@code prevHash} equal to the previous record's hash (else <em>broken
 * link</em>: a record was replaced by another that hashes correctly on its own). An exact copy of the previous record
 * (same sequence, same hash: a write re-sent after a lost acknowledgement) is counted as a duplicate, not a break.
 *
 * <p>The first record of each chain in the range is the anchor: its own hashes are checked, its {@code prevHash} is
 * trusted — a range that starts mid-chain verifies from there. Records missing after the last record of the range
 * cannot be seen from the range alone. Only the first break of a chain is reported; later records of that chain are
 * not checked further.
 */
public final class AuditVerifier {

    /** What went wrong at a record. */
    public enum Problem {
        ALTERED_BODY("altered body"),
        ALTERED_HEADER("altered header"),
        MISSING_RECORDS("missing record(s)"),
        OUT_OF_ORDER("out of order"),
        BROKEN_LINK("broken link"),
        UNREADABLE("unreadable record");

        private final String label;

        Problem(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Where a record was read. */
    public record Position(int partition, long offset) {
        @Override
        public String toString() {
            return "partition " + partition + " offset " + offset;
        }
    }

    /** The first break of a chain: at which record, what is wrong, in one sentence. */
    public record Break(long sequence, Position position, Problem problem, String detail) {}

    /**
     * One chain's verdict.
     *
     * @param records    records of the chain in the range (duplicates included)
     * @param duplicates exact re-writes of the previous record
     */
    public record ChainReport(String chainId, long records, long firstSequence, long lastSequence, long duplicates,
                              Optional<Break> firstBreak) {
        public boolean ok() {
            return firstBreak.isEmpty();
        }
    }

    private static final class Chain {
        final String id;
        long records;
        long first = -1;
        long last = -1;
        String lastHash;
        long duplicates;
        Break broken;

        Chain(String id) {
            this.id = id;
        }
    }

    private final Map<String, Chain> chains = new LinkedHashMap<>();
    private final List<Break> unreadable = new ArrayList<>();

    /** One record as read; {@code record} null when it could not be decoded ({@code error} says why). */
    public void accept(Position position, String key, AuditRecord record, String error) {
        if (record == null) {
            unreadable.add(new Break(-1, position, Problem.UNREADABLE, "not an audit record: " + error));
            return;
        }
        Chain chain = chains.computeIfAbsent(record.getChainId(), Chain::new);
        chain.records++;
        if (chain.broken != null) {
            return;
        }
        long seq = record.getSequence();
        String bodySha = AuditChain.sha256Hex(AuditChain.body(record));
        if (!bodySha.equals(record.getBodySha256())) {
            chain.broken = new Break(seq, position, Problem.ALTERED_BODY, "the body's SHA-256 is " + bodySha
                    + " but the record says " + record.getBodySha256());
            return;
        }
        String hash = AuditChain.hashOf(record);
        if (!hash.equals(record.getHash())) {
            chain.broken = new Break(seq, position, Problem.ALTERED_HEADER, "the hash of its fields is " + hash
                    + " but the record says " + record.getHash());
            return;
        }
        if (key != null && !key.equals(record.getChainId())) {
            chain.broken = new Break(seq, position, Problem.ALTERED_HEADER, "its key is " + key
                    + " but its chain id " + record.getChainId());
            return;
        }
        if (chain.lastHash == null) {
            chain.first = seq; // the anchor: its prevHash is trusted
        } else if (seq == chain.last && record.getHash().equals(chain.lastHash)) {
            chain.duplicates++;
            return;
        } else if (seq > chain.last + 1) {
            chain.broken = new Break(seq, position, Problem.MISSING_RECORDS, "between sequence "
                    + chain.last + " and " + seq + " (" + (seq - chain.last - 1) + " record(s))");
            return;
        } else if (seq != chain.last + 1) {
            chain.broken = new Break(seq, position, Problem.OUT_OF_ORDER, "sequence " + seq + " follows "
                    + chain.last);
            return;
        } else if (!record.getPrevHash().equals(chain.lastHash)) {
            chain.broken = new Break(seq, position, Problem.BROKEN_LINK, "its previous hash is "
                    + record.getPrevHash() + " but record " + chain.last + " hashes to " + chain.lastHash
                    + ": record " + chain.last + " or this one was replaced");
            return;
        }
        chain.last = seq;
        chain.lastHash = record.getHash();
    }

    /** Every chain seen, in the order first seen. */
    public List<ChainReport> reports() {
        List<ChainReport> reports = new ArrayList<>();
        for (Chain c : chains.values()) {
            reports.add(new ChainReport(c.id, c.records, c.first, c.last, c.duplicates, Optional.ofNullable(c.broken)));
        }
        return reports;
    }

    /** Records that were not audit records at all (wrong bytes, unknown schema). */
    public List<Break> unreadable() {
        return List.copyOf(unreadable);
    }

    /** True when every chain verified and every record could be read. */
    public boolean ok() {
        return unreadable.isEmpty() && chains.values().stream().allMatch(c -> c.broken == null);
    }
}
