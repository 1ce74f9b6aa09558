package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** A codec leaving fields unread decodes every other field as the full codec does, and those to their defaults. */
class UnreadFieldsTest {

    @Test
    void unreadFieldsHoldTheirDefaultsAndTheOthersTheirValues() {
        EnrichedLog log = SampleEvents.enrichedLog();
        byte[] bytes = AvroCodec.of(EnrichedLog.class).encode(log);

        EnrichedLog decoded = AvroCodec.of(EnrichedLog.class).leavingUnread(Set.of("redactedPaths", "tags"))
                .decode(bytes);

        assertThat(log.getRedactedPaths()).isNotEmpty();
        assertThat(log.getTags()).isNotEmpty();
        EnrichedLog expected = EnrichedLog.newBuilder(log).setRedactedPaths(List.of()).setTags(Map.of()).build();
        assertThat(decoded).isEqualTo(expected);
    }

    @Test
    void aPolicySnapshotsFilesAreSkipped() {
        EnrichedPolicySnapshot snapshot = SampleEvents.enrichedPolicySnapshot();
        AvroCodec<EnrichedPolicySnapshot> codec = AvroCodec.of(EnrichedPolicySnapshot.class);

        EnrichedPolicySnapshot decoded = codec.leavingUnread(Set.of("files")).decode(codec.encode(snapshot));

        assertThat(snapshot.getFiles()).isNotEmpty();
        assertThat(decoded).isEqualTo(EnrichedPolicySnapshot.newBuilder(snapshot).setFiles(List.of()).build());
    }

    @Test
    void encodingIsUnchangedAndBadBytesAreStillRefused() {
        AvroCodec<EnrichedLog> full = AvroCodec.of(EnrichedLog.class);
        AvroCodec<EnrichedLog> partial = full.leavingUnread(Set.of("tags"));
        byte[] bytes = full.encode(SampleEvents.enrichedLog());

        assertThat(partial.encode(SampleEvents.enrichedLog())).isEqualTo(bytes);
        assertThat(partial.fingerprint()).isEqualTo(full.fingerprint());
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> partial.decode(truncated)).isInstanceOf(BadRecordException.class);
        byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> partial.decode(trailing)).isInstanceOf(BadRecordException.class);
    }

    @Property(tries = 500)
    void anyMutationDecodesOrFailsTyped(@ForAll @IntRange(max = 10_000) int position, @ForAll byte value) {
        AvroCodec<EnrichedPolicySnapshot> codec = AvroCodec.of(EnrichedPolicySnapshot.class);
        byte[] bytes = codec.encode(SampleEvents.enrichedPolicySnapshot());
        bytes[position % bytes.length] = value;
        try {
            codec.leavingUnread(Set.of("redactedPaths", "tags", "files")).decode(bytes);
        } catch (BadRecordException expected) {
            assertThat(expected.reason()).isNotNull();
        }
    }

    @Test
    void aFieldWithoutDefaultOrUnknownIsRefused() {
        AvroCodec<EnrichedLog> codec = AvroCodec.of(EnrichedLog.class);

        assertThatThrownBy(() -> codec.leavingUnread(Set.of("message"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no default");
        assertThatThrownBy(() -> codec.leavingUnread(Set.of("nope"))).isInstanceOf(IllegalArgumentException.class);
    }
}
