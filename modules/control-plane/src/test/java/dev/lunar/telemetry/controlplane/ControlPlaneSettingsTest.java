package dev.lunar.telemetry.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlPlaneSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ControlPlaneSettings s = ControlPlaneSettings.defaults();

        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8480);
        assertThat(s.dataDir()).isEqualTo(Path.of("data"));
        assertThat(s.jdbcUrl()).isEmpty();
        assertThat(s.effectiveJdbcUrl()).startsWith("jdbc:h2:file:").contains("control-plane");
        assertThat(s.poolSize()).isEqualTo(4);
        assertThat(s.tenantTokens()).isEmpty();
        assertThat(s.maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(s.queryMaxRange()).isEqualTo(Duration.ofDays(31));
        assertThat(s.queryMaxRows()).isEqualTo(10_000);
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void invalidValuesAreRefusedNamingTheKeyAndTheFix() {
        assertThatThrownBy(() -> ControlPlaneSettings.builder().port(70_000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("control-plane.port must be");
        assertThatThrownBy(() -> ControlPlaneSettings.builder().jdbcUrl("jdbc:mysql://x/y").build())
                .hasMessageStartingWith("control-plane.storage.jdbc-url must start with jdbc:postgresql:");
        assertThatThrownBy(() -> ControlPlaneSettings.builder().tenantToken("acme", "short").build())
                .hasMessageStartingWith("control-plane.tenant-tokens.acme must be at least 16 characters");
        assertThatThrownBy(() -> ControlPlaneSettings.builder().tenantToken("acme corp", "0123456789abcdef0").build())
                .hasMessageContaining("control-plane.tenant-tokens.acme corp: the tenant id");
        assertThatThrownBy(() -> ControlPlaneSettings.builder().tenantToken("acme", "sha256:abc").build())
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> ControlPlaneSettings.builder()
                .tenantToken("a", "same-token-for-both-0123").tenantToken("b", "same-token-for-both-0123").build())
                .hasMessageContaining("give each tenant its own token");
        assertThatThrownBy(() -> ControlPlaneSettings.builder().poolSize(0).build())
                .hasMessageStartingWith("control-plane.storage.pool-size");
    }

    @Test
    void toStringShowsNeitherTokensNorThePassword() {
        ControlPlaneSettings s = ControlPlaneSettings.builder().tenantToken("acme", "very-secret-token-0123")
                .jdbcUrl("jdbc:postgresql://127.0.0.1/x").jdbcPassword("hunter2-password").build();

        assertThat(s.toString()).contains("acme").doesNotContain("very-secret-token").doesNotContain("hunter2");
    }
}
