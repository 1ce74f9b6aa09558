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

    private AcknowledgementLedger.Ticket register(AcknowledgementLedger ledger, TopicPartition tp, long offset) {
        return ledger.register(tp, offset, () -> acks.add(tp.partition() + "@" + offset));
    }

    @Test
    void acknowledgesEachPartitionInReadOrderIndependentlyOfTheOthers() {
        AcknowledgementLedger ledger = new AcknowledgementLedger(AcknowledgementLedger.Listener.NONE, 100, () -> false);
        AcknowledgementLedger.Ticket p0o0 = register(ledger, P0, 0);
        AcknowledgementLedger.Ticket p1o0 = register(ledger, P1, 0);
        AcknowledgementLedger.Ticket p0o1 = register(ledger, P0, 1);
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
        AcknowledgementLedger.Ticket a = register(ledger, P0, 10);
        AcknowledgementLedger.Ticket b = register(ledger, P0, 11);
        AcknowledgementLedger.Ticket c = register(ledger, P0, 12);
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
        AcknowledgementLedger.Ticket held = register(ledger, P0, 0);
        AcknowledgementLedger.Ticket working = register(ledger, P0, 1);
        AcknowledgementLedger.Ticket other = register(ledger, P1, 0);
        ledger.handedOver(List.of(held), Sinks.<Void>empty().asMono());

        CompletableFuture<Boolean> settled = CompletableFuture.supplyAsync(
                () -> ledger.awaitSettled(List.of(P0), Duration.ofSeconds(30)));
        assertThat(settled).isNotDone();
        ledger.done(working);

        assertThat(settled.get()).isTrue();
        assertThat(ledger.isCurrent(other)).as("partition 1 is not revoked").isTrue();
    }

    @Test
    void aTicketCountsOnceAndOnlyInItsOwnLedger() {
        AcknowledgementLedger earlier = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        AcknowledgementLedger.Ticket old = register(earlier, P0, 0);
        earlier.close();
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        AcknowledgementLedger.Ticket first = register(ledger, P0, 0);
        AcknowledgementLedger.Ticket second = register(ledger, P0, 1);

        ledger.done(old);
        assertThat(ledger.isCurrent(old)).as("a ticket of a closed subscription's ledger").isFalse();
        assertThat(ledger.outstanding()).isEqualTo(2);
        ledger.handedOver(List.of(first, first), Sinks.<Void>empty().asMono());
        ledger.done(first);
        assertThat(acks).as("handed over twice: the first hand-over, still unsettled, is what counts").isEmpty();
        ledger.done(second);
        assertThat(acks).isEmpty();
        assertThat(ledger.outstanding()).isEqualTo(2);
    }

    @Test
    void aRebalanceThatDeliversAnOffsetAgainGivesItANewTicket() {
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        AcknowledgementLedger.Ticket before = register(ledger, P0, 5);
        ledger.revoke(List.of(P0));
        AcknowledgementLedger.Ticket again = register(ledger, P0, 5);

        ledger.done(before);
        assertThat(ledger.isCurrent(again)).as("the revoked copy does not stand for the new one").isTrue();
        assertThat(acks).isEmpty();
        ledger.done(again);
        assertThat(acks).containsExactly("0@5");
        assertThat(ledger.outstanding()).isZero();
    }

    @Test
    void aClosedLedgerGivesTicketsThatAcknowledgeNothing() {
        AcknowledgementLedger ledger = AcknowledgementLedger.unbounded(AcknowledgementLedger.Listener.NONE);
        ledger.close();
        AcknowledgementLedger.Ticket late = register(ledger, P0, 0);

        ledger.done(late);
        assertThat(ledger.isCurrent(late)).isFalse();
        assertThat(acks).isEmpty();
        assertThat(ledger.outstanding()).isZero();
    }
}
