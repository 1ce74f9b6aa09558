package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecRoundTripTest {

    static List<SpecificRecordBase> everyTopicRecordType() {
        return SampleEvents.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTopicRecordType")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void recordSurvivesEncodeAndDecode(SpecificRecordBase record) {
        AvroCodec codec = AvroCodec.of(record.getClass());

        byte[] bytes = codec.encode(record);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(AvroCodec.readFingerprint(bytes)).isEqualTo(codec.fingerprint());
        assertThat(codec.decode(bytes)).isEqualTo(record);
    }

    @Test
    void samplesCoverEveryTopicRecordType() {
        assertThat(SampleEvents.all().stream().map(Object::getClass).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(SchemaCatalog.TOPIC_RECORD_TYPES);
    }

    @Test
    void encodingReusesNothingBetweenCalls() {
        AvroCodec<dev.lunar.telemetry.events.avro.Heartbeat> codec =
                AvroCodec.of(dev.lunar.telemetry.events.avro.Heartbeat.class);
        byte[] first = codec.encode(SampleEvents.heartbeat());
        byte[] firstCopy = first.clone();

        codec.encode(dev.lunar.telemetry.events.avro.Heartbeat.newBuilder(SampleEvents.heartbeat()).setUptimeSeconds(1).build());

        assertThat(first).isEqualTo(firstCopy);
    }

    @Test
    void singleObjectEncodingMatchesAvrosOwnEncoder() throws Exception {
        var heartbeat = SampleEvents.heartbeat();

        byte[] ours = AvroCodec.of(dev.lunar.telemetry.events.avro.Heartbeat.class).encode(heartbeat);
        byte[] avros = heartbeat.toByteBuffer().array();

        assertThat(ours).isEqualTo(avros);
    }
}
