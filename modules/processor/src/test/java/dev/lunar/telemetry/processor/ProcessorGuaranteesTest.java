package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.kafka.embedded.KafkaBroker;
import dev.lunar.telemetry.kafka.embedded.junit.KafkaBrokerExtension;
import dev.lunar.telemetry.kafka.runtime.guarantees.GuaranteeSuite;
import dev.lunar.telemetry.processor.tenants.TenantAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The runtime's guarantee suite against the processor, in both delivery modes: three instances, a member added,
 * a rolling restart and a member killed mid-stream, partitions completing out of order.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ProcessorGuaranteesTest {

    private static final AvroCodec<EnrichedLog> LOGS = AvroCodec.of(EnrichedLog.class);

    @Test
    void atLeastOnceKeepsPerKeyOrderAndLosesNothing(KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "guarantees-alo")) {
            new GuaranteeSuite(1200, 12).run(new ProcessorTarget(fx, fx.settings().concurrency(3).build()),
                    GuaranteeSuite.atLeastOnce(), GuaranteeSuite.perKeyOrder());
        }
    }

    @Test
    void exactlyOnceWritesEachInputOnceWithoutPerInstanceSettings(KafkaBroker kafka) {
        try (KafkaFixture fx = new KafkaFixture(kafka, "guarantees-eos")) {
            // no processor.transactional-id: scaling 1 -> 3 -> 2 with derived ids, fenced by the group
            new GuaranteeSuite(1200, 12).run(new ProcessorTarget(fx, fx.settings().concurrency(3)
                            .delivery(DeliveryGuarantee.EXACTLY_ONCE).transactionBatchSize(50).build()),
                    GuaranteeSuite.exactlyOnce(), GuaranteeSuite.perKeyOrder());
        }
    }

    /** The processor as a suite target: raw logs in, enriched logs (read_committed) observed. */
    private static final class ProcessorTarget implements GuaranteeSuite.Target {
        private final KafkaFixture fx;
        private final ProcessorSettings settings;

        ProcessorTarget(KafkaFixture fx, ProcessorSettings settings) {
            this.fx = fx;
            this.settings = settings;
            try (TenantAdmin admin = TenantAdmin.connect(settings)) {
                admin.put(Samples.tenant("acme", TenantPlan.CONTROL_PLANE));
            }
        }

        @Override
        public String name() {
            return "processor (" + settings.delivery() + ")";
        }

        @Override
        public String bootstrapServers() {
            return fx.kafka.bootstrapServers();
        }

        @Override
        public String inputTopic() {
            return fx.topics.raw(EventKind.LOGS);
        }

        @Override
        public String groupId() {
            return settings.groupId();
        }

        @Override
        public byte[] encode(String key, String id) {
            return Samples.encode(Samples.log(id, "acme"));
        }

        @Override
        public GuaranteeSuite.Member start() {
            TelemetryProcessor processor = TelemetryProcessor.start(settings, new SimpleMeterRegistry());
            processor.ready().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
            return new GuaranteeSuite.Member() {
                @Override
                public void close() {
                    processor.close();
                }

                @Override
                public void kill() {
                    processor.halt();
                }
            };
        }

        @Override
        public List<String> observed() {
            return fx.readAll(fx.topics.enriched(EventKind.LOGS)).stream()
                    .map(r -> LOGS.decode(r.value()).getHeader().getEventId()).toList();
        }
    }
}
