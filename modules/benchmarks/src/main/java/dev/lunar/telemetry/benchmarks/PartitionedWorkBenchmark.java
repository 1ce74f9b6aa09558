package dev.lunar.telemetry.benchmarks;

import dev.lunar.telemetry.kafka.runtime.KafkaRuntime;
import dev.lunar.telemetry.kafka.runtime.PartitionedWork;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * What {@link PartitionedWork} itself costs per record: a backlog of records over the processor's 30 partitions,
 * each worked on by a function that only burns {@code workTokens} of CPU, on a pool of two workers (the processor's
 * default on two cores). Records/s; the hand-over to the pool and back is what is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PartitionedWorkBenchmark {

    static final int RECORDS = 100_000;
    static final int PARTITIONS = 30;

    /** CPU burnt per record by the work function ({@link Blackhole#consumeCPU}). */
    @Param({"0"})
    public int workTokens;

    private Scheduler workers;
    private TopicPartition[] partitions;

    @Setup
    public void setUp() {
        workers = KafkaRuntime.workers("bench-work", 2);
        partitions = new TopicPartition[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            partitions[p] = new TopicPartition("proxy.logs.v1", p);
        }
    }

    @TearDown
    public void tearDown() {
        workers.dispose();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long backlog() {
        long tokens = workTokens;
        return PartitionedWork.inOrderPerPartition(Flux.range(0, RECORDS), i -> partitions[i % PARTITIONS],
                i -> {
                    Blackhole.consumeCPU(tokens);
                    return i;
                }, workers, 65_536, 4_096, PartitionedWork.Pauser.NONE).count().block();
    }
}
