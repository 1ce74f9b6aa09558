package dev.lunar.telemetry.controlplane.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The aggregates body, byte for byte: its keys come from {@link ControlPlaneField}, the control plane reads them. */
class AggregateWireTest {

    @Test
    void writesWireFormatV1ByteForByte() {
        Instant start = Instant.parse("2026-01-05T10:00:00Z");
        Duration length = Duration.ofMinutes(1);
        EndpointKey charges = new EndpointKey("api.stripe.com", "GET", "/v1/charges");
        EndpointKey refunds = new EndpointKey("api.stripe.com", "POST", "/v1/refunds");
        EndpointAggregate a = new EndpointAggregate("acme", start, length, charges, 4, 100,
                new StatusClasses(90, 5, 3, 2), 12000, 900, OptionalDouble.of(193.75));
        EndpointAggregate b = new EndpointAggregate("acme", start, length, refunds, 1, 1,
                new StatusClasses(1, 0, 0, 0), 10, 10, OptionalDouble.empty());
        WindowOverview overview = new WindowOverview("acme", start, length, 7, 101, 5, 1,
                List.of(new WindowOverview.TopEndpoint(charges, 100, 5)));

        String body = new String(AggregateWire.encode("acme",
                List.of(new WindowAggregate("acme", start, length, 0, List.of(a, b), overview))), StandardCharsets.UTF_8);

        assertThat(body).isEqualTo("{\"tenant\":\"acme\",\"windows\":[{\"windowStart\":\"2026-01-05T10:00:00Z\","
                + "\"windowLengthMs\":60000,\"idempotencyKey\":\"acme|2026-01-05T10:00:00Z|60000\",\"sourceEvents\":7,"
                + "\"overview\":{\"calls\":101,\"errors\":5,\"providers\":1,\"topEndpoints\":[{\"provider\":"
                + "\"api.stripe.com\",\"method\":\"GET\",\"pathTemplate\":\"/v1/charges\",\"calls\":100,\"errors\":5}]},"
                + "\"endpoints\":[{\"idempotencyKey\":\"acme|2026-01-05T10:00:00Z|60000|api.stripe.com|GET /v1/charges\","
                + "\"provider\":\"api.stripe.com\",\"method\":\"GET\",\"pathTemplate\":\"/v1/charges\",\"sourceEvents\":4,"
                + "\"calls\":100,\"errors\":5,\"statusClasses\":{\"2xx\":90,\"3xx\":5,\"4xx\":3,\"5xx\":2},"
                + "\"latency\":{\"sumMs\":12000,\"maxMs\":900,\"p95Ms\":193.75}},"
                + "{\"idempotencyKey\":\"acme|2026-01-05T10:00:00Z|60000|api.stripe.com|POST /v1/refunds\","
                + "\"provider\":\"api.stripe.com\",\"method\":\"POST\",\"pathTemplate\":\"/v1/refunds\",\"sourceEvents\":1,"
                + "\"calls\":1,\"errors\":0,\"statusClasses\":{\"2xx\":1,\"3xx\":0,\"4xx\":0,\"5xx\":0},"
                + "\"latency\":{\"sumMs\":10,\"maxMs\":10,\"p95Ms\":null}}]}]}");
    }
}
