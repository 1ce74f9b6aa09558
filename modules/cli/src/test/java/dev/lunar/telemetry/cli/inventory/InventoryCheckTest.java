package dev.lunar.telemetry.cli.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.datadog.DatadogField;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.events.inventory.OutgoingField;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The checker that holds real payloads against the inventory: it must notice a key, a tag or a plan it lacks. */
class InventoryCheckTest {

    private static final Map<String, Predicate<String>> TENANT_TAGS = Map.of("tenant tag",
            Set.of("team", "region")::contains);
    private static final InventoryCheck CHECK = InventoryCheck.ofTheCode(TENANT_TAGS);

    /** A Logs API v2 body as DatadogMapping writes it for a proxy log. */
    private static final String LOG_BODY = "[{\"ddsource\":\"lunar-proxy\",\"service\":\"lunar-proxy\","
            + "\"hostname\":\"proxy-1\",\"ddtags\":\"tenant:acme_corp,tenant_id:acme,plan:sandbox,proxy_id:proxy-1,"
            + "proxy_version:1.4.2,team:payments\",\"timestamp\":1767607200000,\"event_id\":\"e-1\","
            + "\"proxy\":{\"id\":\"proxy-1\",\"version\":\"1.4.2\"},\"tenant\":{\"id\":\"acme\",\"name\":\"Acme Corp\","
            + "\"plan\":\"SANDBOX\",\"known\":true},\"status\":\"info\",\"message\":\"hello\",\"logger\":\"lunar\","
            + "\"attributes\":{\"component\":\"router\"}%s}]";

    private static final String SERIES_BODY = "{\"series\":[{\"metric\":\"%s\",\"type\":3,\"unit\":\"percent\","
            + "\"points\":[{\"timestamp\":1767607200,\"value\":12.5}],\"resources\":[{\"name\":\"proxy-1\","
            + "\"type\":\"host\"}],\"tags\":[\"tenant:acme_corp\",\"tenant_id:acme\",\"plan:open_source\",%s]}]}";

    private static final String AGGREGATES_BODY = "{\"tenant\":\"acme\",\"windows\":[{\"windowStart\":"
            + "\"2026-01-05T10:00:00Z\",\"windowLengthMs\":60000,\"idempotencyKey\":\"k\",\"sourceEvents\":1,"
            + "\"overview\":{\"calls\":1,\"errors\":0,\"providers\":1,\"topEndpoints\":[]},\"endpoints\":[{"
            + "\"idempotencyKey\":\"k2\",\"provider\":\"api.stripe.com\",\"method\":\"GET\",\"pathTemplate\":\"/v1\","
            + "\"sourceEvents\":1,\"calls\":1,\"errors\":0,\"statusClasses\":{\"2xx\":1,\"3xx\":0,\"4xx\":0,"
            + "\"5xx\":0},\"latency\":{\"sumMs\":5,\"maxMs\":5,\"p95Ms\":null}%s}]}]}";

    @Test
    void listedPayloadsHaveNoProblems() {
        assertThat(CHECK.problems(SentKeys.ofLogsBody(LOG_BODY.formatted("")))).isEmpty();
        assertThat(CHECK.problems(SentKeys.ofSeriesBody(SERIES_BODY.formatted("lunar.proxy.cpu.percent",
                "\"region:eu\"")))).isEmpty();
        assertThat(CHECK.problems(SentKeys.ofDogStatsdLines("lunar.proxy.disk.writes:10|c|#tenant:acme,"
                + "plan:control_plane,process:engine,host:proxy-1|T1767607200"))).isEmpty();
        assertThat(CHECK.problems(SentKeys.ofAggregatesBody(AGGREGATES_BODY.formatted(""),
                t -> TenantPlan.CONTROL_PLANE))).isEmpty();
    }

    @Test
    void aNewKeyInALogEntryIsReported() {
        List<String> problems = CHECK.problems(SentKeys.ofLogsBody(LOG_BODY.formatted(
                ",\"github_username\":\"octocat\"")));

        assertThat(problems).singleElement().asString().contains("DATADOG_LOGS", "`github_username`",
                "not in the data inventory", "docs/data-inventory.md");
    }

    @Test
    void aNewKeyInEveryEntryIsReportedOnceWithItsCount() {
        String entry = LOG_BODY.formatted(",\"github_username\":\"octocat\"");
        List<SentKeys> sent = new java.util.ArrayList<>(SentKeys.ofLogsBody(entry));
        sent.addAll(SentKeys.ofLogsBody(entry));

        assertThat(CHECK.problems(sent)).singleElement().asString().contains("of log entry e-1 and 1 more is not");
    }

    @Test
    void aKeyWrittenWithoutItsRegistryEntryIsReported() {
        // the inventory as it would be had DatadogMapping written "logger" without DatadogField.LOG_LOGGER
        List<OutgoingField> withoutLogger = DataInventory.fields().stream()
                .filter(f -> f != DatadogField.LOG_LOGGER.outgoing()).toList();

        List<String> problems = new InventoryCheck(withoutLogger, TENANT_TAGS).problems(
                SentKeys.ofLogsBody(LOG_BODY.formatted("")));

        assertThat(problems).singleElement().asString().contains("JSON key `logger`");
    }

    @Test
    void aNewNestedKeyOfTheControlPlaneIsReported() {
        List<String> problems = CHECK.problems(SentKeys.ofAggregatesBody(AGGREGATES_BODY.formatted(
                ",\"consumers\":[{\"name\":\"billing\"}]"), t -> TenantPlan.CONTROL_PLANE));

        assertThat(problems).hasSize(3).allSatisfy(p -> assertThat(p).contains("CONTROL_PLANE", "not in the data"))
                .anySatisfy(p -> assertThat(p).contains("`windows[].endpoints[].consumers[].name`"));
    }

    @Test
    void anUnknownMetricOrTagIsReported() {
        List<String> problems = CHECK.problems(SentKeys.ofSeriesBody(SERIES_BODY.formatted(
                "lunar.proxy.requests", "\"github:octocat\"")));

        assertThat(problems).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("metric `lunar.proxy.requests`"))
                .anySatisfy(p -> assertThat(p).contains("tag key `github`"));
    }

    @Test
    void controlPlaneDataOfAnotherPlanIsReported() {
        List<String> problems = CHECK.problems(SentKeys.ofAggregatesBody(AGGREGATES_BODY.formatted(""),
                t -> TenantPlan.OPEN_SOURCE));

        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p).contains("OPEN_SOURCE tenant",
                "[CONTROL_PLANE] only"));
    }

    @Test
    void anItemThatDoesNotSayItsPlanIsReported() {
        List<String> problems = CHECK.problems(SentKeys.ofDogStatsdLines("lunar.proxy.uptime:5|g|#tenant:acme"));

        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p).contains("does not say its tenant's plan"));
    }

    @Test
    void pathsAreTokenisedWithArrayElements() {
        assertThat(InventoryCheck.tokens("series[].points[].value"))
                .containsExactly("series", "[]", "points", "[]", "value");
        assertThat(InventoryCheck.tokens("attributes.{attribute}")).containsExactly("attributes", "{attribute}");
    }
}
