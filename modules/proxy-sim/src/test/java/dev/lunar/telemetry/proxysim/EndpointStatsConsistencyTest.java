package dev.lunar.telemetry.proxysim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.LatencyBucket;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Whatever the seed and fleet, the simulator's endpoint counters agree with each other. */
class EndpointStatsConsistencyTest {

    @Property(tries = 60)
    void endpointCountersAreInternallyConsistent(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 20) int proxies, @ForAll @IntRange(min = 1, max = 20) int tenants) {
        FleetSimulator fleet = FleetSimulator.create(FleetSpec.of(proxies, 1 + (tenants - 1) % proxies, 100, seed),
                FleetEventsTest.FIXED);

        List<EndpointStats> all = fleet.events().limit(400).filter(EndpointStats.class::isInstance)
                .map(EndpointStats.class::cast).toList();

        assertThat(all).isNotEmpty();
        for (EndpointStats s : all) {
            long count = s.getCount();
            long statusSum = s.getStatusCodes().values().stream().mapToLong(Long::longValue).sum();
            long bucketSum = s.getLatencyBuckets().stream().mapToLong(LatencyBucket::getCount).sum();
            long consumerSum = s.getConsumerCounts().values().stream().mapToLong(Long::longValue).sum();

            assertThat(count).isPositive();
            assertThat(statusSum).isEqualTo(count);
            assertThat(bucketSum + s.getLatencyOverflowCount()).isEqualTo(count);
            assertThat(consumerSum).isEqualTo(count);
            assertThat(s.getLatencyMinMs()).isPositive();
            assertThat(s.getLatencyMinMs() * count).isLessThanOrEqualTo(s.getLatencySumMs());
            assertThat(s.getLatencySumMs()).isLessThanOrEqualTo(s.getLatencyMaxMs() * count);
            assertThat(s.getTotalDurationSumMs()).isGreaterThanOrEqualTo(s.getLatencySumMs());
            assertThat(s.getLatencyBuckets()).extracting(LatencyBucket::getUpperBoundMs).isSorted()
                    .doesNotHaveDuplicates();
            if (s.getLatencyOverflowCount() > 0) {
                assertThat(s.getLatencyMaxMs()).isGreaterThan(lastBound(s));
            } else {
                assertThat(s.getLatencyMaxMs()).isLessThanOrEqualTo(lastBound(s));
            }
            assertThat(s.getWindowStart()).isBefore(s.getWindowEnd());
            assertThat(s.getLastTransactionAt()).isBetween(s.getWindowStart(), s.getWindowEnd());
            assertThat(s.getLastTransactionAt()).isBefore(s.getWindowEnd());
            assertThat(s.getStatusCodes().keySet()).allMatch(code -> code.matches("[1-5]\\d\\d"));
        }
    }

    private static long lastBound(EndpointStats s) {
        return s.getLatencyBuckets().get(s.getLatencyBuckets().size() - 1).getUpperBoundMs();
    }
}
