package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.events.BadRecordException.Reason;
import dev.lunar.telemetry.events.avro.Heartbeat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroJsonCodecTest {

    static List<SpecificRecordBase> everyTopicRecordType() {
        return SampleEvents.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTopicRecordType")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void jsonRoundTripsEveryType(SpecificRecordBase record) {
        AvroJsonCodec codec = AvroJsonCodec.of(record.getClass());

        String json = codec.encode(record);

        assertThat(json).doesNotContain("\n");
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(record);
    }

    /** The README's kcat example, verbatim: it must keep working as written. */
    @Test
    void handWrittenHeartbeatFromTheReadmeDecodes() {
        String json = """
                {"header":{"eventId":"hb-kcat-1","tenantId":{"string":"acme"},"proxyId":"proxy-go-1",\
                "proxyVersion":"1.2.0","producedAt":1764151200000},"tags":{},"startedAt":1764147600000,\
                "uptimeSeconds":3600,"restarts":0,"unexpectedRestarts":0,"unexpectedRestartReasons":[],\
                "environment":{"TZ":"UTC"}}""";

        Heartbeat heartbeat = AvroJsonCodec.of(Heartbeat.class).decode(json.getBytes(StandardCharsets.UTF_8));

        assertThat(heartbeat.getHeader().getTenantId()).isEqualTo("acme");
        assertThat(heartbeat.getUptimeSeconds()).isEqualTo(3600);
    }

    @Test
    void missingFieldIsInvalidAndNamesTheField() {
        String json = "{\"header\":{\"tenantId\":null,\"proxyId\":\"p\",\"proxyVersion\":\"1\",\"producedAt\":1}}";

        assertThatThrownBy(() -> AvroJsonCodec.of(Heartbeat.class).decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadRecordException.class)
                .hasMessageContaining("eventId")
                .extracting(e -> ((BadRecordException) e).reason()).isEqualTo(Reason.INVALID);
    }

    @Test
    void notJsonAtAllIsMalformedOrInvalidNeverAnotherException() {
        for (String bad : List.of("not json", "{", "[]", "{\"header\": 42}", "null")) {
            assertThatThrownBy(() -> AvroJsonCodec.of(Heartbeat.class).decode(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad)
                    .isInstanceOf(BadRecordException.class);
        }
    }
}
