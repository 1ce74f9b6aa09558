package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.EnrichedResourceUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The streaming writers send exactly what the tree-building code they replaced sent ({@link LegacyDatadogMapping},
 * {@link LegacyPayloadBuilder}): byte for byte, for random records with awkward content.
 */
class StreamingEquivalenceTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final Instant now = Instant.now();

    private byte[] streamed(JsonWritable value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            value.writeTo(g);
        }
        return out.toByteArray();
    }

    private String legacy(ObjectNode tree) throws IOException {
        return new String(mapper.writeValueAsBytes(tree), java.nio.charset.StandardCharsets.UTF_8);
    }

    private String streamedText(JsonWritable value) throws IOException {
        return new String(streamed(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    private void assertSameMapping(SpecificRecordBase record) throws IOException {
        DatadogMapping.Mapped mapped = DatadogMapping.map(record, "svc", "src");
        LegacyDatadogMapping.Mapped old = LegacyDatadogMapping.map(record, "svc", "src");
        assertThat(mapped.logEntries()).hasSameSizeAs(old.logEntries());
        for (int i = 0; i < old.logEntries().size(); i++) {
            LogEntry entry = mapped.logEntries().get(i);
            ObjectNode tree = old.logEntries().get(i);
            assertThat(streamedText(entry)).isEqualTo(legacy(tree));
            assertThat(entry.timestamp()).isEqualTo(tree.get("timestamp").asLong());
            assertThat(entry.eventId()).isEqualTo(tree.path("event_id").asText());
        }
        assertThat(mapped.series()).hasSameSizeAs(old.series());
        for (int i = 0; i < old.series().size(); i++) {
            Series series = mapped.series().get(i);
            ObjectNode tree = old.series().get(i);
            assertThat(streamedText(series)).isEqualTo(legacy(tree));
            assertThat(series.timestamp()).isEqualTo(LegacyDatadogMapping.timestampOf(tree));
            assertThat(DatadogMapping.dogStatsdLine(series)).isEqualTo(LegacyDatadogMapping.dogStatsdLine(tree));
        }
    }

    @Property(tries = 300)
    void everyEntryAndSeriesIsWrittenByteForByteAsTheTreeWas(@ForAll long seed) throws IOException {
        RandomRecords records = new RandomRecords(seed, now);
        assertSameMapping(records.log());
        assertSameMapping(records.heartbeat());
        assertSameMapping(records.policies());
        assertSameMapping(records.resources());
    }

    @Example
    void theSamplesToo() throws IOException {
        assertSameMapping(Samples.log("e-1", "acme", "upstream timed out"));
        assertSameMapping(Samples.heartbeat("h-1", "acme"));
        assertSameMapping(Samples.policies("p-1", "acme"));
        assertSameMapping(Samples.resources("r-1", "acme", now));
    }

    @Example
    void aCachedTagListFollowsAChangeOfTheTenantsTags() throws IOException {
        EnrichedLog log = Samples.log("e-1", "acme", "m");
        assertSameMapping(log);
        Map<String, String> tags = new HashMap<>(log.getTenant().getTags());
        log.getTenant().setTags(tags);
        tags.put("team", "search");
        assertSameMapping(log);
        tags.put("region", "us-east-1");
        tags.put("secret_name", "x");
        assertSameMapping(log);
        log.getTenant().setKnown(false);
        log.getHeader().setProxyVersion("1.5.0");
        assertSameMapping(log);
    }

    private record Batch(List<PayloadBuilder.Item> items, List<LegacyPayloadBuilder.Item> legacyItems) {}

    private Batch logsBatch(List<SpecificRecordBase> records) {
        List<PayloadBuilder.Item> items = new ArrayList<>();
        List<LegacyPayloadBuilder.Item> legacyItems = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            DatadogMapping.Mapped mapped = DatadogMapping.map(records.get(i), "s", "s");
            LegacyDatadogMapping.Mapped old = LegacyDatadogMapping.map(records.get(i), "s", "s");
            for (LogEntry e : mapped.logEntries()) {
                items.add(new PayloadBuilder.Item(i, e));
            }
            for (ObjectNode e : old.logEntries()) {
                legacyItems.add(new LegacyPayloadBuilder.Item(i, e));
            }
        }
        return new Batch(items, legacyItems);
    }

    private Batch seriesBatch(List<SpecificRecordBase> records) {
        List<PayloadBuilder.Item> items = new ArrayList<>();
        List<LegacyPayloadBuilder.Item> legacyItems = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            DatadogMapping.Mapped mapped = DatadogMapping.map(records.get(i), "s", "s");
            LegacyDatadogMapping.Mapped old = LegacyDatadogMapping.map(records.get(i), "s", "s");
            for (Series s : mapped.series()) {
                items.add(new PayloadBuilder.Item(i, s));
            }
            for (ObjectNode s : old.series()) {
                legacyItems.add(new LegacyPayloadBuilder.Item(i, s));
            }
        }
        return new Batch(items, legacyItems);
    }

    private void assertSameBodies(List<PayloadBuilder.Body> bodies, List<LegacyPayloadBuilder.Body> legacy) {
        assertThat(bodies).hasSameSizeAs(legacy);
        for (int i = 0; i < legacy.size(); i++) {
            assertThat(bodies.get(i).json()).isEqualTo(legacy.get(i).json());
            assertThat(bodies.get(i).recordIndices()).isEqualTo(legacy.get(i).recordIndices());
            assertThat(Gzip.decompress(bodies.get(i).gzipped())).isEqualTo(bodies.get(i).json());
        }
    }

    @Property(tries = 30)
    void requestBodiesAreTheSameBytes(@ForAll long seed) {
        RandomRecords random = new RandomRecords(seed, now);
        List<SpecificRecordBase> records = new ArrayList<>();
        int n = new Random(seed).nextInt(2_500);
        for (int i = 0; i < n; i++) {
            records.add(random.any());
        }
        PayloadBuilder builder = new PayloadBuilder(mapper, () -> { });
        LegacyPayloadBuilder legacy = new LegacyPayloadBuilder(mapper, () -> { });

        Batch logs = logsBatch(records);
        assertSameBodies(builder.logs(logs.items()), legacy.logs(logs.legacyItems()));
        Batch series = seriesBatch(records);
        assertSameBodies(builder.series(series.items()), legacy.series(series.legacyItems()));

        // the same, from records prepared (mapped and serialised) as the forwarder's consumer reads them
        List<PayloadBuilder.Item> preparedLogs = new ArrayList<>();
        List<PayloadBuilder.Item> preparedSeries = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            PreparedRecord p = PreparedRecord.prepare(records.get(i), "s", "s", builder);
            for (PreparedRecord.Encoded e : p.logEntries()) {
                preparedLogs.add(new PayloadBuilder.Item(i, e));
            }
            for (PreparedRecord.Encoded e : p.series()) {
                preparedSeries.add(new PayloadBuilder.Item(i, e));
                assertThat(DatadogMapping.dogStatsdLine(e)).isEqualTo(DatadogMapping.dogStatsdLine(e.series()));
            }
        }
        assertSameBodies(builder.logs(preparedLogs), legacy.logs(logs.legacyItems()));
        assertSameBodies(builder.series(preparedSeries), legacy.series(series.legacyItems()));
    }

    @Example
    void entriesOverOneMegabyteAreCutExactlyAsBefore() {
        EnrichedLog longMessage = Samples.log("big", "acme", "é".repeat(1_500_000));
        EnrichedLog hugeAttributes = Samples.log("attrs", "acme", "m".repeat(10));
        hugeAttributes.setAttributes(Map.of("blob", "x".repeat(1_200_000), "small", "y"));
        EnrichedHeartbeat hugeEnvironment = Samples.heartbeat("env", "acme");
        hugeEnvironment.setEnvironment(Map.of("BLOB", "\"".repeat(600_000)));
        EnrichedPolicySnapshot fine = Samples.policies("p", "acme");
        List<SpecificRecordBase> records = List.of(longMessage, fine, hugeAttributes, hugeEnvironment, fine);
        int[] truncated = {0, 0};
        PayloadBuilder builder = new PayloadBuilder(mapper, () -> truncated[0]++);
        LegacyPayloadBuilder legacy = new LegacyPayloadBuilder(mapper, () -> truncated[1]++);

        Batch logs = logsBatch(records);
        assertSameBodies(builder.logs(logs.items()), legacy.logs(logs.legacyItems()));
        assertThat(truncated[0]).isEqualTo(truncated[1]).isEqualTo(3);
        List<PayloadBuilder.Item> prepared = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            for (PreparedRecord.Encoded e : PreparedRecord.prepare(records.get(i), "s", "s", builder).logEntries()) {
                prepared.add(new PayloadBuilder.Item(i, e));
            }
        }
        assertSameBodies(builder.logs(prepared), legacy.logs(logs.legacyItems()));
    }

    @Example
    void seriesSplitForTheirCompressedSizeStillCarryEverySeriesOnceWithinTheLimits() throws IOException {
        Random random = new Random(7);
        List<PayloadBuilder.Item> items = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 9_000; i++) {
            EnrichedResourceUsage ru = Samples.resources("r-" + i, "t" + random.nextInt(1_000_000), now);
            for (ObjectNode s : DatadogMapping.series(ru)) {
                s.put("metric", s.get("metric").asText() + "." + Long.toHexString(random.nextLong()));
                items.add(new PayloadBuilder.Item(i, s));
                expected.add(legacy(s));
            }
        }

        List<PayloadBuilder.Body> bodies = new PayloadBuilder(mapper, () -> { }).series(items);

        List<String> sent = new ArrayList<>();
        Set<Integer> indices = new TreeSet<>();
        for (PayloadBuilder.Body b : bodies) {
            assertThat(b.gzipped().length).isLessThanOrEqualTo(PayloadBuilder.SERIES_MAX_GZIP_BYTES);
            assertThat(b.json().length).isLessThanOrEqualTo(PayloadBuilder.SERIES_MAX_BODY_BYTES);
            assertThat(Gzip.decompress(b.gzipped())).isEqualTo(b.json());
            for (JsonNode s : mapper.readTree(b.json()).get("series")) {
                sent.add(legacy((ObjectNode) s));
            }
            indices.addAll(b.recordIndices());
        }
        assertThat(bodies).hasSizeGreaterThan(1);
        assertThat(sent).isEqualTo(expected);
        assertThat(indices).hasSize(9_000);
    }
}
