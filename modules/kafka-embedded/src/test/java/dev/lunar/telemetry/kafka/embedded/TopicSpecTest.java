package dev.lunar.telemetry.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void compactedSetsCleanupPolicy() {
        assertThat(TopicSpec.compactedTopic("tenants.v1", 6).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(TopicSpec.topic("proxy.logs.v1", 6).configs()).isEmpty();
        assertThat(new TopicSpec("t", 1, true, Map.of("cleanup.policy", "compact,delete")).configs())
                .containsEntry("cleanup.policy", "compact,delete");
    }

    @Test
    void configsAreCopiedAndImmutable() {
        Map<String, String> configs = new HashMap<>(Map.of("retention.ms", "1000"));
        TopicSpec spec = new TopicSpec("t", 1, false, configs);
        configs.put("retention.ms", "2");
        assertThat(spec.configs()).containsEntry("retention.ms", "1000");
        assertThatThrownBy(() -> spec.configs().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(spec.withConfig("segment.ms", "5").configs()).containsEntry("segment.ms", "5").containsEntry("retention.ms", "1000");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> TopicSpec.topic(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> TopicSpec.topic("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.topic("..", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.topic("has space", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.topic("x".repeat(250), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.topic("t", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions");
        assertThatThrownBy(() -> new TopicSpec("t", 1, false, null)).isInstanceOf(NullPointerException.class);
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("retention.ms", null);
        assertThatThrownBy(() -> new TopicSpec("t", 1, false, nullValue)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TopicSpec("t", 1, false, Map.of("cleanup.policy", "compact")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contradicts");
        assertThatThrownBy(() -> new TopicSpec("t", 1, true, Map.of("cleanup.policy", "delete")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contradicts");
        assertThat(TopicSpec.topic("a-legal_name.v1", 249).name()).isEqualTo("a-legal_name.v1");
    }

    @Test
    void uniqueTopicNamesDiffer() {
        assertThat(EmbeddedKafkaBroker.uniqueTopicName("p")).startsWith("p-").isNotEqualTo(EmbeddedKafkaBroker.uniqueTopicName("p"));
        assertThatThrownBy(() -> EmbeddedKafkaBroker.uniqueTopicName("bad prefix")).isInstanceOf(IllegalArgumentException.class);
    }
}
