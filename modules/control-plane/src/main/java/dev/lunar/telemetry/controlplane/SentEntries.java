package dev.lunar.telemetry.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lunar.telemetry.consumer.audit.AuditChain;
import dev.lunar.telemetry.events.avro.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Cuts one audit record into what concerns each of its tenants: the entries of the body (log entries, series,
 * control-plane windows, DogStatsD lines) whose tenant, by the record's {@code entryTenants}, is that tenant — never
 * another tenant's entries of a shared body. A plain function.
 */
final class SentEntries {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One tenant's share of one accepted request. */
    record Share(String tenantId, String chainId, long sequence, long recordedAtMs, String destination,
                 String destinationHost, String bodySha256, int bodyEntries, int entries, String entriesJson) {}

    private SentEntries() {}

    /** One share per tenant of the record, in tenant order; a body that cannot be cut yields shares without entries. */
    static List<Share> shares(AuditRecord record) {
        List<String> entryTenants = record.getEntryTenants();
        List<JsonNode> entries = entries(record, entryTenants.size());
        List<Share> shares = new ArrayList<>();
        for (String tenant : new LinkedHashSet<>(record.getTenantIds())) {
            ArrayNode own = JsonNodeFactory.instance.arrayNode();
            int count = 0;
            for (int i = 0; i < entryTenants.size(); i++) {
                if (entryTenants.get(i).equals(tenant)) {
                    count++;
                    if (entries != null) {
                        own.add(entries.get(i));
                    }
                }
            }
            shares.add(new Share(tenant, record.getChainId(), record.getSequence(),
                    record.getRecordedAt().toEpochMilli(), record.getDestination(), record.getDestinationHost(),
                    record.getBodySha256(), record.getEntryCount(), count, own.toString()));
        }
        return shares;
    }

    /**
     * The body's entries in order: a JSON array (Logs API), {@code {"series": [...]}} (Metrics API),
     * {@code {"windows": [...]}} (control plane), or text lines (DogStatsD); null when the body does not have exactly
     * {@code expected} entries — then no entry is shown rather than a wrong one.
     */
    static List<JsonNode> entries(AuditRecord record, int expected) {
        byte[] body = AuditChain.body(record);
        List<JsonNode> entries = new ArrayList<>();
        try {
            JsonNode root = MAPPER.readTree(body);
            JsonNode list = root == null ? null
                    : root.isArray() ? root
                    : root.has("series") ? root.get("series")
                    : root.get("windows");
            if (list == null || !list.isArray()) {
                return null;
            }
            list.forEach(entries::add);
        } catch (IOException e) {
            String text = new String(body, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                entries.add(JsonNodeFactory.instance.textNode(line));
            }
        }
        return entries.size() == expected ? entries : null;
    }
}
