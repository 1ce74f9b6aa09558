package dev.lunar.telemetry.consumer;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantPlan;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Enriched log records for kit tests; the message carries the record number. */
final class TestRecords {
    static final AvroCodec<EnrichedLog> CODEC = AvroCodec.of(EnrichedLog.class);
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private TestRecords() {}

    static EnrichedLog log(int n, String message) {
        return EnrichedLog.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId("e-" + n).setTenantId("acme").setProxyId("proxy-" + (n % 3))
                        .setProxyVersion("1.4.2").setProducedAt(T0).build())
                .setTenant(TenantInfo.newBuilder().setId("acme").setName("Acme").setPlan(TenantPlan.CONTROL_PLANE)
                        .setKnown(true).build())
                .setProcessedAt(T0).setTimestamp(T0).setLevel("INFO").setLogger("engine").setMessage(message)
                .setAttributes(Map.of()).build();
    }

    static EnrichedLog log(int n) {
        return log(n, "line " + n);
    }

    static byte[] encoded(int n) {
        return CODEC.encode(log(n));
    }

    static byte[] key(int n) {
        return ("proxy-" + (n % 3)).getBytes(StandardCharsets.UTF_8);
    }

    static int number(EnrichedLog log) {
        return Integer.parseInt(log.getHeader().getEventId().substring(2));
    }
}
