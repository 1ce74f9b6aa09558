package dev.lunar.telemetry.controlplane;

import static dev.lunar.telemetry.controlplane.Batches.batch;
import static dev.lunar.telemetry.controlplane.Batches.ep;
import static dev.lunar.telemetry.controlplane.Batches.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Strict validation: each refusal names the field and says what was expected. */
class BatchParserTest {
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    static ObjectNode valid() {
        return batch("acme", window("acme", T0, List.of(
                ep("api.stripe.com", "GET", "/v1/customers/{id}", 90, 5, 3, 2, 12_000, 900, 193.75),
                ep("api.github.com", "GET", "/repos/{owner}/{repo}", 20, 0, 0, 0, 1_000, 80, null))));
    }

    static AggregateBatch parse(ObjectNode body) {
        return BatchParser.parse(body.toString().getBytes(StandardCharsets.UTF_8), "acme");
    }

    static void assertRefused(Consumer<ObjectNode> change, String field, String messagePart) {
        ObjectNode body = valid();
        change.accept(body);
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(InvalidBodyException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((InvalidBodyException) e).field()).isEqualTo(field));
    }

    static ObjectNode at(ObjectNode body, String pointer) {
        return (ObjectNode) body.at(pointer);
    }

    @Test
    void aValidBatchIsRead() {
        AggregateBatch b = parse(valid());

        assertThat(b.tenant()).isEqualTo("acme");
        assertThat(b.windows()).hasSize(1);
        assertThat(b.windows().get(0).endpoints().get(0).calls()).isEqualTo(100);
        assertThat(b.windows().get(0).endpoints().get(0).latencyP95Ms()).isEqualTo(193.75);
        assertThat(b.windows().get(0).endpoints().get(1).latencyP95Ms()).isNull();
        assertThat(b.windows().get(0).overview().providers()).isEqualTo(2);
    }

    @Test
    void eachRefusalNamesTheField() {
        assertRefused(b -> b.remove("windows"), "windows", "is missing");
        assertRefused(b -> b.put("extra", 1), "extra", "unknown field");
        assertRefused(b -> at(b, "/windows/0").put("windowStart", "10:00"), "windows[0].windowStart", "ISO-8601");
        assertRefused(b -> at(b, "/windows/0").put("windowStart", "2026-01-05T10:00:30Z"), "windows[0].windowStart",
                "multiple of windowLengthMs");
        assertRefused(b -> at(b, "/windows/0").put("windowLengthMs", 10), "windows[0].windowLengthMs",
                "between 1000 and 86400000");
        assertRefused(b -> at(b, "/windows/0/endpoints/0").put("calls", -1), "windows[0].endpoints[0].calls",
                "between 0");
        assertRefused(b -> at(b, "/windows/0/endpoints/0").put("calls", "100"), "windows[0].endpoints[0].calls",
                "whole number");
        assertRefused(b -> at(b, "/windows/0/endpoints/0").put("method", "get"), "windows[0].endpoints[0].method",
                "upper-case");
        assertRefused(b -> at(b, "/windows/0/endpoints/1").put("provider", "api github com"),
                "windows[0].endpoints[1].provider", "host name");
        assertRefused(b -> at(b, "/windows/0/endpoints/0/statusClasses").put("2xx", 99),
                "windows[0].endpoints[0].statusClasses", "more than calls");
        assertRefused(b -> at(b, "/windows/0/endpoints/0/latency").put("p95Ms", 901),
                "windows[0].endpoints[0].latency.p95Ms", "between 0 and maxMs (900)");
        assertRefused(b -> at(b, "/windows/0/endpoints/0").put("idempotencyKey", "x"),
                "windows[0].endpoints[0].idempotencyKey", "acme|2026-01-05T10:00:00Z|60000|api.stripe.com|GET");
        assertRefused(b -> at(b, "/windows/0/overview").put("calls", 121), "windows[0].overview.calls",
                "sum of the endpoints' calls (120)");
        assertRefused(b -> at(b, "/windows/0/overview").put("providers", 1), "windows[0].overview.providers",
                "distinct providers");
        assertRefused(b -> ((com.fasterxml.jackson.databind.node.ArrayNode) b.at("/windows/0/endpoints"))
                .add(b.at("/windows/0/endpoints/0").deepCopy()), "windows[0].endpoints[2]", "appears twice");
    }

    @Test
    void anotherTenantsBatchIsForbiddenBeforeAnythingElseIsChecked() {
        ObjectNode body = valid();
        body.put("tenant", "globex");
        body.put("junk", true);

        assertThatThrownBy(() -> parse(body)).isInstanceOf(BatchParser.ForbiddenTenantException.class)
                .hasMessageContaining("not to globex");
    }

    @Test
    void duplicateJsonKeysAreRefused() {
        String text = "{\"tenant\":\"acme\",\"tenant\":\"acme\",\"windows\":[]}";
        assertThatThrownBy(() -> BatchParser.parse(text.getBytes(StandardCharsets.UTF_8), "acme"))
                .isInstanceOf(InvalidBodyException.class).hasMessageContaining("Duplicate field");
    }
}
