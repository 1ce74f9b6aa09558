package dev.lunar.telemetry.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lunar.telemetry.datadog.intake.IntakeContract;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PayloadBuilderTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger truncated = new AtomicInteger();
    private final PayloadBuilder builder = new PayloadBuilder(mapper, truncated::incrementAndGet);

    private List<PayloadBuilder.Item> logs(int n, int messageChars) {
        List<PayloadBuilder.Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(new PayloadBuilder.Item(i, DatadogMapping.logEntry(Samples.log("e-" + i, "acme",
                    "m".repeat(messageChars)), "s", "s")));
        }
        return items;
    }

    @Test
    void logsRequestsHoldAtMostAThousandEntriesAndEveryEntryOnce() throws Exception {
        List<PayloadBuilder.Body> bodies = builder.logs(logs(2_345, 10));

        assertThat(bodies).extracting(b -> mapper.readTree(b.json()).size()).containsExactly(1000, 1000, 345);
        assertThat(bodies).allSatisfy(b -> {
            assertThat(IntakeContract.validateLogs(b.json())).isEmpty();
            assertThat(Gzip.decompress(b.gzipped())).isEqualTo(b.json());
        });
        assertThat(bodies.stream().mapToInt(b -> b.recordIndices().size()).sum()).isEqualTo(2_345);
    }

    @Test
    void logsRequestsStayUnderFiveMegabytesUncompressed() {
        List<PayloadBuilder.Body> bodies = builder.logs(logs(60, 200_000));

        assertThat(bodies).hasSizeGreaterThan(2).allSatisfy(b -> {
            assertThat(b.json().length).isLessThanOrEqualTo(PayloadBuilder.LOGS_MAX_BODY_BYTES);
            assertThat(IntakeContract.validateLogs(b.json())).isEmpty();
        });
        assertThat(bodies.stream().mapToInt(b -> b.recordIndices().size()).sum()).isEqualTo(60);
    }

    @Test
    void anEntryOverOneMegabyteIsTruncatedAndMarkedNeverDropped() throws Exception {
        ObjectNode huge = DatadogMapping.logEntry(Samples.log("big", "acme", "é".repeat(1_500_000)), "s", "s");

        List<PayloadBuilder.Body> bodies = builder.logs(List.of(new PayloadBuilder.Item(0, huge)));

        JsonNode entry = mapper.readTree(bodies.get(0).json()).get(0);
        assertThat(bodies.get(0).json().length).isLessThanOrEqualTo(PayloadBuilder.LOGS_MAX_ENTRY_BYTES + 2);
        assertThat(entry.get("truncated").asBoolean()).isTrue();
        assertThat(entry.get("original_message_bytes").asInt()).isEqualTo(3_000_000);
        assertThat(entry.get("message").asText()).startsWith("éééé").endsWith(PayloadBuilder.TRUNCATION_MARK)
                .hasSizeGreaterThan(400_000);
        assertThat(entry.get("event_id").asText()).isEqualTo("big");
        assertThat(truncated).hasValue(1);
    }

    @Test
    void seriesRequestsStayUnder512000BytesCompressedAnd5242880Uncompressed() {
        Random random = new Random(42);
        List<PayloadBuilder.Item> items = new ArrayList<>();
        for (int i = 0; i < 9_000; i++) {
            for (ObjectNode s : DatadogMapping.series(Samples.resources("r-" + i, "t" + random.nextInt(1_000_000),
                    Instant.now()))) {
                s.put("metric", s.get("metric").asText() + "." + Long.toHexString(random.nextLong()));
                items.add(new PayloadBuilder.Item(i, s));
            }
        }

        List<PayloadBuilder.Body> bodies = builder.series(items);

        assertThat(bodies).hasSizeGreaterThan(2).allSatisfy(b -> {
            assertThat(b.gzipped().length).isLessThanOrEqualTo(PayloadBuilder.SERIES_MAX_GZIP_BYTES);
            assertThat(b.json().length).isLessThanOrEqualTo(PayloadBuilder.SERIES_MAX_BODY_BYTES);
            assertThat(IntakeContract.validateSeries(b.json())).isEmpty();
        });
        int seriesCount = 0;
        for (PayloadBuilder.Body b : bodies) {
            seriesCount += new String(b.json(), StandardCharsets.UTF_8).split("\"metric\"").length - 1;
        }
        assertThat(seriesCount).isEqualTo(items.size());
    }
}
