package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one tenant-id rule, with the cases of both former rules (the processor's and the control plane's). */
class TenantIdTest {

    @Test
    void acceptsWhatBothFormerRulesAccepted() {
        assertThat(TenantId.isValid("acme")).isTrue();
        assertThat(TenantId.isValid("org:acme.eu_1-prod")).isTrue(); // processor tenants apply
        assertThat(TenantId.isValid("team@acme")).isTrue(); // control plane and its forwarder
        assertThat(TenantId.isValid("a".repeat(128))).isTrue();
    }

    @Test
    void refusesWhatTheControlPlaneCannotStore() {
        assertThat(TenantId.isValid("a".repeat(129))).as("longer than the VARCHAR(128) column").isFalse();
        assertThat(TenantId.isValid("a".repeat(200))).as("the processor's former limit").isFalse();
        assertThat(TenantId.isValid("")).isFalse();
        assertThat(TenantId.isValid(null)).isFalse();
        assertThat(TenantId.isValid("acme corp")).isFalse();
        assertThat(TenantId.isValid("acme/eu")).isFalse();
    }

    @Test
    void everySiteIsKnownByItsDomainOnly() {
        assertThat(DatadogSite.isDomain("datadoghq.eu")).isTrue();
        assertThat(DatadogSite.isDomain("app.datadoghq.eu")).as("exact domains only").isFalse();
        assertThat(DatadogSite.of("datadog.site", "app.datadoghq.eu")).isEqualTo(DatadogSite.EU1);
        assertThat(DatadogSite.domains()).contains("ddog-gov.com");
    }
}
