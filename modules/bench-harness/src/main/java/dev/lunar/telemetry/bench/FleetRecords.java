package dev.lunar.telemetry.bench;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.proxysim.FleetSimulator;
import dev.lunar.telemetry.proxysim.FleetSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The simulated fleet's traffic as benchmark input ({@code --input fleet}): the first {@code count} events of
 * {@link FleetSimulator#events()} for 60 proxies and 9 tenants (as {@code lunar-telemetry simulate} sends them, planted
 * secrets, individual request lines and debug lines included), keyed by proxy id like the proxies' publisher does.
 *
 * <p>Unlike the bench records, some of these the processor drops whole (P1, P4); what should arrive downstream is
 * found by running the processor's own transform over them once here ({@link EnrichmentPipeline}), so the harness can
 * tell a complete run from an incomplete one.
 */
public final class FleetRecords {

    static final int PROXIES = 60;
    static final int TENANTS = 9;

    private FleetRecords() {}

    /** The first {@code count} events of the fleet seeded with {@code seed}, and what should arrive for them. */
    public static BenchRecords.DataSet generate(int count, long seed) {
        FleetSimulator fleet = FleetSimulator.create(new FleetSpec(PROXIES, TENANTS, 1000, java.util.Optional.empty(),
                seed));
        List<TenantMetadata> tenants = fleet.tenants();
        Map<Class<?>, EventKind> kinds = new HashMap<>();
        Map<EventKind, AvroCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            kinds.put(kind.rawType(), kind);
            codecs.put(kind, BenchRecords.codec(kind.rawType()));
        }
        EnrichmentPipeline pipeline = EnrichmentPipeline.withTenants(ProcessorSettings.builder("127.0.0.1:9").build(),
                tenants, new SimpleMeterRegistry());
        List<BenchRecords.Raw> records = new ArrayList<>(count);
        Map<EventKind, Integer> counts = new EnumMap<>(EventKind.class);
        long bytes = 0;
        long logEntries = 0;
        long points = 0;
        long enriched = 0;
        long datadog = 0;
        Iterator<SpecificRecordBase> events = fleet.events().iterator();
        for (int i = 0; i < count; i++) {
            SpecificRecordBase event = events.next();
            EventKind kind = kinds.get(event.getClass());
            EventHeader header = (EventHeader) event.get("header");
            byte[] value = codecs.get(kind).encode(event);
            bytes += value.length;
            counts.merge(kind, 1, Integer::sum);
            records.add(new BenchRecords.Raw(kind, header.getProxyId().getBytes(StandardCharsets.UTF_8), value,
                    header.getEventId()));
            if (pipeline.apply(kind, value) instanceof EnrichmentResult.Enriched e) {
                enriched++;
                if (kind != EventKind.ENDPOINTS) {
                    datadog++;
                }
                switch (kind) {
                    case LOGS, POLICIES -> logEntries++;
                    case HEARTBEATS -> {
                        logEntries++;
                        points += 3;
                    }
                    case RESOURCES -> points += 4 + 2L * ((EnrichedResourceUsage) e.record()).getProcesses().size();
                    default -> { }
                }
            }
        }
        return new BenchRecords.DataSet(tenants, List.copyOf(records), Map.copyOf(counts), bytes, logEntries, points,
                enriched, datadog);
    }
}
