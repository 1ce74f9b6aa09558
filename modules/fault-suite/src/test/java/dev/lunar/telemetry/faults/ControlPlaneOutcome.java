package dev.lunar.telemetry.faults;

import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.faults.LoopbackControlPlane.Held;
import dev.lunar.telemetry.faults.LoopbackControlPlane.Totals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What reached the control plane in one run, against what the {@link Traffic} says it must hold: for every
 * CONTROL_PLANE tenant the exact totals of its endpoint events (events, calls, errors, each status class; per endpoint,
 * over the window overviews and in the summary), for every other tenant nothing at all (P2) — asked of the query API,
 * of the relay that saw every request, and of the storage itself — and that the forwarder never committed a record
 * before the control plane had accepted its window.
 */
final class ControlPlaneOutcome {

    /** Expected totals per CONTROL_PLANE tenant, and per endpoint. */
    final Map<String, Totals> expected = new TreeMap<>();
    final Map<String, Map<String, Totals>> expectedByEndpoint = new TreeMap<>();
    /** What the query API holds, per tenant (every tenant, every plan). */
    final Map<String, Held> held = new TreeMap<>();
    final List<String> mismatches = new ArrayList<>();
    /** Endpoint events of open-source and sandbox tenants: they must stay in the pipeline. */
    final int otherPlanEvents;
    final Set<String> otherPlanTenantsViaApi = new TreeSet<>();
    final Set<String> otherPlanTenantsViaRelay = new TreeSet<>();
    final Set<String> otherPlanTenantsInStorage = new TreeSet<>();
    final Set<String> storedTenants;
    final long requests;
    final Map<Integer, Long> answers;
    final int timedOut;
    final int storedUnanswered;
    final int givenUp;
    final long timeoutsLogged;
    final List<String> relayProblems;
    final List<String> commitViolations;
    final int commitSnapshots;
    final int forwarderKills;
    final List<String> forwarderErrors;

    ControlPlaneOutcome(FaultRun run, Map<String, Held> held, Set<String> storedTenants,
                        List<String> commitViolations) {
        Traffic t = run.traffic;
        LoopbackControlPlane cp = run.controlPlane;
        Set<String> controlPlaneTenants = new TreeSet<>();
        t.plans.forEach((tenant, plan) -> {
            if (plan == TenantPlan.CONTROL_PLANE) {
                controlPlaneTenants.add(tenant);
                expected.put(tenant, Totals.ZERO);
                expectedByEndpoint.put(tenant, new TreeMap<>());
            }
        });
        for (Traffic.EndpointEvent e : t.endpointEvents(TenantPlan.CONTROL_PLANE)) {
            expected.merge(e.tenantId(), Totals.of(e), Totals::plus);
            expectedByEndpoint.get(e.tenantId()).merge(e.endpoint(), Totals.of(e), Totals::plus);
        }
        otherPlanEvents = t.endpointEvents.size() - t.endpointEvents(TenantPlan.CONTROL_PLANE).size();
        this.held.putAll(held);
        for (String tenant : controlPlaneTenants) {
            compare(tenant, held.get(tenant));
        }
        held.forEach((tenant, h) -> {
            if (!controlPlaneTenants.contains(tenant) && h.rows() > 0) {
                otherPlanTenantsViaApi.add(tenant);
            }
        });
        cp.relay.requestsByTenant().keySet().stream().filter(tenant -> !controlPlaneTenants.contains(tenant))
                .forEach(otherPlanTenantsViaRelay::add);
        this.storedTenants = new TreeSet<>(storedTenants);
        storedTenants.stream().filter(tenant -> !controlPlaneTenants.contains(tenant))
                .forEach(otherPlanTenantsInStorage::add);
        requests = cp.relay.requests();
        answers = cp.relay.answers();
        timedOut = cp.relay.timedOut();
        storedUnanswered = cp.relay.storedUnanswered();
        givenUp = cp.relay.givenUp();
        relayProblems = cp.relay.problems();
        timeoutsLogged = run.controlPlaneForwarders.stream()
                .mapToLong(f -> f.linesContaining(FaultRun.FORWARDER_TIMEOUT_LOG)).sum();
        this.commitViolations = List.copyOf(commitViolations);
        commitSnapshots = run.commitSnapshots.size();
        forwarderKills = FaultRun.kills(run.controlPlaneForwarders);
        forwarderErrors = FaultRun.errors(run.controlPlaneForwarders);
    }

    private void compare(String tenant, Held h) {
        Totals want = expected.get(tenant);
        if (h == null) {
            mismatches.add(tenant + ": nothing read from the control plane");
            return;
        }
        if (h.truncated()) {
            mismatches.add(tenant + ": the control plane's answer was truncated (raise control-plane.query.max-rows)");
        }
        if (!h.endpointTotals().equals(want)) {
            mismatches.add(tenant + ": endpoint rows hold " + h.endpointTotals() + ", expected " + want);
        }
        Totals windowsWant = new Totals(want.events(), want.calls(), want.errors(), 0, 0, 0, 0);
        if (!h.windows().equals(windowsWant)) {
            mismatches.add(tenant + ": window overviews hold " + h.windows() + ", expected " + windowsWant);
        }
        if (h.summary().calls() != want.calls() || h.summary().errors() != want.errors()) {
            mismatches.add(tenant + ": the summary says " + h.summary().calls() + " calls, " + h.summary().errors()
                    + " errors, expected " + want.calls() + ", " + want.errors());
        }
        Map<String, Totals> wantByEndpoint = expectedByEndpoint.get(tenant);
        Set<String> endpoints = new TreeSet<>(wantByEndpoint.keySet());
        endpoints.addAll(h.endpointRows().keySet());
        for (String endpoint : endpoints) {
            Totals w = wantByEndpoint.getOrDefault(endpoint, Totals.ZERO);
            Totals got = h.endpointRows().getOrDefault(endpoint, Totals.ZERO);
            if (!w.equals(got)) {
                mismatches.add(tenant + " " + endpoint + ": holds " + got + ", expected " + w);
            }
        }
    }

    Totals expectedTotal() {
        return expected.values().stream().reduce(Totals.ZERO, Totals::plus);
    }

    Totals heldTotal() {
        return expected.keySet().stream().map(held::get).filter(java.util.Objects::nonNull).map(Held::endpointTotals)
                .reduce(Totals.ZERO, Totals::plus);
    }

    boolean exact() {
        return mismatches.isEmpty();
    }
}
