package dev.lunar.telemetry.proxysim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lunar.telemetry.events.AvroCodec;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.PolicySnapshot;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.proxysim.Canaries.Canary;
import dev.lunar.telemetry.proxysim.Canaries.Category;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** The simulated fleet and its event sequence, without Kafka. */
class FleetEventsTest {

    static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-26T10:00:00.123Z"), ZoneOffset.UTC);

    static FleetSimulator fleet(int proxies, int tenants, long seed) {
        return FleetSimulator.create(FleetSpec.of(proxies, tenants, 100, seed), FIXED);
    }

    @SuppressWarnings("unchecked")
    static byte[] encode(SpecificRecordBase event) {
        EventKind kind = EventKind.values()[0];
        for (EventKind k : EventKind.values()) {
            if (k.rawType() == event.getClass()) {
                kind = k;
            }
        }
        return ((AvroCodec<SpecificRecordBase>) AvroCodec.of(kind.rawType())).encode(event);
    }

    @Test
    void theSameSeedGivesTheSameFleetAndTheSameEventsByteForByte() {
        FleetSimulator a = fleet(8, 4, 42);
        FleetSimulator b = fleet(8, 4, 42);

        List<SpecificRecordBase> eventsA = a.events().limit(2_000).toList();
        List<SpecificRecordBase> eventsB = b.events().limit(2_000).toList();

        assertThat(eventsA).isEqualTo(eventsB);
        for (int i = 0; i < eventsA.size(); i++) {
            assertThat(encode(eventsA.get(i))).isEqualTo(encode(eventsB.get(i)));
        }
        assertThat(a.tenants()).isEqualTo(b.tenants());
        assertThat(a.proxies()).isEqualTo(b.proxies());
        assertThat(a.canaries().all()).isEqualTo(b.canaries().all());
        assertThat(a.events().limit(50).toList()).as("events() starts afresh").isEqualTo(eventsA.subList(0, 50));
    }

    @Test
    void anotherSeedGivesAnotherFleet() {
        FleetSimulator a = fleet(8, 4, 42);
        FleetSimulator b = fleet(8, 4, 43);

        assertThat(a.canaries().values()).doesNotContainAnyElementsOf(b.canaries().values());
        assertThat(a.proxies()).isNotEqualTo(b.proxies());
        assertThat(a.events().limit(100).toList()).isNotEqualTo(b.events().limit(100).toList());
    }

    @Test
    void trafficCoversAllFiveKindsAndTenantsAllThreePlans() {
        FleetSimulator fleet = fleet(12, 5, 7);

        Map<Class<?>, Long> kinds = fleet.events().limit(1_000)
                .collect(Collectors.groupingBy(Object::getClass, Collectors.counting()));

        assertThat(kinds.keySet()).containsExactlyInAnyOrderElementsOf(
                EnumSet.allOf(EventKind.class).stream().map(EventKind::rawType).toList());
        assertThat(kinds.get(ProxyLog.class)).isGreaterThan(kinds.get(PolicySnapshot.class));
        assertThat(fleet.tenants()).extracting(TenantMetadata::getPlan)
                .contains(TenantPlan.OPEN_SOURCE, TenantPlan.CONTROL_PLANE, TenantPlan.SANDBOX);
        assertThat(fleet.proxies()).extracting(ProxyIdentity::proxyId).doesNotHaveDuplicates().hasSize(12);
    }

    @Test
    void tenantsCarryTheHashOfTheKeyTheirProxiesSendAndOnlySandboxesAGithubUser() {
        FleetSimulator fleet = fleet(9, 3, 11);
        Map<String, TenantMetadata> byHash = fleet.tenants().stream()
                .collect(Collectors.toMap(t -> t.getApiKeySha256().get(0), Function.identity()));

        for (TenantMetadata tenant : fleet.tenants()) {
            assertThat(tenant.getGithubUsername() != null).isEqualTo(tenant.getPlan() == TenantPlan.SANDBOX);
            assertThat(tenant.getApiKeySha256()).singleElement().asString().matches("[0-9a-f]{64}");
        }
        for (ProxyIdentity proxy : fleet.proxies()) {
            TenantMetadata tenant = byHash.get(Fleet.sha256(proxy.apiKey().orElseThrow()));
            assertThat(tenant).as("tenant of %s", proxy.proxyId()).isNotNull();
            proxy.tenantId().ifPresent(id -> assertThat(id).isEqualTo(tenant.getId()));
        }
        assertThat(fleet.proxies()).as("some proxies name their tenant, others only send its key")
                .anyMatch(p -> p.tenantId().isPresent()).anyMatch(p -> p.tenantId().isEmpty());
        assertThat(fleet.canaries().of(Category.TENANT_API_KEY)).extracting(c -> Fleet.sha256(c.value()))
                .containsExactlyInAnyOrderElementsOf(byHash.keySet());
    }

    @Test
    void everyCanaryIsPlantedWithinEachProxysStartUpBurst() {
        FleetSimulator fleet = fleet(7, 3, 5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        fleet.events().limit(7L * FleetTraffic.BURST_LENGTH).map(FleetEventsTest::encode).forEach(bytes::writeBytes);

        Canaries canaries = fleet.canaries();

        assertThat(canaries.categories()).isEqualTo(EnumSet.allOf(Category.class));
        assertThat(canaries.size()).isEqualTo(3 * Category.values().length);
        assertThat(canaries.values()).hasSize(canaries.size());
        assertThat(canaries.foundIn(bytes.toByteArray())).containsExactlyInAnyOrderElementsOf(canaries.all());
    }

    @Test
    void secretsSitWhereRealProxiesLeakThem() {
        FleetSimulator fleet = fleet(1, 1, 3);
        Canaries canaries = fleet.canaries();
        List<SpecificRecordBase> burst = fleet.events().limit(FleetTraffic.BURST_LENGTH).toList();

        Heartbeat heartbeat = (Heartbeat) burst.get(0);
        ProxyLog access = (ProxyLog) burst.get(3);
        assertThat(heartbeat.getEnvironment()).containsKeys("STRIPE_SECRET_KEY", "AWS_SECRET_ACCESS_KEY",
                "GITHUB_TOKEN", "DATABASE_URL", "LUNAR_HUB_TOKEN", "TZ");
        assertThat(access.getAccess().getRequestHeaders()).containsEntry("Authorization",
                "Bearer " + canaries.of(Category.AUTHORIZATION_HEADER).get(0).value()).containsKey("Cookie");
        assertThat(access.getAccess().getUrl()).contains(":" + canaries.of(Category.URL_PASSWORD).get(0).value() + "@");
        assertThat(access.getTags()).containsEntry(ProxyIdentity.API_KEY_TAG,
                canaries.of(Category.TENANT_API_KEY).get(0).value());
        assertThat(canaries.of(Category.STRIPE_SECRET_KEY).get(0).value()).startsWith("sk_live_");
        assertThat(canaries.of(Category.AWS_ACCESS_KEY_ID).get(0).value()).matches("AKIA[A-Z0-9]{16}");
        assertThat(canaries.of(Category.GITHUB_TOKEN).get(0).value()).matches("ghp_[A-Za-z0-9]{36}");
        assertThat(canaries.of(Category.JWT).get(0).value()).matches("eyJ[\\w-]+\\.eyJ[\\w-]+\\.[\\w-]+");
        assertThat(canaries.of(Category.EMAIL).get(0).value()).matches("[a-z]+\\.[a-z]+\\d\\d@[a-z-]+\\.com");
        assertThat(canaries.all()).extracting(Canary::toString).noneMatch(s -> canaries.foundIn(s).size() > 0);
    }

    @Test
    void policiesYamlIsValidYamlHoldingCredentials() throws Exception {
        FleetSimulator fleet = fleet(3, 3, 9);
        PolicySnapshot snapshot = (PolicySnapshot) fleet.events().filter(PolicySnapshot.class::isInstance)
                .findFirst().orElseThrow();
        String yaml = snapshot.getFiles().get(0).getContent();

        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);

        assertThat(snapshot.getFiles().get(0).getFileName()).isEqualTo("policies.yaml");
        assertThat(root.at("/exporters/s3/aws_access_key_id").asText()).startsWith("AKIA");
        assertThat(root.at("/exporters/datadog/api_key").asText()).matches("[0-9a-f]{32}");
        assertThat(root.at("/accounts/github-bot/tokens/0/header/value").asText()).startsWith("Bearer ");
        assertThat(root.at("/endpoints/2/remedies/0/config/basic_auth/password").asText()).hasSize(18);
        assertThat(fleet.canaries().foundIn(yaml)).extracting(Canary::category).containsExactlyInAnyOrder(
                Category.AWS_ACCESS_KEY_ID, Category.AWS_SECRET_ACCESS_KEY, Category.BEARER_TOKEN,
                Category.POLICIES_PASSWORD, Category.DATADOG_API_KEY);
    }

    @Test
    void impossibleFleetsAreRejectedWithTheFix() {
        assertThatThrownBy(() -> FleetSpec.of(2, 5, 10, 1)).hasMessage(
                "tenants is 5 for 2 proxies: use 1 to 2, so that every tenant has at least one proxy sending its data");
        assertThatThrownBy(() -> FleetSpec.of(0, 1, 10, 1)).hasMessageContaining("simulate 1 to 100000 proxies");
        assertThatThrownBy(() -> FleetSpec.of(1, 1, 0, 1)).hasMessageContaining("use more than 0");
        assertThatThrownBy(() -> new FleetSpec(1, 1, 10, Optional.of(Duration.ZERO), 1))
                .hasMessageContaining("use a positive duration");
        assertThat(Set.of(FleetSpec.of(1, 1, 10, 1).withDuration(Duration.ofSeconds(3)).duration()))
                .containsExactly(Optional.of(Duration.ofSeconds(3)));
    }
}
