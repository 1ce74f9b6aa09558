package dev.lunar.telemetry.datadog;

import dev.lunar.telemetry.consumer.BatchHandler;
import dev.lunar.telemetry.consumer.BatchResult;
import dev.lunar.telemetry.consumer.audit.AuditEntry;
import dev.lunar.telemetry.consumer.audit.AuditTrail;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One kit batch → Datadog requests → one {@link BatchResult}.
 *
 * <p>Each record is mapped ({@link DatadogMapping}), its data goes to the pipeline's account and, when its tenant names
 * one, to the tenant's account too; the entries and series are cut into requests within the documented limits
 * ({@link PayloadBuilder}). Data Datadog would refuse for its age (logs older than 18 h, points older than 1 h or more
 * than 10 min ahead) is counted and reported, not sent. The answers decide the batch:
 * <ol>
 *   <li>the pipeline's key rejected (401/403) → {@link BatchResult#authFailed}: stop loudly, commit nothing;</li>
 *   <li>any 408/429/5xx/no answer → {@link BatchResult#retry} honouring {@code Retry-After}/rate-limit headers (the
 *       requests already accepted are not sent again);</li>
 *   <li>400/413 from the pipeline's account → {@link BatchResult#rejected(String, java.util.Collection)} with the
 *       records of the refused requests as suspects, which the kit isolates and dead-letters;</li>
 *   <li>otherwise accepted.</li>
 * </ol>
 * A tenant's own account that rejects its key or refuses a payload does not hold up everyone else: it is reported
 * (log, health detail, metric) and its copy is not sent; retriable failures are retried like the pipeline's.
 *
 * <p>Audit (P7): each accepted request — by Datadog, the dry-run outbox or DogStatsD — is written to the
 * {@link AuditTrail} (its exact uncompressed body and whose entries it carries) and the write is awaited before the
 * request counts as accepted — and so before the batch is decided and committed; the write starts as soon as the
 * destination accepted the request and runs while the batch's next requests are sent. A write that fails makes the batch retriable, so it is never committed unaudited; the
 * retry does not send the request again, it only writes its audit record again. Only a process that dies between
 * Datadog's acceptance and the audit acknowledgement leaves a request unaudited — its records are not committed, so
 * they are sent again after the restart and that copy is audited.
 */
final class DatadogBatchHandler implements BatchHandler<SpecificRecordBase> {

    private static final Logger log = LoggerFactory.getLogger(DatadogBatchHandler.class);
    static final Duration LOG_MAX_AGE = Duration.ofHours(18);
    static final Duration POINT_MAX_AGE = Duration.ofHours(1);
    static final Duration POINT_MAX_AHEAD = Duration.ofMinutes(10);
    static final String DOGSTATSD = "dogstatsd";

    private final DatadogSettings settings;
    private final Destination primary;
    private final TenantDestinations tenants;
    private final IntakeSender sender;
    private final DogStatsdSender dogStatsd;
    private final PayloadBuilder payloads;
    private final ForwarderMetrics metrics;
    private final Clock clock;
    private final AuditTrail audit;
    private final AcceptedRequests accepted = new AcceptedRequests(4096);
    /** Accepted by Datadog, audit record not yet acknowledged: a retry audits them without sending them again. */
    private final AcceptedRequests acceptedUnaudited = new AcceptedRequests(4096);

    DatadogBatchHandler(DatadogSettings settings, Destination primary, TenantDestinations tenants, IntakeSender sender,
                        DogStatsdSender dogStatsd, PayloadBuilder payloads, ForwarderMetrics metrics, Clock clock,
                        AuditTrail audit) {
        this.settings = settings;
        this.primary = primary;
        this.tenants = tenants;
        this.sender = sender;
        this.dogStatsd = dogStatsd;
        this.payloads = payloads;
        this.metrics = metrics;
        this.clock = clock;
        this.audit = audit;
    }

    /** Maps and serialises one record; the forwarder's consumer calls this as it reads each record. */
    PreparedRecord prepare(SpecificRecordBase record) {
        return PreparedRecord.prepare(record, settings.service(), settings.source(), payloads);
    }

    @Override
    public Mono<BatchResult> handle(List<SpecificRecordBase> batch) {
        List<PreparedRecord> prepared = new ArrayList<>(batch.size());
        for (SpecificRecordBase record : batch) {
            prepared.add(prepare(record));
        }
        return handlePrepared(prepared);
    }

    /** {@link #handle} of records prepared as they were read. */
    Mono<BatchResult> handlePrepared(List<PreparedRecord> batch) {
        List<IntakeRequest> requests = requests(batch);
        // Requests go one after another; the audit write of an accepted one starts at once but is awaited only once
        // every request has an answer, before the batch is decided (so before its commit): writing the trail
        // overlaps the next sends instead of holding them up.
        return Flux.fromIterable(requests)
                .concatMap(this::sendOnce)
                .collectList()
                .flatMap(pending -> Flux.concat(pending).collectList())
                .map(outcomes -> decide(requests, outcomes));
    }

    /** The requests a batch becomes, in order: per destination, logs first, then series. */
    List<IntakeRequest> requests(List<PreparedRecord> batch) {
        long nowMillis = clock.millis();
        Map<Destination, List<PayloadBuilder.Item>> logs = new LinkedHashMap<>();
        Map<Destination, List<PayloadBuilder.Item>> series = new LinkedHashMap<>();
        logs.put(primary, new ArrayList<>());
        series.put(primary, new ArrayList<>());
        for (int i = 0; i < batch.size(); i++) {
            PreparedRecord record = batch.get(i);
            if (record.refused()) {
                log.error("refusing to send a {} to Datadog (DESIGN.md P2/P4)", record.typeName());
                continue;
            }
            record.rethrowFailure();
            // the record's lists are looked up once, not per entry (a destination's hash covers all its fields)
            Destination own = tenants == null ? null : tenants.destinationFor(record.tenantId()).orElse(null);
            List<PayloadBuilder.Item> primaryLogs = logs.get(primary);
            List<PayloadBuilder.Item> ownLogs = null;
            for (PreparedRecord.Encoded entry : record.logEntries()) {
                if (nowMillis - entry.timestamp() > LOG_MAX_AGE.toMillis()) {
                    metrics.notSent("log", "too_old");
                    log.warn("log entry {} is older than {} h and would be dropped by Datadog: not sent",
                            entry.eventId(), LOG_MAX_AGE.toHours());
                    continue;
                }
                PayloadBuilder.Item item = new PayloadBuilder.Item(i, entry);
                primaryLogs.add(item);
                if (own != null) {
                    if (ownLogs == null) {
                        ownLogs = logs.computeIfAbsent(own, k -> new ArrayList<>());
                    }
                    ownLogs.add(item);
                }
            }
            List<PayloadBuilder.Item> primarySeries = series.get(primary);
            List<PayloadBuilder.Item> ownSeries = null;
            for (PreparedRecord.Encoded s : record.series()) {
                long ageSeconds = nowMillis / 1000 - s.timestamp();
                if (ageSeconds > POINT_MAX_AGE.toSeconds()) {
                    metrics.notSent("point", "too_old");
                    continue;
                }
                if (-ageSeconds > POINT_MAX_AHEAD.toSeconds()) {
                    metrics.notSent("point", "too_far_ahead");
                    continue;
                }
                PayloadBuilder.Item item = new PayloadBuilder.Item(i, s);
                primarySeries.add(item);
                if (own != null) {
                    if (ownSeries == null) {
                        ownSeries = series.computeIfAbsent(own, k -> new ArrayList<>());
                    }
                    ownSeries.add(item);
                }
            }
        }
        List<IntakeRequest> requests = new ArrayList<>();
        Set<Destination> all = new LinkedHashSet<>(logs.keySet());
        all.addAll(series.keySet());
        for (Destination d : all) {
            for (PayloadBuilder.Body body : payloads.logs(logs.getOrDefault(d, List.of()))) {
                requests.add(new IntakeRequest(IntakeRequest.LOGS, d, d.logsUrl(), body.json(), body.gzipped(),
                        body.recordIndices(), tenantsOf(batch, body.entryRecords())));
            }
            List<PayloadBuilder.Item> points = series.getOrDefault(d, List.of());
            if (points.isEmpty()) {
                continue;
            }
            if (d.primary() && settings.dogStatsdEnabled()) {
                requests.add(dogStatsdRequest(d, points, batch));
            } else {
                for (PayloadBuilder.Body body : payloads.series(points)) {
                    requests.add(new IntakeRequest(IntakeRequest.SERIES, d, d.seriesUrl(), body.json(), body.gzipped(),
                            body.recordIndices(), tenantsOf(batch, body.entryRecords())));
                }
            }
        }
        return requests;
    }

    private IntakeRequest dogStatsdRequest(Destination d, List<PayloadBuilder.Item> points,
                                           List<PreparedRecord> batch) {
        List<String> lines = new ArrayList<>();
        Set<Integer> indices = new TreeSet<>();
        List<Integer> entryRecords = new ArrayList<>();
        for (PayloadBuilder.Item p : points) {
            lines.add(DatadogMapping.dogStatsdLine(p.json()));
            indices.add(p.recordIndex());
            entryRecords.add(p.recordIndex());
        }
        URI url = URI.create("udp://" + settings.dogStatsdHost() + ":" + settings.dogStatsdPort());
        return new IntakeRequest(DOGSTATSD, d, url, String.join("\n", lines).getBytes(StandardCharsets.UTF_8),
                new byte[0], indices, tenantsOf(batch, entryRecords));
    }

    private static List<String> tenantsOf(List<PreparedRecord> batch, List<Integer> entryRecords) {
        List<String> tenants = new ArrayList<>(entryRecords.size());
        for (int index : entryRecords) {
            String tenant = batch.get(index).tenantId();
            tenants.add(tenant == null ? "" : tenant);
        }
        return tenants;
    }

    /** Sends {@code request} (unless already accepted); completes with its outcome, pending its audit write. */
    private Mono<Mono<IntakeOutcome>> sendOnce(IntakeRequest request) {
        String fingerprint = AcceptedRequests.fingerprint(request);
        if (accepted.contains(fingerprint)) {
            metrics.request(request, "already_accepted");
            return Mono.just(Mono.just(new IntakeOutcome.Accepted()));
        }
        if (acceptedUnaudited.contains(fingerprint)) {
            metrics.request(request, "already_accepted");
            return Mono.just(auditStarted(request, fingerprint));
        }
        Mono<IntakeOutcome> send;
        if (request.api().equals(DOGSTATSD) && dogStatsd != null) {
            send = Mono.fromCallable(() -> {
                dogStatsd.send(List.of(new String(request.body(), StandardCharsets.UTF_8).split("\n")));
                return (IntakeOutcome) new IntakeOutcome.Accepted();
            }).onErrorResume(e -> Mono.just(new IntakeOutcome.Retry("DogStatsD send failed: " + e, Optional.empty())));
        } else {
            send = sender.send(request);
        }
        return send.map(outcome -> {
            metrics.request(request, outcomeName(outcome));
            if (outcome instanceof IntakeOutcome.Accepted) {
                acceptedUnaudited.add(fingerprint);
                return auditStarted(request, fingerprint);
            }
            return Mono.just(outcome);
        });
    }

    /**
     * {@link #audited} started now (the trail writes in the order writes are started, so the chain follows the order
     * of acceptance); the returned Mono completes when it is acknowledged or failed.
     */
    private Mono<IntakeOutcome> auditStarted(IntakeRequest request, String fingerprint) {
        return Mono.fromFuture(audited(request, fingerprint).toFuture());
    }

    /** Accepted once its audit record is acknowledged; retriable (nothing committed) when the write fails. */
    private Mono<IntakeOutcome> audited(IntakeRequest request, String fingerprint) {
        return audit.record(auditEntry(request))
                .map(written -> {
                    accepted.add(fingerprint);
                    acceptedUnaudited.remove(fingerprint);
                    return (IntakeOutcome) new IntakeOutcome.Accepted();
                })
                .onErrorResume(e -> {
                    log.warn("the audit trail did not acknowledge the record of an accepted {}: {}; the batch is"
                            + " not committed and its audit record is written again", request.describe(), e.toString());
                    return Mono.just(new IntakeOutcome.Retry("the audit trail did not acknowledge the record of an"
                            + " accepted " + request.describe() + ": " + e, Optional.empty()));
                });
    }

    private AuditEntry auditEntry(IntakeRequest request) {
        String destination = switch (request.api()) {
            case IntakeRequest.LOGS -> AuditEntry.DATADOG_LOGS;
            case IntakeRequest.SERIES -> AuditEntry.DATADOG_METRICS;
            default -> AuditEntry.DATADOG_DOGSTATSD;
        };
        URI url = request.url();
        String host = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        // a dry run sends nothing: the record says the request went to the outbox, and where it would have gone
        boolean outbox = settings.isDryRun() && !request.api().equals(DOGSTATSD);
        return new AuditEntry(destination, outbox ? "outbox:" + host : host, request.entryTenants(), request.body());
    }

    private BatchResult decide(List<IntakeRequest> requests, List<IntakeOutcome> outcomes) {
        IntakeOutcome.AuthFailed auth = null;
        IntakeRequest authRequest = null;
        IntakeOutcome.Retry retry = null;
        Set<Integer> suspects = new TreeSet<>();
        List<String> rejections = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            IntakeRequest request = requests.get(i);
            IntakeOutcome outcome = outcomes.get(i);
            Destination d = request.destination();
            if (outcome instanceof IntakeOutcome.AuthFailed a) {
                if (d.primary()) {
                    auth = a;
                    authRequest = request;
                } else {
                    tenants.reportProblem(d.tenantId(), "Datadog rejected the tenant's API key from " + d.keySetting()
                            + " (" + a.status() + " from " + d.site() + "): fix that key; its copy of this data is not"
                            + " sent, the pipeline's own account still gets everything");
                }
            } else if (outcome instanceof IntakeOutcome.Retry r) {
                if (retry == null || r.retryAfter().orElse(Duration.ZERO)
                        .compareTo(retry.retryAfter().orElse(Duration.ZERO)) > 0) {
                    retry = r;
                }
            } else if (outcome instanceof IntakeOutcome.Rejected rj) {
                if (d.primary()) {
                    suspects.addAll(request.recordIndices());
                    rejections.add(rj.reason());
                } else {
                    tenants.reportProblem(d.tenantId(), rj.reason() + "; the tenant's copy of "
                            + request.recordIndices().size() + " records was not sent");
                }
            } else if (!d.primary()) {
                tenants.clearProblem(d.tenantId());
            }
        }
        if (auth != null) {
            return BatchResult.authFailed(authMessage(auth, authRequest));
        }
        if (retry != null) {
            return BatchResult.retry(retry.reason(), retry.retryAfter().orElse(null));
        }
        if (!suspects.isEmpty()) {
            return BatchResult.rejected(String.join("; ", rejections), suspects);
        }
        return BatchResult.accepted();
    }

    private String authMessage(IntakeOutcome.AuthFailed auth, IntakeRequest request) {
        String where = settings.baseUrl().map(u -> request.url().toString()).orElse(primary.site());
        return "DD_API_KEY was rejected by " + where + " (" + auth.status() + " from the " + request.api()
                + " intake): check the key and datadog.site (" + primary.site() + "); forwarding is stopped and"
                + " nothing is committed until the key works";
    }

    private static String outcomeName(IntakeOutcome outcome) {
        if (outcome instanceof IntakeOutcome.Accepted) {
            return "accepted";
        }
        if (outcome instanceof IntakeOutcome.Retry) {
            return "retry";
        }
        if (outcome instanceof IntakeOutcome.AuthFailed) {
            return "auth_failed";
        }
        return "rejected";
    }
}
