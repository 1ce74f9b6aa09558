package dev.lunar.telemetry.controlplane.forwarder;

import static dev.lunar.telemetry.controlplane.forwarder.Stats.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Which batches the forwarder lets the kit acknowledge, given which windows the control plane accepted. */
class HeldBatchesTest {

    private final HeldBatches held = new HeldBatches();

    private static CommittableWindow window(long commitBelow) {
        WindowAggregate aggregate = new WindowedEndpointAggregator(ControlPlaneForwarderSettings.defaults(), null)
                .aggregate(Flux.just(event("e").build())).blockFirst(Duration.ofSeconds(10));
        return new CommittableWindow(aggregate, commitBelow);
    }

    private static AtomicReference<String> watch(Mono<Void> settled) {
        AtomicReference<String> state = new AtomicReference<>("pending");
        settled.subscribe(null, e -> state.set("failed"), () -> state.set("settled"));
        return state;
    }

    @Test
    void aBatchSettlesOnlyWhenEveryWindowUpToOneCoveringItIsDone() {
        AtomicReference<String> first = watch(held.take(10, true).settled());   // records 0..9
        AtomicReference<String> second = watch(held.take(10, true).settled());  // records 10..19
        long w0 = held.emitted(window(10)).index();  // once accepted, records below 10 are committable
        long w1 = held.emitted(window(20)).index();

        held.done(w1);
        assertThat(first).as("window 0 is not done yet").hasValue("pending");
        assertThat(second).hasValue("pending");

        held.done(w0);
        assertThat(first).hasValue("settled");
        assertThat(second).hasValue("settled");
        assertThat(held.pendingWindows()).isZero();
        assertThat(held.waitingBatches()).isZero();
    }

    @Test
    void aBatchWithNothingForwardableIsNotHeldAndOneNotYetCoveredWaits() {
        assertThat(held.take(5, false).settled()).isNull();                     // records 0..4
        AtomicReference<String> kept = watch(held.take(5, true).settled());     // records 5..9

        held.done(held.emitted(window(7)).index());

        assertThat(kept).as("records 7..9 are still in an open window").hasValue("pending");
        held.done(held.emitted(window(10)).index());
        assertThat(kept).hasValue("settled");
    }

    @Test
    void lostAggregationFailsEveryWaitingBatchSoTheKitReadsThemAgain() {
        AtomicReference<String> waiting = watch(held.take(3, true).settled());
        long w = held.emitted(window(3)).index();

        held.reset(new IOException("aggregation failed"));
        held.done(w);

        assertThat(waiting).hasValue("failed");
        assertThat(List.of(held.pendingWindows(), held.waitingBatches())).containsOnly(0);
    }
}
