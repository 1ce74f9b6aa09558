package dev.lunar.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.EnrichedEndpointStats;
import dev.lunar.telemetry.events.avro.EnrichedHeartbeat;
import dev.lunar.telemetry.events.avro.EnrichedLog;
import dev.lunar.telemetry.events.avro.EnrichedPolicySnapshot;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.TenantInfo;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.processor.internal.ProcessorMetrics;
import dev.lunar.telemetry.processor.privacy.LogLevel;
import dev.lunar.telemetry.processor.privacy.PrivacyRules;
import dev.lunar.telemetry.processor.tenants.TenantTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class EnrichmentPipelineTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TenantTable tenants = new TenantTable();
    private final EnrichmentPipeline pipeline = new EnrichmentPipeline(
            ProcessorSettings.builder("127.0.0.1:9").build(), tenants, new ProcessorMetrics(registry),
            Clock.fixed(Instant.parse("2026-11-26T10:00:01Z"), ZoneOffset.UTC));

    private EnrichmentResult.Enriched enrich(EventKind kind, SpecificRecordBase raw) {
        EnrichmentResult result = pipeline.apply(kind, Samples.encode(raw));
        assertThat(result).isInstanceOf(EnrichmentResult.Enriched.class);
        return (EnrichmentResult.Enriched) result;
    }

    private EnrichmentResult.Rejected reject(EventKind kind, byte[] bytes) {
        EnrichmentResult result = pipeline.apply(kind, bytes);
        assertThat(result).isInstanceOf(EnrichmentResult.Rejected.class);
        return (EnrichmentResult.Rejected) result;
    }

    @Test
    void eachKindOfEachPlanIsEnrichedWithItsTenant() {
        for (TenantPlan plan : TenantPlan.values()) {
            String id = "t-" + plan.name().toLowerCase();
            tenants.put(Samples.tenant(id, plan));
            Samples.oneOfEach(id, id).forEach((kind, raw) -> {
                EnrichmentResult.Enriched out = enrich(kind, raw);
                TenantInfo info = (TenantInfo) out.record().get("tenant");
                assertThat(info.getId()).isEqualTo(id);
                assertThat(info.getName()).isEqualTo("Name of " + id);
                assertThat(info.getPlan()).isEqualTo(plan);
                assertThat(info.getKnown()).isTrue();
                assertThat(info.getTags()).containsEntry("team", "payments");
                assertThat(info.getGithubUsername())
                        .isEqualTo(plan == TenantPlan.SANDBOX ? "octocat-" + id : null);
                assertThat(out.record().get("processedAt")).isEqualTo(Instant.parse("2026-11-26T10:00:01Z"));
                assertThat(out.redactedPaths()).isEmpty();
                Object decoded = AvroCodec.of(castType(kind)).decode(out.value());
                assertThat(decoded).isEqualTo(out.record());
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<SpecificRecordBase> castType(EventKind kind) {
        return (Class<SpecificRecordBase>) kind.enrichedType();
    }

    @Test
    void githubUsernameIsKeptForSandboxTenantsOnly() {
        TenantMetadata wrong = Samples.b(Samples.tenant("cp", TenantPlan.CONTROL_PLANE))
                .setGithubUsername("not-for-cp").build();
        tenants.put(wrong);
        EnrichmentResult.Enriched out = enrich(EventKind.LOGS, Samples.log("e1", "cp"));
        assertThat(((TenantInfo) out.record().get("tenant")).getGithubUsername()).isNull();
        assertThat(new String(out.value(), StandardCharsets.ISO_8859_1)).doesNotContain("not-for-cp");
    }

    @Test
    void unknownTenantIsForwardedAsOpenSourceAndCounted() {
        tenants.put(Samples.tenant("known", TenantPlan.CONTROL_PLANE));
        EnrichmentResult.Enriched out = enrich(EventKind.HEARTBEATS, Samples.heartbeat("e1", "stranger"));
        TenantInfo info = ((EnrichedHeartbeat) out.record()).getTenant();
        assertThat(info.getId()).isEqualTo("stranger");
        assertThat(info.getKnown()).isFalse();
        assertThat(info.getPlan()).isEqualTo(TenantPlan.OPEN_SOURCE);
        assertThat(info.getName()).isEmpty();
        assertThat(info.getTags()).isEmpty();
        assertThat(registry.counter("lunar.processor.tenants.unknown", "kind", "heartbeats").count()).isEqualTo(1);
    }

    @Test
    void apiKeyInTagsOrEnvironmentIdentifiesTheTenantAndIsRemoved() {
        tenants.put(Samples.b(Samples.tenant("acme", TenantPlan.SANDBOX))
                .setApiKeySha256(List.of(EnrichmentPipeline.sha256("lk_live_acme_key_1"))).build());
        Heartbeat byEnv = Samples.b(Samples.heartbeat("e1", null))
                .setEnvironment(Map.of("lunar_api_key", "lk_live_acme_key_1", "TZ", "UTC")).build();
        EnrichedHeartbeat out = (EnrichedHeartbeat) enrich(EventKind.HEARTBEATS, byEnv).record();
        assertThat(out.getHeader().getTenantId()).isEqualTo("acme");
        assertThat(out.getTenant().getKnown()).isTrue();
        assertThat(out.getEnvironment()).containsOnlyKeys("TZ");
        assertThat(out.getRedactedPaths()).contains("environment.lunar_api_key");

        EnrichedLog log = (EnrichedLog) enrich(EventKind.LOGS, Samples.b(Samples.log("e2", null))
                .setTags(Map.of("X-Lunar-Api-Key", "lk_live_acme_key_1"))
                .setMessage("started with key lk_live_acme_key_1").build()).record();
        assertThat(log.getTenant().getId()).isEqualTo("acme");
        assertThat(log.getTags()).isEmpty();
        assertThat(log.getMessage()).isEqualTo("started with key [REDACTED]");
    }

    @Test
    void noTenantIdAndNoUsableKeyIsRejectedAsInvalid() {
        EnrichmentResult.Rejected noKey = reject(EventKind.LOGS, Samples.encode(Samples.log("e1", null)));
        assertThat(noKey.stage()).isEqualTo("enrich");
        assertThat(noKey.reason()).isEqualTo("INVALID");

        EnrichmentResult.Rejected unknownKey = reject(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("e2", null))
                .setTags(Map.of("api_key", "lk_live_nobody_has_this")).build()));
        assertThat(unknownKey.reason()).isEqualTo("INVALID");
        assertThat(unknownKey.detail()).doesNotContain("lk_live_nobody_has_this");
    }

    @Test
    void apiKeyClaimedByTwoTenantsIdentifiesNeither() {
        String hash = EnrichmentPipeline.sha256("lk_live_shared_key");
        tenants.put(Samples.b(Samples.tenant("a", TenantPlan.CONTROL_PLANE)).setApiKeySha256(List.of(hash)).build());
        tenants.put(Samples.b(Samples.tenant("b", TenantPlan.CONTROL_PLANE)).setApiKeySha256(List.of(hash)).build());
        reject(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("e1", null))
                .setTags(Map.of("api_key", "lk_live_shared_key")).build()));
        tenants.remove("b");
        assertThat(pipeline.apply(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("e2", null))
                .setTags(Map.of("api_key", "lk_live_shared_key")).build())))
                .isInstanceOfSatisfying(EnrichmentResult.Enriched.class, e -> assertThat(e.tenantId()).isEqualTo("a"));
    }

    @Test
    void badBytesAreRejectedWithTheirReason() {
        byte[] good = Samples.encode(Samples.log("e1", "t"));
        assertThat(reject(EventKind.LOGS, new byte[0]).reason()).isEqualTo("EMPTY");
        assertThat(reject(EventKind.LOGS, null).reason()).isEqualTo("EMPTY");
        assertThat(reject(EventKind.LOGS, "plain text".getBytes(StandardCharsets.UTF_8)).reason())
                .isEqualTo("NOT_SINGLE_OBJECT");
        byte[] unknownFingerprint = good.clone();
        unknownFingerprint[5] ^= 0x5A;
        assertThat(reject(EventKind.LOGS, unknownFingerprint).reason()).isEqualTo("UNKNOWN_FINGERPRINT");
        assertThat(reject(EventKind.LOGS, Samples.encode(Samples.heartbeat("e", "t"))).reason())
                .isEqualTo("WRONG_TYPE");
        assertThat(reject(EventKind.LOGS, Arrays.copyOf(good, good.length - 6)).reason()).isEqualTo("TRUNCATED");
        EnrichmentResult.Rejected noEventId = reject(EventKind.LOGS, Samples.encode(Samples.log("", "t")));
        assertThat(noEventId.reason()).isEqualTo("INVALID");
        assertThat(noEventId.stage()).isEqualTo("validate");
        assertThat(registry.find("lunar.processor.dead.letters").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void fieldsTheEnrichedSchemasHaveNoPlaceForAreDroppedAndListed() {
        EnrichedEndpointStats ep = (EnrichedEndpointStats) enrich(EventKind.ENDPOINTS, Samples.b(Samples.canaryEndpoints("e2"))
                .setHeader(Samples.header("e2", "t")).build()).record();
        assertThat(ep.getRedactedPaths()).contains("url", "consumerCounts");
        assertThat(registry.counter("lunar.processor.fields.removed", "rule", "not-in-enriched-schema").count())
                .isEqualTo(2);
    }

    private EnrichmentResult.Dropped drop(EventKind kind, SpecificRecordBase raw) {
        EnrichmentResult result = pipeline.apply(kind, Samples.encode(raw));
        assertThat(result).isInstanceOf(EnrichmentResult.Dropped.class);
        return (EnrichmentResult.Dropped) result;
    }

    private double dropped(String reason) {
        return registry.counter("lunar.processor.dropped", "kind", "logs", "reason", reason).count();
    }

    @Test
    void aLineThatDescribesOneRequestIsDroppedWholeForEveryPlanAndCounted() {
        for (TenantPlan plan : TenantPlan.values()) {
            tenants.put(Samples.tenant("t-" + plan, plan));
        }
        List<String> tenantIds = List.of("t-OPEN_SOURCE", "t-CONTROL_PLANE", "t-SANDBOX", "stranger");
        int n = 0;
        for (String tenant : tenantIds) {
            // the simulator's shape: access entry, access-log logger and request line at once
            assertThat(drop(EventKind.LOGS, Samples.accessLog("a-" + tenant, tenant)).reason())
                    .isEqualTo("individual-request");
            // each piece of evidence alone is enough
            assertThat(drop(EventKind.LOGS, Samples.b(Samples.log("b-" + tenant, tenant))
                    .setAccess(Samples.accessLog("x", tenant).getAccess()).build()).reason())
                    .isEqualTo("individual-request");
            drop(EventKind.LOGS, Samples.b(Samples.log("c-" + tenant, tenant)).setLogger("nginx.access").build());
            drop(EventKind.LOGS, Samples.b(Samples.log("d-" + tenant, tenant))
                    .setMessage("127.0.0.1 - - [26/Nov/2026:10:00:00 +0000] \"POST /v1/charges HTTP/1.1\" 201 512")
                    .build());
            n += 4;
        }
        // no tenant id, no key: dropped, not dead-lettered with its contents
        drop(EventKind.LOGS, Samples.accessLog("e", null));
        n++;
        assertThat(dropped("individual-request")).isEqualTo(n);
        assertThat(registry.find("lunar.processor.dead.letters").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(registry.counter("lunar.processor.tenants.unknown", "kind", "logs").count()).isZero();
        // the privacy reason wins over the level
        drop(EventKind.LOGS, Samples.b(Samples.accessLog("f", "stranger")).setLevel("DEBUG").build());
        assertThat(dropped("individual-request")).isEqualTo(n + 1);
        assertThat(dropped("log-level")).isZero();
    }

    @Test
    void debugAndTraceLinesAreDroppedByDefaultAndUnreadableLevelsFailClosed() {
        for (String level : List.of("DEBUG", "TRACE", "debug", " Trace ", "FINEST", "verbose", "", "LOUD")) {
            assertThat(drop(EventKind.LOGS, Samples.b(Samples.log("e-" + level, "t")).setLevel(level).build())
                    .reason()).isEqualTo("log-level");
        }
        assertThat(dropped("log-level")).isEqualTo(8);
        for (String level : List.of("INFO", "info", "WARN", "warning", "ERROR", "Fatal", "CRITICAL", "notice")) {
            enrich(EventKind.LOGS, Samples.b(Samples.log("k-" + level, "t")).setLevel(level).build());
        }
        assertThat(dropped("log-level")).isEqualTo(8);
        // other kinds have no level
        enrich(EventKind.HEARTBEATS, Samples.heartbeat("hb", "t"));
    }

    @Test
    void minLogLevelKeepsWhatItNames() {
        EnrichmentPipeline debug = pipelineWith(LogLevel.DEBUG);
        assertThat(debug.apply(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("d", "t")).setLevel("DEBUG")
                .build()))).isInstanceOf(EnrichmentResult.Enriched.class);
        assertThat(debug.apply(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("t", "t")).setLevel("TRACE")
                .build()))).isInstanceOf(EnrichmentResult.Dropped.class);
        EnrichmentPipeline trace = pipelineWith(LogLevel.TRACE);
        for (String level : List.of("TRACE", "DEBUG", "LOUD")) {
            assertThat(trace.apply(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("t", "t")).setLevel(level)
                    .build()))).isInstanceOf(EnrichmentResult.Enriched.class);
        }
        // a lower level never lets a request line through
        assertThat(trace.apply(EventKind.LOGS, Samples.encode(Samples.accessLog("a", "t"))))
                .isInstanceOf(EnrichmentResult.Dropped.class);
        EnrichmentPipeline error = pipelineWith(LogLevel.ERROR);
        assertThat(error.apply(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("w", "t")).setLevel("WARN")
                .build()))).isInstanceOf(EnrichmentResult.Dropped.class);
        assertThat(error.apply(EventKind.LOGS, Samples.encode(Samples.b(Samples.log("e", "t")).setLevel("ERROR")
                .build()))).isInstanceOf(EnrichmentResult.Enriched.class);
    }

    private EnrichmentPipeline pipelineWith(LogLevel minimum) {
        return new EnrichmentPipeline(ProcessorSettings.builder("127.0.0.1:9").minLogLevel(minimum).build(), tenants,
                new ProcessorMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    }

    @Test
    void policiesYamlIsScrubbedAndReEmittedAndUnparseableFilesAreEmptied() {
        EnrichedPolicySnapshot out = (EnrichedPolicySnapshot) enrich(EventKind.POLICIES, Samples.b(Samples.canaryPolicies("p1"))
                .setHeader(Samples.header("p1", "t")).build()).record();
        String yaml = out.getFiles().get(0).getContent();
        assertThat(yaml).contains("global:", "upstream: \"https://[REDACTED]@vault/x\"", "name: retry",
                "note: \"contact [REDACTED]\"").doesNotContain("api_key", "canary", "token");
        assertThat(out.getFiles().get(1).getContent()).isEmpty();
        assertThat(out.getRedactedPaths()).contains("files[0].content.global.api_key",
                "files[0].content.endpoints[0].remedies[0].config.auth.token", "files[1].content");
        assertThat(registry.counter("lunar.processor.config.unparseable").count()).isEqualTo(1);
    }

    @Test
    void tenantDenylistAddsToTheDefaults() {
        tenants.put(Samples.b(Samples.tenant("picky", TenantPlan.CONTROL_PLANE))
                .setDenylist(List.of("**.customer_id", "proxyLog.attributes.*internal*")).build());
        EnrichedLog log = (EnrichedLog) enrich(EventKind.LOGS, Samples.b(Samples.log("e1", "picky"))
                .setAttributes(Map.of("customer_id", "c-1", "my-INTERNAL-note", "x", "remedy", "retry")).build())
                .record();
        assertThat(log.getAttributes()).containsOnlyKeys("remedy");
        assertThat(log.getRedactedPaths()).containsExactlyInAnyOrder("attributes.customer_id",
                "attributes.my-INTERNAL-note");
        EnrichedLog other = (EnrichedLog) enrich(EventKind.LOGS, Samples.b(Samples.log("e2", "someone-else"))
                .setAttributes(Map.of("customer_id", "c-1")).build()).record();
        assertThat(other.getAttributes()).containsOnlyKeys("customer_id");
        assertThat(registry.counter("lunar.processor.fields.removed", "rule", "**.customer_id").count()).isEqualTo(1);
    }

    @Test
    void plansAreCompiledOncePerKindAndPatternSet() {
        PrivacyRules rules = pipeline.rules();
        assertThat(rules.plan(EventKind.LOGS, List.of())).isSameAs(rules.plan(EventKind.LOGS, List.of()));
        assertThat(rules.plan(EventKind.LOGS, List.of("**.x"))).isSameAs(rules.plan(EventKind.LOGS, List.of("**.x")))
                .isNotSameAs(rules.plan(EventKind.LOGS, List.of()));
    }

    @Test
    void plantedCanariesAppearNowhereInTheEnrichedBytes() {
        tenants.put(Samples.canaryTenant());
        Samples.canaries("c").forEach((kind, raw) -> {
            EnrichmentResult.Enriched out = enrich(kind, raw);
            assertThat(out.tenantId()).isEqualTo("canary-tenant");
            String bytes = new String(out.value(), StandardCharsets.ISO_8859_1);
            for (String canary : Samples.CANARIES) {
                assertThat(bytes).as("%s in enriched %s", canary, kind).doesNotContain(canary);
            }
            assertThat(out.redactedPaths()).isNotEmpty().allSatisfy(path -> Samples.CANARIES
                    .forEach(canary -> assertThat(path).doesNotContain(canary)));
        });
    }
}
