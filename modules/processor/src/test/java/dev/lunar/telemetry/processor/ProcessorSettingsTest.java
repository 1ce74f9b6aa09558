package dev.lunar.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lunar.telemetry.processor.privacy.LogLevel;
import dev.lunar.telemetry.processor.tenants.TenantAdmin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorSettingsTest {

    @Test
    void defaultsAreValidAndDocumented() {
        ProcessorSettings s = ProcessorSettings.builder("127.0.0.1:9092").build();
        assertThat(s.maxInFlight()).isEqualTo(4096);
        assertThat(s.delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(s.topic("tenants.v1")).isEqualTo("tenants.v1");
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(s.minLogLevel()).isEqualTo(LogLevel.INFO);
    }

    @Test
    void minLogLevelTakesTheFiveLevelsInAnyCaseAndRefusesOthersNamingTheKeyAndTheValues() {
        assertThat(ProcessorSettings.builder("h:1").minLogLevel(" debug ").build().minLogLevel())
                .isEqualTo(LogLevel.DEBUG);
        assertThat(ProcessorSettings.builder("h:1").minLogLevel("TRACE").build().minLogLevel())
                .isEqualTo(LogLevel.TRACE);
        for (String bad : new String[] {"verbose", "", "WARNING", "2"}) {
            assertThatThrownBy(() -> ProcessorSettings.builder("h:1").minLogLevel(bad).build())
                    .hasMessage("processor.min-log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR (was '"
                            + bad + "')");
        }
        assertThatThrownBy(() -> ProcessorSettings.builder("h:1").minLogLevel((String) null).build())
                .hasMessageStartingWith("processor.min-log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR");
    }

    @Test
    void invalidSettingsNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> ProcessorSettings.builder("").build())
                .hasMessageStartingWith("processor.bootstrap-servers is required");
        assertThatThrownBy(() -> ProcessorSettings.builder("h:1").maxInFlight(0).build())
                .hasMessageStartingWith("processor.max-in-flight");
        assertThatThrownBy(() -> ProcessorSettings.builder("h:1").maxDeferredCommits(10).build())
                .hasMessageStartingWith("processor.max-deferred-commits").hasMessageContaining("raise it");
        assertThatThrownBy(() -> ProcessorSettings.builder("h:1").denylist(List.of("**.ok", "a..b")).build())
                .hasMessageStartingWith("processor.denylist[1]");
        assertThatThrownBy(() -> ProcessorSettings.builder("h:1").redactionPatterns(Map.of("x", "(")).build())
                .hasMessageStartingWith("processor.redaction-patterns");
        assertThatThrownBy(() -> ProcessorSettings.builder("h:1").kafka(Map.of("enable.auto.commit", "true")).build())
                .hasMessageStartingWith("processor.kafka may not set [enable.auto.commit]");
        assertThatThrownBy(() -> ProcessorSettings.builder("h:1").delivery(DeliveryGuarantee.EXACTLY_ONCE)
                .transactionalId(" ").build()).hasMessageStartingWith("processor.transactional-id");
    }

    @Test
    void tenantYamlErrorsSayWhichTenantAndKey() {
        assertThatThrownBy(() -> TenantAdmin.parseYaml("tenants:\n  - {id: a, name: A, plan: gold}\n"))
                .hasMessageContaining("tenants[0].plan 'gold' is not a plan");
        assertThatThrownBy(() -> TenantAdmin.parseYaml("{id: a, name: A, plan: OPEN_SOURCE, githubUsername: x}"))
                .hasMessageContaining("only kept for SANDBOX");
        assertThatThrownBy(() -> TenantAdmin.parseYaml("{id: a, name: A, plan: OPEN_SOURCE, colour: red}"))
                .hasMessageContaining("tenant.colour is not a tenant key");
        assertThatThrownBy(() -> TenantAdmin.parseYaml("{id: a, name: A, plan: SANDBOX, apiKeySha256: [abc]}"))
                .hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> TenantAdmin.parseYaml("id: [")).hasMessageContaining("not valid YAML");
    }
}
