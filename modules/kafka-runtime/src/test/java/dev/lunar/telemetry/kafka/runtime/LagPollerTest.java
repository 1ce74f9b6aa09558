package dev.lunar.telemetry.kafka.runtime;

import dev.lunar.telemetry.kafka.runtime.internal.ReactorRecordReceiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The consumer-lag poller outlives a consumer thread that answers slower than the polling interval, and errors. */
class LagPollerTest {

    @Test
    void aQuerySlowerThanTheIntervalSkipsTicksAndKeepsReporting() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        AtomicLong asked = new AtomicLong();
        // 5 s per answer against a 2 s interval: without dropping ticks the timer overflows and the poller dies
        Mono<Long> slow = Mono.defer(() -> Mono.delay(Duration.ofSeconds(5), time).map(t -> asked.incrementAndGet()));
        List<Long> answers = new CopyOnWriteArrayList<>();

        Disposable poller = ReactorRecordReceiver.pollEvery(Duration.ofSeconds(2), slow, answers::add, time);
        time.advanceTimeBy(Duration.ofMinutes(10));

        assertThat(poller.isDisposed()).as("the poller is still running").isFalse();
        assertThat(answers).hasSizeGreaterThan(100).endsWith(asked.get());
        poller.dispose();
    }

    @Test
    void aFailingQuerySkipsOneAnswer() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        AtomicLong asked = new AtomicLong();
        Mono<Long> flaky = Mono.defer(() -> asked.incrementAndGet() % 2 == 0
                ? Mono.error(new IllegalStateException("consumer busy")) : Mono.just(asked.get()));
        List<Long> answers = new CopyOnWriteArrayList<>();

        Disposable poller = ReactorRecordReceiver.pollEvery(Duration.ofSeconds(2), flaky, answers::add, time);
        time.advanceTimeBy(Duration.ofSeconds(20));

        assertThat(answers).containsExactly(1L, 3L, 5L, 7L, 9L);
        poller.dispose();
    }
}
