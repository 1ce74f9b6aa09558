package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.BadRecordException.Reason;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.ProxyLog;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Bad bytes raise exactly one typed, descriptive exception: never an NPE, an OOM or a hang. */
class BadBytesTest {

    private final AvroCodec<Heartbeat> heartbeats = AvroCodec.of(Heartbeat.class);

    private Reason reasonFor(byte[] bytes) {
        return catchThrowableOfType(BadRecordException.class, () -> heartbeats.decode(bytes)).reason();
    }

    @Test
    void nullAndEmptyValuesAreEmpty() {
        assertThat(reasonFor(null)).isEqualTo(Reason.EMPTY);
        assertThat(reasonFor(new byte[0])).isEqualTo(Reason.EMPTY);
    }

    @Test
    void jsonTextIsNotSingleObjectEncoding() {
        byte[] json = "{\"eventId\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> heartbeats.decode(json))
                .isInstanceOf(BadRecordException.class)
                .hasMessageContaining("not Avro single-object encoded")
                .hasMessageContaining("7B22");
    }

    @Test
    void headerWithoutBodyOrTooShortIsNotSingleObject() {
        assertThat(reasonFor(new byte[] {(byte) 0xC3, 0x01, 1, 2})).isEqualTo(Reason.NOT_SINGLE_OBJECT);
    }

    @Test
    void truncatedBodyIsTruncated() {
        byte[] full = heartbeats.encode(SampleEvents.heartbeat());

        assertThat(reasonFor(Arrays.copyOf(full, full.length - 5))).isEqualTo(Reason.TRUNCATED);
        assertThat(reasonFor(Arrays.copyOf(full, AvroCodec.HEADER_LENGTH))).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void unknownFingerprintNamesTheFingerprint() {
        byte[] bytes = heartbeats.encode(SampleEvents.heartbeat());
        bytes[2] ^= 0x5A;
        long fp = AvroCodec.readFingerprint(bytes);

        assertThatThrownBy(() -> heartbeats.decode(bytes))
                .isInstanceOf(BadRecordException.class)
                .hasMessageContaining(String.format("%016x", fp))
                .extracting(e -> ((BadRecordException) e).reason()).isEqualTo(Reason.UNKNOWN_FINGERPRINT);
    }

    @Test
    void recordOfAnotherTypeIsWrongType() {
        byte[] log = AvroCodec.of(ProxyLog.class).encode(SampleEvents.proxyLog());

        assertThatThrownBy(() -> heartbeats.decode(log))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("record was written as ProxyLog, expected Heartbeat");
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] full = heartbeats.encode(SampleEvents.heartbeat());

        assertThat(reasonFor(Arrays.copyOf(full, full.length + 3))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void hugeClaimedLengthsFailWithoutAllocating() {
        byte[] header = AvroCodec.headerFor(heartbeats.fingerprint());
        // eventId string claiming 2^62 bytes, as a zig-zag varint
        byte[] bytes = Arrays.copyOf(header, header.length + 10);
        Arrays.fill(bytes, header.length, bytes.length - 1, (byte) 0xFE);
        bytes[bytes.length - 1] = 0x7F;

        assertThat(reasonFor(bytes)).isIn(Reason.MALFORMED, Reason.TRUNCATED);
    }

    @Property(tries = 2000)
    void anyBodyAfterAValidHeaderDecodesOrFailsTyped(@ForAll("bodies") byte[] body) {
        byte[] header = AvroCodec.headerFor(heartbeats.fingerprint());
        byte[] bytes = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, bytes, header.length, body.length);
        try {
            heartbeats.decode(bytes);
        } catch (BadRecordException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void anyMutationOfAGoodRecordDecodesOrFailsTyped(@ForAll("positions") int position, @ForAll byte value) {
        byte[] bytes = heartbeats.encode(SampleEvents.heartbeat());
        bytes[position % bytes.length] = value;
        try {
            heartbeats.decode(bytes);
        } catch (BadRecordException expected) {
            assertThat(expected.reason()).isNotNull();
        }
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 10_000);
    }
}
