package dev.lunar.telemetry.processor.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.EnrichmentResult;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.Samples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code redactedPaths} names what was removed, never what it held — also when the removed thing is a map key that
 * itself holds a secret and matches a denylist pattern (found by the end-to-end privacy corpus: the key's text
 * reached the enriched topic inside the removed path).
 */
class RemovedPathsCarryNoSecretTest {

    private final EnrichmentPipeline pipeline = EnrichmentPipeline.withTenants(
            ProcessorSettings.builder("127.0.0.1:9").build(), List.of(), new SimpleMeterRegistry());

    @Test
    void aDenylistedKeyHoldingASecretIsReportedAsTheMarker() {
        String key = "Cookie: session=9f8e7d6c5b4a39281706";
        String yamlKey = "token: ghp_16C7e42F292c6912E7710c838347Ae178B4a";
        Heartbeat raw = Samples.b(Samples.heartbeat("h1", "acme"))
                .setEnvironment(Map.of(key, "x", "TZ", "UTC")).build();
        EnrichmentResult result = pipeline.apply(EventKind.HEARTBEATS, Samples.encode(raw));
        EnrichmentResult policies = pipeline.apply(EventKind.POLICIES, Samples.encode(
                Samples.policies("p1", "acme", "\"" + yamlKey + "\": 1\nok: true\n")));

        for (EnrichmentResult r : List.of(result, policies)) {
            assertThat(r).isInstanceOf(EnrichmentResult.Enriched.class);
            EnrichmentResult.Enriched enriched = (EnrichmentResult.Enriched) r;
            assertThat(enriched.redactedPaths()).anySatisfy(p -> assertThat(p).contains(PrivacyDefaults.MARKER));
            assertThat(String.join(" ", enriched.redactedPaths())).doesNotContain("9f8e7d6c").doesNotContain("ghp_16C7");
            assertThat(new String(enriched.value(), StandardCharsets.UTF_8)).doesNotContain("9f8e7d6c")
                    .doesNotContain("ghp_16C7");
        }
    }
}
