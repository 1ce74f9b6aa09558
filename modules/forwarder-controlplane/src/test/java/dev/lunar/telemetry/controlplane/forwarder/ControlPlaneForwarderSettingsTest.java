package dev.lunar.telemetry.controlplane.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlPlaneForwarderSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ControlPlaneForwarderSettings s = ControlPlaneForwarderSettings.defaults();

        assertThat(s.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.allowedLateness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.correctionHorizon()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.idleTick()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.topEndpoints()).isEqualTo(5);
        assertThat(s.controlPlaneUrl()).isEqualTo(URI.create("http://127.0.0.1:8480"));
        assertThat(s.tenantTokens()).isEmpty();
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxEndpointsPerRequest()).isEqualTo(1000);
        assertThat(s.topic()).isEqualTo("telemetry.endpoints.v1");
        assertThat(s.groupId()).isEqualTo("control-plane-forwarder");
        assertThat(s.deadLetterTopic()).isEqualTo("telemetry.dlq.v1");
        assertThat(s.batchMaxRecords()).isEqualTo(500);
        assertThat(s.batchMaxWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.maxHeldRecords()).isEqualTo(200_000);
        assertThat(s.retryInitialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.authRetryInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder().window(Duration.ofMillis(500)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("control-plane-forwarder.window must be a duration from 1s to 1d (was 500ms)");
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder().allowedLateness(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("control-plane-forwarder.allowed-lateness must be a duration from 0s to 1d (was -1s)");
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder().controlPlaneUrl(URI.create("ftp://x")).build())
                .hasMessageStartingWith("control-plane-forwarder.url must be http(s)://host:port");
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder().tenantToken("acme", " x ").build())
                .hasMessageStartingWith("control-plane-forwarder.tenant-tokens.acme must be");
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder().idleTick(Duration.ofMinutes(5)).build())
                .hasMessageStartingWith("control-plane-forwarder.idle-tick must not be longer than control-plane-forwarder.window");
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder().topic("no spaces allowed").build())
                .hasMessageStartingWith("control-plane-forwarder.topic must be a Kafka topic name");
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder().maxHeldRecords(0).build())
                .hasMessageStartingWith("control-plane-forwarder.max-held-records must be a whole number from 1 to 10000000 (was 0)");
        assertThatThrownBy(() -> ControlPlaneForwarderSettings.builder()
                .retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("control-plane-forwarder.retry.max-backoff (PT1S) must not be shorter");
    }

    @Test
    void toStringHidesTokens() {
        assertThat(ControlPlaneForwarderSettings.builder().tenantToken("acme", "secret-token-123456").build()
                .toString()).contains("acme").doesNotContain("secret-token");
    }
}
