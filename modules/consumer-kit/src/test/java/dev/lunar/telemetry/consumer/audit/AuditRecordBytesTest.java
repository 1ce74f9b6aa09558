package dev.lunar.telemetry.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The audit record's bytes with the body appended are the codec's bytes, for every body length's encoding. */
class AuditRecordBytesTest {

    private static final AvroCodec<AuditRecord> CODEC = AvroCodec.of(AuditRecord.class);

    @Test
    void equalTheCodecsEncoding() {
        SplittableRandom random = new SplittableRandom(7);
        int[] lengths = {0, 1, 63, 64, 65, 127, 128, 8191, 8192, 100_000, 1_048_575, 1_048_576, 3_000_001};
        for (int length : lengths) {
            byte[] body = new byte[length];
            random.nextBytes(body);
            List<String> entryTenants = new ArrayList<>();
            for (int e = 0, n = random.nextInt(0, 50); e < n; e++) {
                entryTenants.add("tenant-" + random.nextInt(5) + (random.nextInt(9) == 0 ? "-é✓" : ""));
            }
            AuditEntry entry = new AuditEntry(AuditEntry.DATADOG_LOGS, "127.0.0.1:" + length, entryTenants, body);
            AuditRecord record = AuditChain.next("chain-" + length, length, AuditChain.GENESIS,
                    Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)), entry);

            byte[] bytes = AuditRecordBytes.of(record);

            assertThat(bytes).as("body of %d bytes", length).isEqualTo(CODEC.encode(record));
            assertThat(CODEC.decode(bytes)).isEqualTo(record);
        }
    }
}
