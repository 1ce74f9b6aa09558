package dev.lunar.telemetry.datadog;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * One request to a Datadog intake, ready to send: the uncompressed JSON body (what the dry-run outbox shows), its
 * gzip form (what goes on the wire), and which records of the batch it carries.
 *
 * @param api           {@code logs} or {@code series}
 * @param recordIndices indices into the kit's batch of the records whose data is in this body
 * @param entryTenants  the tenant of each entry of the body, in body order (for the audit trail)
 */
record IntakeRequest(String api, Destination destination, URI url, byte[] body, byte[] gzipped,
                     Set<Integer> recordIndices, List<String> entryTenants) {

    static final String LOGS = "logs";
    static final String SERIES = "series";

    String describe() {
        return api + " request to " + destination.name() + " (" + recordIndices.size() + " records, " + body.length
                + " bytes)";
    }
}
