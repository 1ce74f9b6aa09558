package dev.lunar.telemetry.faults;

import dev.lunar.telemetry.events.EventKind;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;

/** What one run delivered where, measured against its {@link Traffic}; printed as a summary, then asserted. */
final class Outcome {

    final String scenario;
    final String delivery;
    final int events;
    final int dropped;
    final int poison;
    final Map<EventKind, Integer> perKind = new TreeMap<>();
    final int enrichedDistinct;
    final int enrichedDuplicates;
    final Set<String> enrichedMissing;
    final Set<String> enrichedUnexpected;
    final int datadogExpected;
    final int datadogDelivered;
    final Set<String> datadogLost;
    final int datadogDuplicates;
    final Set<String> datadogUnexpected;
    final int resourcePointsExpected;
    final Set<Traffic.ResourcePoint> resourcePointsMissing;
    final Map<Integer, Long> datadogStatuses;
    final List<String> datadogViolations;
    final long shortestWaitAfter429Millis;
    final int poisonDeadLettered;
    final int poisonMissing;
    final int poisonLetterDuplicates;
    final int unexpectedProcessorLetters;
    final int refused;
    final int refusedDeadLettered;
    final int refusedLetterDuplicates;
    final int unexpectedForwarderLetters;
    final Map<String, Integer> letterReasons;
    final List<String> auditProblems;
    final int processorKills;
    final int forwarderKills;
    final int brokerRestarts;
    /** Broker processes killed or restarted in a run on a cluster (0 on the embedded broker). */
    final int brokerFaults;
    final String shape;
    /** Most times one log entry was accepted by Datadog. */
    final int datadogMostCopies;
    /** Produce-to-Datadog latency of the events produced during each fault, and outside them. */
    final Map<String, LatencyByPhase.Figures> latency;
    final int canaries;
    final long scannedItems;
    final long scannedBytes;
    final Set<String> canaryFindings;
    final List<String> processorErrors;
    final List<String> forwarderErrors;
    /** Null unless the run had a control plane. */
    final ControlPlaneOutcome controlPlane;
    final long elapsedMillis;

    Outcome(FaultRun run) {
        Traffic t = run.traffic;
        Destinations d = run.destinations;
        scenario = run.scenario;
        delivery = run.delivery;
        events = t.eventCount();
        poison = t.poisonCount();
        dropped = t.droppedIds.size();
        t.idsByKind.forEach((kind, ids) -> perKind.put(kind, ids.size()));

        Set<String> all = t.allIds();
        Set<String> seen = new HashSet<>();
        d.enriched.values().forEach(m -> seen.addAll(m.keySet()));
        enrichedDistinct = d.enrichedDistinct();
        enrichedDuplicates = d.enrichedDuplicates();
        enrichedMissing = difference(all, seen);
        enrichedUnexpected = difference(seen, all);

        Map<String, Integer> accepted = run.datadog.acceptedIds();
        datadogExpected = t.datadogIds.size();
        datadogLost = difference(t.datadogIds, accepted.keySet());
        datadogDelivered = datadogExpected - datadogLost.size();
        datadogDuplicates = Destinations.duplicates(accepted);
        datadogUnexpected = difference(accepted.keySet(), t.datadogIds);
        resourcePointsExpected = t.resourcePoints.size();
        resourcePointsMissing = difference(t.resourcePoints, run.datadog.cpuPoints());
        datadogStatuses = run.datadog.statuses();
        datadogViolations = run.datadog.violations();
        shortestWaitAfter429Millis = run.datadog.waitsAfter429Millis().stream().mapToLong(Long::longValue).min()
                .orElse(-1);

        Set<ByteBuffer> letters = d.processorLetters.keySet();
        poisonDeadLettered = (int) letters.stream().filter(t.poison::contains).count();
        poisonMissing = poison - poisonDeadLettered;
        unexpectedProcessorLetters = (int) letters.stream().filter(b -> !t.poison.contains(b)).count();
        poisonLetterDuplicates = Destinations.duplicates(d.processorLetters);
        refused = t.refusedIds.size();
        refusedDeadLettered = (int) d.forwarderLetters.keySet().stream().filter(t.refusedIds::contains).count();
        unexpectedForwarderLetters = (int) d.forwarderLetters.keySet().stream()
                .filter(id -> !t.refusedIds.contains(id)).count();
        refusedLetterDuplicates = Destinations.duplicates(d.forwarderLetters);
        letterReasons = new TreeMap<>(d.letterReasons);
        auditProblems = List.copyOf(d.problems);

        processorKills = FaultRun.kills(run.processors);
        forwarderKills = FaultRun.kills(run.forwarders);
        brokerRestarts = run.brokerRestarts;
        brokerFaults = run.brokerFaults;
        shape = run.shape.brokers() + " broker process(es), " + run.processors.size() + " processor(s), "
                + run.forwarders.size() + " Datadog forwarder(s)" + (run.withControlPlane ? ", "
                + run.controlPlaneForwarders.size() + " control-plane forwarder(s)" : "");
        datadogMostCopies = accepted.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        latency = LatencyByPhase.measure(run.phases, run.producer.sentNanos(), run.datadog.firstAcceptedNanos());
        canaries = run.canaries.canaries();
        scannedItems = run.canaries.scannedItems();
        scannedBytes = run.canaries.scannedBytes();
        canaryFindings = run.canaries.findings();
        processorErrors = FaultRun.errors(run.processors);
        forwarderErrors = FaultRun.errors(run.forwarders);
        controlPlane = run.controlPlaneOutcome;
        elapsedMillis = run.elapsed.toMillis();
    }

    String summary() {
        String kinds = perKind.entrySet().stream().map(e -> e.getKey().id() + " " + fmt(e.getValue()))
                .collect(Collectors.joining(", "));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n=== Fault suite: %s (processor %s) ===%n", scenario, delivery));
        line(b, "shape", shape);
        line(b, "events sent", fmt(events) + " (" + kinds + ") + " + fmt(poison) + " poison records + "
                + fmt(dropped) + " lines the processor drops whole (P1, P4)");
        line(b, "enriched topics", fmt(enrichedDistinct) + " distinct, " + fmt(enrichedMissing.size()) + " missing, "
                + fmt(enrichedDuplicates) + " duplicates (read_committed)");
        line(b, "Datadog log entries", fmt(datadogDelivered) + " of " + fmt(datadogExpected) + " delivered, "
                + fmt(datadogLost.size()) + " lost, " + fmt(datadogDuplicates) + " duplicates, "
                + fmt(datadogUnexpected.size()) + " unexpected; no entry more than " + datadogMostCopies + "x");
        line(b, "Datadog CPU points", fmt(resourcePointsExpected - resourcePointsMissing.size()) + " of "
                + fmt(resourcePointsExpected) + " resource samples seen");
        line(b, "Datadog answers", datadogStatuses + (shortestWaitAfter429Millis >= 0
                ? "; after a 429 asking for 1 s the forwarder waited at least " + shortestWaitAfter429Millis + " ms"
                : ""));
        line(b, "dead letters", fmt(poisonDeadLettered) + " of " + fmt(poison) + " poison records ("
                + fmt(poisonLetterDuplicates) + " duplicates, " + fmt(unexpectedProcessorLetters) + " unexpected); "
                + fmt(refusedDeadLettered) + " of " + fmt(refused) + " refused by Datadog ("
                + fmt(refusedLetterDuplicates) + " duplicates, " + fmt(unexpectedForwarderLetters) + " unexpected)");
        line(b, "dead-letter reasons", letterReasons.toString());
        if (controlPlane != null) {
            controlPlaneLines(b, controlPlane);
        }
        line(b, "restarts", "processor killed " + processorKills + "x, forwarder killed " + forwarderKills
                + "x, " + (controlPlane == null ? "" : "control-plane forwarder killed " + controlPlane.forwarderKills
                + "x, ") + "broker restarted " + brokerRestarts + "x" + (brokerFaults == 0 ? ""
                : ", broker processes killed or restarted " + brokerFaults + "x"));
        latency.forEach((phase, figures) -> line(b, "produce→Datadog", phase + ": " + figures));
        line(b, "canaries", canaryFindings.size() + " of " + canaries + " planted secrets found in " + fmt(scannedItems)
                + " records and bodies (" + fmt(scannedBytes / 1024) + " KiB)");
        List<String> cpErrors = controlPlane == null ? List.of() : controlPlane.forwarderErrors;
        line(b, "service errors", processorErrors.isEmpty() && forwarderErrors.isEmpty() && cpErrors.isEmpty()
                ? "none logged"
                : "processor " + processorErrors.size() + ", forwarder " + forwarderErrors.size()
                        + (controlPlane == null ? "" : ", control-plane forwarder " + cpErrors.size())
                        + " distinct ERROR events (see target/fault-suite/" + scenario + "/*.log)");
        processorErrors.forEach(e -> line(b, "", "processor: " + e));
        forwarderErrors.forEach(e -> line(b, "", "forwarder: " + e));
        cpErrors.forEach(e -> line(b, "", "control-plane forwarder: " + e));
        line(b, "time", String.format(Locale.ROOT, "%.1f s", elapsedMillis / 1000.0));
        return b.toString();
    }

    private static void controlPlaneLines(StringBuilder b, ControlPlaneOutcome cp) {
        line(b, "control plane", (cp.exact() ? "totals exact" : "totals WRONG (" + fmt(cp.mismatches.size())
                + " mismatches)") + " for " + cp.expected.size() + " CONTROL_PLANE tenants, per endpoint, window"
                + " and summary: expected " + cp.expectedTotal() + ", held " + cp.heldTotal());
        cp.mismatches.stream().limit(10).forEach(m -> line(b, "", "mismatch: " + m));
        line(b, "control plane P2", fmt(cp.otherPlanEvents) + " open-source / sandbox endpoint events (their tenants"
                + " have tokens on both sides): tenants of theirs seen by the relay " + cp.otherPlanTenantsViaRelay
                + ", in the query API " + cp.otherPlanTenantsViaApi + ", in storage " + cp.otherPlanTenantsInStorage
                + " (storage holds " + cp.storedTenants + ")");
        line(b, "control-plane sends", fmt(cp.requests) + " requests, answers " + cp.answers + "; " + fmt(cp.timedOut)
                + " timed out (" + fmt(cp.storedUnanswered) + " of them stored, answer withheld), "
                + fmt(cp.givenUp) + " given up by the forwarder (time-out or kill); it logged " + fmt(cp.timeoutsLogged)
                + " time-outs and sent again");
        line(b, "control-plane commits", cp.commitViolations.isEmpty()
                ? "at " + cp.commitSnapshots + " snapshots of its committed offsets, no record was committed before"
                        + " the control plane had accepted its window"
                : String.join("; ", cp.commitViolations));
        cp.relayProblems.forEach(p -> line(b, "", "relay: " + p));
    }

    /** The pass criteria: nothing lost, nothing leaked, exactly the poison dead-lettered. */
    void assertPasses(boolean exactlyOnce) {
        assertPasses(exactlyOnce, Integer.MAX_VALUE);
    }

    /**
     * As {@link #assertPasses(boolean)}, and no log entry accepted by Datadog more than {@code mostCopies} times
     * (the documented bound on a forwarder's re-sends).
     */
    void assertPasses(boolean exactlyOnce, int mostCopies) {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(datadogMostCopies).as("most copies of one log entry at Datadog").isLessThanOrEqualTo(
                mostCopies);
        softly.assertThat(enrichedMissing).as("events missing from the enriched topics").isEmpty();
        softly.assertThat(enrichedUnexpected).as("unexpected events in the enriched topics").isEmpty();
        if (exactlyOnce) {
            softly.assertThat(enrichedDuplicates).as("duplicates in the enriched topics (exactly-once)").isZero();
            softly.assertThat(poisonLetterDuplicates).as("duplicate dead letters of the processor (exactly-once)")
                    .isZero();
        }
        softly.assertThat(datadogLost).as("events lost at Datadog").isEmpty();
        softly.assertThat(datadogUnexpected).as("log entries Datadog should not have received").isEmpty();
        softly.assertThat(resourcePointsMissing).as("resource samples missing at Datadog").isEmpty();
        softly.assertThat(datadogViolations).as("breaches of Datadog's intake contract").isEmpty();
        softly.assertThat(poisonMissing).as("poison records not dead-lettered").isZero();
        softly.assertThat(unexpectedProcessorLetters).as("dead letters of the processor that are not poison")
                .isZero();
        softly.assertThat(refusedDeadLettered).as("records Datadog refused, dead-lettered").isEqualTo(refused);
        softly.assertThat(unexpectedForwarderLetters).as("forwarder dead letters Datadog did not refuse").isZero();
        softly.assertThat(auditProblems).as("unreadable records downstream").isEmpty();
        softly.assertThat(canaryFindings).as("planted secrets found downstream").isEmpty();
        if (controlPlane != null) {
            softly.assertThat(controlPlane.mismatches).as("control-plane totals that are not exact").isEmpty();
            softly.assertThat(controlPlane.otherPlanTenantsViaRelay)
                    .as("open-source / sandbox tenants whose data was sent to the control plane (P2)").isEmpty();
            softly.assertThat(controlPlane.otherPlanTenantsViaApi)
                    .as("open-source / sandbox tenants with data in the control plane's API (P2)").isEmpty();
            softly.assertThat(controlPlane.otherPlanTenantsInStorage)
                    .as("open-source / sandbox tenants in the control plane's storage (P2)").isEmpty();
            softly.assertThat(controlPlane.commitViolations)
                    .as("records the control-plane forwarder committed before their window was accepted").isEmpty();
            softly.assertThat(controlPlane.relayProblems).as("requests to the control plane that were not right")
                    .isEmpty();
        }
        softly.assertAll();
    }

    private static <T> Set<T> difference(Set<T> a, Set<T> b) {
        Set<T> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "  %-20s %s%n", label, value));
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
