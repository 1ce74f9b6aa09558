package dev.lunar.telemetry.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.EventKind;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    private final TopicNames topics = new TopicNames("staging.");

    @Test
    void aRawTopicNamesItsKindAndNoOtherTopicNamesAny() {
        for (EventKind kind : EventKind.values()) {
            // a copy, as the consumer hands over: found by its characters, not by identity
            assertThat(topics.kindOfRaw(new String(topics.raw(kind).toCharArray()))).isEqualTo(kind);
            assertThat(topics.kindOfRaw(topics.enriched(kind))).isNull();
            assertThat(topics.kindOfRaw(kind.rawTopic())).as("without the prefix").isNull();
        }
        assertThat(topics.kindOfRaw(topics.deadLetters)).isNull();
        assertThat(topics.kindOfRaw(topics.tenants)).isNull();
    }
}
