package dev.lunar.telemetry.kafka.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which records are of their partition's current assignment, as polls, rebalances and emission interleave. */
class FetchEpochsTest {

    private static final TopicPartition P = new TopicPartition("t", 0);
    private static final TopicPartition Q = new TopicPartition("t", 1);

    @Test
    void recordsEmittedInRunsOfPartitionsAreCurrentWhileTheirAssignmentLasts() {
        FetchEpochs epochs = new FetchEpochs();
        epochs.assigned(List.of(P, Q));
        interceptor(epochs).onConsume(poll(Map.of(P, range(0, 9))));
        interceptor(epochs).onConsume(poll(Map.of(Q, range(0, 4))));
        interceptor(epochs).onConsume(poll(Map.of(P, range(10, 14))));

        // runs of one partition, switching in the middle of P's first range and across its two ranges
        List<Boolean> seen = new ArrayList<>();
        for (long o = 0; o <= 4; o++) {
            seen.add(epochs.current(P, o));
        }
        for (long o = 0; o <= 4; o++) {
            seen.add(epochs.current(Q, o));
        }
        for (long o = 5; o <= 14; o++) {
            seen.add(epochs.current(new TopicPartition("t", 0), o));
        }
        assertThat(seen).hasSize(20).containsOnly(true);
    }

    @Test
    void recordsFetchedBeforeTheirPartitionWasRevokedAreNotCurrentEvenIfItComesBack() {
        FetchEpochs epochs = new FetchEpochs();
        epochs.assigned(List.of(P, Q));
        interceptor(epochs).onConsume(poll(Map.of(P, range(0, 9), Q, range(0, 9))));
        assertThat(epochs.current(P, 0)).isTrue();
        assertThat(epochs.current(P, 1)).isTrue();

        // a rebalance takes P away and gives it back; the consumer fetches it again from offset 2
        epochs.revoked(List.of(P));
        assertThat(epochs.current(P, 2)).as("revoked, not yet back").isFalse();
        epochs.assigned(List.of(P));
        interceptor(epochs).onConsume(poll(Map.of(P, range(2, 9))));
        // the stale records still held are emitted first, then (in the same run of P) the fetched-again ones
        for (long o = 3; o <= 9; o++) {
            assertThat(epochs.current(P, o)).as("fetched before the revocation: %d", o).isFalse();
        }
        for (long o = 2; o <= 9; o++) {
            assertThat(epochs.current(P, o)).as("fetched again after it: %d", o).isTrue();
        }
        assertThat(epochs.current(Q, 0)).as("Q was not revoked").isTrue();
    }

    @Test
    void aNewConsumerReadingAgainFromTheCommittedOffsetsIsNotJudgedByWhatTheLastOneFetched() {
        FetchEpochs epochs = new FetchEpochs();
        epochs.assigned(List.of(P));
        interceptor(epochs).onConsume(poll(Map.of(P, range(0, 9))));
        for (long o = 0; o <= 4; o++) {
            assertThat(epochs.current(P, o)).isTrue();
        }
        // the subscription fails with 5..9 fetched but not emitted; its consumer closes, giving P up
        epochs.revoked(List.of(P));

        // the next subscription's consumer reads P again from the committed offset, 5
        epochs.newConsumer();
        epochs.assigned(List.of(P));
        interceptor(epochs).onConsume(poll(Map.of(P, range(5, 12))));
        for (long o = 5; o <= 12; o++) {
            assertThat(epochs.current(P, o)).as("read again by the new consumer: %d", o).isTrue();
        }
    }

    @Test
    void aPollOfThePreviousConsumerEndingAfterTheNewOneStartedIsIgnored() {
        FetchEpochs epochs = new FetchEpochs();
        epochs.newConsumer();
        FetchEpochs.Interceptor previous = interceptor(epochs);
        epochs.assigned(List.of(P));
        epochs.revoked(List.of(P));

        // the next subscription starts while the previous consumer's last poll is still running
        epochs.newConsumer();
        FetchEpochs.Interceptor next = interceptor(epochs);
        previous.onConsume(poll(Map.of(P, range(0, 9))));
        epochs.assigned(List.of(P));
        next.onConsume(poll(Map.of(P, range(0, 9))));
        for (long o = 0; o <= 9; o++) {
            assertThat(epochs.current(P, o)).as("fetched by the new consumer: %d", o).isTrue();
        }
    }

    private static FetchEpochs.Interceptor interceptor(FetchEpochs epochs) {
        FetchEpochs.Interceptor interceptor = new FetchEpochs.Interceptor();
        interceptor.configure(Map.of(FetchEpochs.CONFIG_KEY, epochs));
        return interceptor;
    }

    @Test
    void aPartitionWithNothingFetchedYetIsCurrentOnlyWhileAssigned() {
        FetchEpochs epochs = new FetchEpochs();
        assertThat(epochs.current(P, 0)).isFalse();
        epochs.assigned(List.of(P));
        assertThat(epochs.current(P, 0)).isTrue();
        epochs.revoked(List.of(P));
        assertThat(epochs.current(P, 0)).isFalse();
    }

    private static long[] range(long first, long last) {
        return new long[] {first, last};
    }

    /** What one poll returned: the records of each partition's range. */
    private static ConsumerRecords<Object, Object> poll(Map<TopicPartition, long[]> ranges) {
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> records = new LinkedHashMap<>();
        ranges.forEach((partition, range) -> {
            List<ConsumerRecord<Object, Object>> inPartition = new ArrayList<>();
            for (long offset = range[0]; offset <= range[1]; offset++) {
                inPartition.add(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, null));
            }
            records.put(partition, inPartition);
        });
        return new ConsumerRecords<>(records, Map.of());
    }
}
