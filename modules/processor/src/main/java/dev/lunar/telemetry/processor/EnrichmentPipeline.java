package dev.lunar.telemetry.processor;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.AvroJsonCodec;
import dev.lunar.telemetry.events.BadRecordException;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EventHeader;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.processor.internal.ProcessorMetrics;
import dev.lunar.telemetry.processor.privacy.DenylistPlan;
import dev.lunar.telemetry.processor.privacy.EnrichedShape;
import dev.lunar.telemetry.processor.privacy.IndividualRequestRule;
import dev.lunar.telemetry.processor.privacy.LogLevel;
import dev.lunar.telemetry.processor.privacy.PrivacyRules;
import dev.lunar.telemetry.processor.privacy.ScrubBudget;
import dev.lunar.telemetry.processor.privacy.ScrubReport;
import dev.lunar.telemetry.processor.tenants.KnownTenant;
import dev.lunar.telemetry.processor.tenants.TenantTable;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The processor's business logic as a plain function: raw bytes of one event in, an enriched record (or a reason
 * to dead-letter it, or to drop it whole) out. No Kafka; the stream around it is {@link TelemetryProcessor}.
 *
 * <ol>
 *   <li><b>decode</b> the Avro single-object bytes (any kept writer version); unreadable → rejected with the
 *       {@link BadRecordException.Reason};</li>
 *   <li><b>drop</b> log lines that must not go on at all, whole and counted, before any other work: a line that
 *       describes one request ({@link IndividualRequestRule}, P1) and a line below {@code processor.min-log-level}
 *       (P4). Nothing of them is written anywhere, not even to the dead-letter topic, and their tenant is not looked
 *       up (an access-log line without a tenant is dropped too, not dead-lettered with its contents);</li>
 *   <li><b>validate</b>: an event id and a proxy id are required;</li>
 *   <li><b>identify the tenant</b>: by {@code header.tenantId}; else by an API key in the tags or environment
 *       variables named in the settings, hashed with SHA-256 and matched against the tenants' {@code apiKeySha256}.
 *       An id not in the table gives {@code known=false}, plan OPEN_SOURCE, no name, no tags — never another
 *       tenant's data. Neither an id nor a key that identifies a tenant → rejected ({@code INVALID});</li>
 *   <li><b>scrub</b> with the {@link DenylistPlan} of (kind × tenant patterns): denylisted fields and entries
 *       removed, free text redacted (the API key itself too, wherever it appears), configuration files re-emitted
 *       as scrubbed YAML;</li>
 *   <li><b>map</b> to the enriched record ({@link EnrichedShape}): what the enriched schema has no place for is
 *       dropped; tenant, removed paths and processing time added; {@code githubUsername} only for SANDBOX (P5).</li>
 * </ol>
 *
 * Thread-safe. Decoders, plans and encoders are reused, nothing reflective runs per record.
 */
public final class EnrichmentPipeline {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EnrichmentPipeline.class);

    public static final String STAGE_DECODE = "decode";
    static final String STAGE_VALIDATE = "validate";
    static final String STAGE_ENRICH = "enrich";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    });

    private final PrivacyRules rules;
    private final TenantTable tenants;
    private final ProcessorMetrics metrics;
    private final Clock clock;
    private final LogLevel minLogLevel;
    private final java.time.Duration scrubBudget;
    /** Compared ignoring case without lower-casing every tag and variable name of every record. */
    private final Set<String> apiKeyTags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    private final Set<String> apiKeyEnvironment = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<EventKind, AvroCodec<SpecificRecordBase>> rawCodecs = new EnumMap<>(EventKind.class);
    private final Map<EventKind, AvroCodec<SpecificRecordBase>> enrichedCodecs = new EnumMap<>(EventKind.class);
    private final Map<EventKind, AvroJsonCodec<SpecificRecordBase>> rawJsonCodecs = new EnumMap<>(EventKind.class);

    public EnrichmentPipeline(ProcessorSettings settings, TenantTable tenants, ProcessorMetrics metrics, Clock clock) {
        this.rules = PrivacyRules.of(settings);
        this.tenants = tenants;
        this.metrics = metrics;
        this.clock = clock;
        this.minLogLevel = settings.minLogLevel();
        this.scrubBudget = settings.scrubBudget();
        settings.apiKeyTags().forEach(t -> apiKeyTags.add(t.toLowerCase(Locale.ROOT)));
        settings.apiKeyEnvironment().forEach(e -> apiKeyEnvironment.add(e.toLowerCase(Locale.ROOT)));
        for (EventKind kind : EventKind.values()) {
            rawCodecs.put(kind, codec(kind.rawType()));
            rawJsonCodecs.put(kind, jsonCodec(kind.rawType()));
            enrichedCodecs.put(kind, codec(kind.enrichedType()));
            rules.plan(kind, List.of()); // compile the base plans up front
        }
    }

    /**
     * A pipeline over a fixed set of tenants, for benchmarks and tools (the running processor follows
     * {@code tenants.v1} instead).
     */
    public static EnrichmentPipeline withTenants(ProcessorSettings settings, Collection<TenantMetadata> tenants,
                                                 MeterRegistry registry) {
        TenantTable table = new TenantTable();
        tenants.forEach(table::put);
        return new EnrichmentPipeline(settings, table, new ProcessorMetrics(registry), Clock.systemUTC());
    }

    @SuppressWarnings("unchecked")
    private static AvroJsonCodec<SpecificRecordBase> jsonCodec(Class<? extends SpecificRecordBase> type) {
        return AvroJsonCodec.of((Class<SpecificRecordBase>) type);
    }

    @SuppressWarnings("unchecked")
    private static AvroCodec<SpecificRecordBase> codec(Class<? extends SpecificRecordBase> type) {
        return AvroCodec.of((Class<SpecificRecordBase>) type);
    }

    /** Enriches one raw record of {@code kind}; never throws for bad input. */
    public EnrichmentResult apply(EventKind kind, byte[] rawValue) {
        return apply(kind, rawValue, false);
    }

    /**
     * Enriches one raw record of {@code kind} written in Avro binary or, when {@code json}, in Avro's JSON encoding
     * (records marked {@code content-type: application/json}); never throws for bad input.
     */
    public EnrichmentResult apply(EventKind kind, byte[] rawValue, boolean json) {
        SpecificRecordBase raw;
        try {
            raw = json ? rawJsonCodecs.get(kind).decode(rawValue) : rawCodecs.get(kind).decode(rawValue);
        } catch (BadRecordException e) {
            return reject(kind, STAGE_DECODE, e.reason().name(), e.getMessage());
        }
        try {
            EnrichmentResult dropped = kind == EventKind.LOGS ? dropIfUnwanted((ProxyLog) raw) : null;
            if (dropped != null) {
                return dropped;
            }
            return enrich(kind, raw);
        } catch (ScrubBudget.Exceeded e) {
            // Fail closed: half-scrubbed content is never forwarded, and the dead letter carries none of it either.
            metrics.deadLettered(kind, EnrichmentResult.Rejected.SCRUB_BUDGET);
            return new EnrichmentResult.Rejected(kind, STAGE_ENRICH, EnrichmentResult.Rejected.SCRUB_BUDGET,
                    e.getMessage() + "; dead-lettered without its content", true);
        } catch (RuntimeException e) {
            // A bug or an exotic value. The exception's message could quote the record, so only its type and where
            // it was thrown are logged.
            log.error("enriching a {} record failed with {} at {}; dead-lettering it", kind.id(),
                    e.getClass().getName(), e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            return reject(kind, STAGE_ENRICH, BadRecordException.Reason.INVALID.name(),
                    e.getClass().getSimpleName() + " while enriching; see the processor's log for the stack trace");
        }
    }

    /** P1 then P4: the privacy reason wins when both apply. */
    private EnrichmentResult dropIfUnwanted(ProxyLog log) {
        String reason = null;
        if (IndividualRequestRule.describesOneRequest(log)) {
            reason = ProcessorMetrics.DROPPED_INDIVIDUAL_REQUEST;
        } else if (!LogLevel.ofLine(log.getLevel()).atLeast(minLogLevel)) {
            reason = ProcessorMetrics.DROPPED_LOG_LEVEL;
        }
        if (reason == null) {
            return null;
        }
        metrics.dropped(EventKind.LOGS, reason);
        return new EnrichmentResult.Dropped(EventKind.LOGS, reason);
    }

    private EnrichmentResult enrich(EventKind kind, SpecificRecordBase raw) {
        EnrichedShape shape = EnrichedShape.of(kind);
        EventHeader header = (EventHeader) raw.get(shape.headerPos);
        if (header == null || isBlank(header.getEventId()) || isBlank(header.getProxyId())) {
            return reject(kind, STAGE_VALIDATE, BadRecordException.Reason.INVALID.name(),
                    "the event header needs an eventId and a proxyId");
        }
        List<String> apiKeys = apiKeys(raw, shape);
        String tenantId = header.getTenantId();
        KnownTenant tenant;
        TenantInfo info;
        if (!isBlank(tenantId)) {
            tenant = tenants.byId(tenantId).orElse(null);
            info = tenant != null ? tenant.info() : unknownTenant(tenantId);
        } else {
            if (apiKeys.isEmpty()) {
                return reject(kind, STAGE_ENRICH, BadRecordException.Reason.INVALID.name(),
                        "no header.tenantId and no API key in the tags " + apiKeyTags
                                + " or environment variables " + apiKeyEnvironment);
            }
            tenant = null;
            for (String key : apiKeys) {
                Optional<KnownTenant> byKey = tenants.byApiKeySha256(sha256(key));
                if (byKey.isPresent()) {
                    tenant = byKey.get();
                    break;
                }
            }
            if (tenant == null) {
                return reject(kind, STAGE_ENRICH, BadRecordException.Reason.INVALID.name(),
                        "no header.tenantId, and the API key found identifies no tenant in tenants.v1");
            }
            info = tenant.info();
        }

        ScrubReport report = new ScrubReport(apiKeys, ScrubBudget.startingNow(scrubBudget));
        shape.reportDropped(raw, report);
        rules.plan(kind, tenant == null ? List.of() : tenant.denylist()).apply(raw, report);

        header.setTenantId(info.getId());
        SpecificRecordBase enriched = shape.copyToEnriched(raw);
        enriched.put(shape.tenantPos, info);
        enriched.put(shape.redactedPathsPos, List.copyOf(report.paths()));
        enriched.put(shape.processedAtPos, clock.instant());
        byte[] value = enrichedCodecs.get(kind).encode(enriched);

        metrics.scrubbed(report);
        if (!info.getKnown()) {
            metrics.unknownTenant(kind);
        }
        return new EnrichmentResult.Enriched(kind, enriched, value, info.getId(), info.getKnown(), report.paths());
    }

    private List<String> apiKeys(SpecificRecordBase raw, EnrichedShape shape) {
        List<String> keys = new ArrayList<>(1);
        collect((Map<?, ?>) raw.get(shape.tagsPos), apiKeyTags, keys);
        if (shape.environmentPos >= 0) {
            collect((Map<?, ?>) raw.get(shape.environmentPos), apiKeyEnvironment, keys);
        }
        return keys;
    }

    private static void collect(Map<?, ?> map, Set<String> names, List<String> into) {
        if (map == null || map.isEmpty()) {
            return;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object value = entry.getValue();
            if (value != null && names.contains(entry.getKey().toString())) {
                String key = value.toString().trim();
                if (!key.isEmpty() && !into.contains(key)) {
                    into.add(key);
                }
            }
        }
    }

    static TenantInfo unknownTenant(String tenantId) {
        return TenantInfo.newBuilder().setId(tenantId).setName("").setPlan(TenantPlan.OPEN_SOURCE)
                .setGithubUsername(null).setTags(Map.of()).setKnown(false).build();
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes, as stored in {@code TenantMetadata.apiKeySha256}. */
    public static String sha256(String apiKey) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HexFormat.of().formatHex(digest.digest(apiKey.getBytes(StandardCharsets.UTF_8)));
    }

    private EnrichmentResult reject(EventKind kind, String stage, String reason, String detail) {
        metrics.deadLettered(kind, reason);
        return new EnrichmentResult.Rejected(kind, stage, reason, detail);
    }

    private static boolean isBlank(CharSequence text) {
        return text == null || text.toString().isBlank();
    }

    public PrivacyRules rules() {
        return rules;
    }
}
