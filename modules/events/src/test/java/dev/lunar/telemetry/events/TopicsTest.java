package dev.lunar.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void pipelineHasThirteenTopicsAndOnlyTheTenantTableIsCompacted() {
        assertThat(Topics.all()).hasSize(13);
        assertThat(Topics.all()).filteredOn(Topics.Definition::compacted)
                .extracting(Topics.Definition::name).containsExactly("tenants.v1");
        assertThat(Topics.all()).extracting(Topics.Definition::name)
                .contains("proxy.logs.v1", "telemetry.endpoints.v1", "telemetry.dlq.v1", "telemetry.audit.v1")
                .doesNotHaveDuplicates();
    }

    @Test
    void kindsAreFoundByTopicAndId() {
        assertThat(EventKind.ofTopic("proxy.heartbeats.v1")).contains(EventKind.HEARTBEATS);
        assertThat(EventKind.ofTopic("telemetry.policies.v1")).contains(EventKind.POLICIES);
        assertThat(EventKind.ofTopic("tenants.v1")).isEmpty();
        assertThat(EventKind.ofId("endpoints")).contains(EventKind.ENDPOINTS);
    }
}
