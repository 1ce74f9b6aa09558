package dev.lunar.telemetry.kafka.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

/** The one ledger: per-partition read order, never past an unfinished record, and what a revocation does. */
class AcknowledgementLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private final List<String> acks = new CopyOnWriteArrayList<>();

    private Object register(AcknowledgementLedger ledger, TopicPartition tp, long offset) {
        Object record = tp.partition() + "@" + offset;
        ledger.register(record, tp, offset, () -> acks.add((String) record));
        return record;
    }

    @Test
    void acknowledgesEachPartitionInReadOrderIndependentlyOfTheOthers() {
        AcknowledgementLedger ledger = new AcknowledgementLedger(AcknowledgementLedger.Listener.NONE, 100, () -> false);
        Object p0o0 = register(ledger, P0, 0);
        Object p1o0 = register(ledger, P1, 0);
        Object p0o1 = register(ledger, P0, 1);
        Sinks.Empty<Void> first = Sinks.empty();

        ledger.handedOver(List.of(p0o0), first.asMono());
        ledger.handedOver(List.of(p1o0, p0o1), null);
        assertThat(acks).as("partition 1 does not wait for partition 0").containsExactly("1@0");

        first.tryEmitEmpty();
        assertThat(acks).containsExactly("1@0", "0@0", "0@1");
    }

    @Test
    void aRevocationReturnsWhatIsDoneAndForgetsTheRest() {
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        Object a = register(ledger, P0, 10);
        Object b = register(ledger, P0, 11);
        Object c = register(ledger, P0, 12);
        ledger.done(a);
        ledger.done(c);
        assertThat(ledger.awaitSettled(List.of(P0), Duration.ofMillis(1))).as("11 is still being worked on")
                .isFalse();

        Map<TopicPartition, Long> committable = ledger.revoke(List.of(P0));

        assertThat(committable).containsExactly(Map.entry(P0, 11L));
        assertThat(ledger.isCurrent(b)).isFalse();
        ledger.done(b);
        assertThat(acks).as("a revoked record acknowledges nothing").containsExactly("0@10");
        assertThat(ledger.outstanding()).isZero();
    }

    @Test
    void aRevocationWaitsForTheRecordsBeingWorkedOnButNotForDeferredSettlements() throws Exception {
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        Object held = register(ledger, P0, 0);
        Object working = register(ledger, P0, 1);
        Object other = register(ledger, P1, 0);
        ledger.handedOver(List.of(held), Sinks.<Void>empty().asMono());

        CompletableFuture<Boolean> settled = CompletableFuture.supplyAsync(
                () -> ledger.awaitSettled(List.of(P0), Duration.ofSeconds(30)));
        assertThat(settled).isNotDone();
        ledger.done(working);

        assertThat(settled.get()).isTrue();
        assertThat(ledger.isCurrent(other)).as("partition 1 is not revoked").isTrue();
    }
}
