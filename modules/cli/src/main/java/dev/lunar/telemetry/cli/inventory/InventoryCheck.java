package dev.lunar.telemetry.cli.inventory;

import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.events.inventory.OutgoingField;
import dev.lunar.telemetry.events.inventory.OutgoingField.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks what was sent against the data inventory (DESIGN.md P7): every key of a payload must be listed for its
 * destination and for the plan of the tenant whose data it carries. A plain function of the inventory and the keys.
 *
 * <p>A JSON key path is listed when it matches a listed path, or is the path of an object or array a listed path is
 * inside ({@code proxy} for {@code proxy.id}). A {@code {name}} segment matches any key, unless
 * {@code knownDynamicKeys} restricts what {@code name} may be (the tenants' own tag keys, say).
 */
public final class InventoryCheck {

    private final List<OutgoingField> inventory;
    private final Map<String, Predicate<String>> knownDynamicKeys;

    /**
     * @param inventory        the fields that may leave
     * @param knownDynamicKeys for a {@code {name}} segment, what its key may be; a name not here matches any key
     */
    public InventoryCheck(List<OutgoingField> inventory, Map<String, Predicate<String>> knownDynamicKeys) {
        this.inventory = List.copyOf(inventory);
        this.knownDynamicKeys = Map.copyOf(knownDynamicKeys);
    }

    /** Against the code's own inventory, {@link DataInventory#fields()}. */
    public static InventoryCheck ofTheCode(Map<String, Predicate<String>> knownDynamicKeys) {
        return new InventoryCheck(DataInventory.fields(), knownDynamicKeys);
    }

    /** What is wrong with {@code sent}: one sentence per key, none when everything it carries is listed. */
    public List<String> problems(SentKeys sent) {
        return check(sent).stream().map(p -> p.sentence(sent.what(), 1)).toList();
    }

    /**
     * What is wrong with any of {@code sent}: one sentence per problem, naming the first item it was found in and
     * how many items have it (a new key shows in every entry of a kind, not once).
     */
    public List<String> problems(List<SentKeys> sent) {
        Map<Problem, String> first = new LinkedHashMap<>();
        Map<Problem, Integer> count = new HashMap<>();
        for (SentKeys s : sent) {
            for (Problem p : check(s)) {
                first.putIfAbsent(p, s.what());
                count.merge(p, 1, Integer::sum);
            }
        }
        List<String> sentences = new ArrayList<>();
        first.forEach((p, what) -> sentences.add(p.sentence(what, count.get(p))));
        return sentences;
    }

    /** A problem of one key, without the item it was found in. */
    private record Problem(String before, String after) {
        String sentence(String what, int items) {
            return before + what + (items > 1 ? " and " + (items - 1) + " more" : "") + after;
        }
    }

    private List<Problem> check(SentKeys sent) {
        List<Problem> problems = new ArrayList<>();
        for (SentKeys.Key key : sent.keys()) {
            Set<TenantPlan> plans = EnumSet.noneOf(TenantPlan.class);
            boolean listed = false;
            for (OutgoingField f : inventory) {
                if (f.destinations().contains(sent.destination()) && f.kind() == key.kind() && matches(f, key)) {
                    listed = true;
                    plans.addAll(f.plans());
                }
            }
            if (!listed) {
                problems.add(new Problem(sent.destination() + ": " + key.kind().label() + " `" + key + "` of ",
                        " is not in the data inventory (" + DataInventory.DOCUMENT + "): write it from a constant of "
                                + "its destination's field registry (DatadogField, ControlPlaneField) and regenerate "
                                + "the document"));
            } else if (sent.plan().isEmpty()) {
                problems.add(new Problem(sent.destination() + ": ", " does not say its tenant's plan, so `" + key
                        + "` cannot be checked against the plans the inventory lists"));
            } else if (!plans.contains(sent.plan().get())) {
                problems.add(new Problem(sent.destination() + ": " + key.kind().label() + " `" + key + "` of ",
                        " was sent for a " + sent.plan().get() + " tenant, but the inventory lists it for " + plans
                                + " only"));
            }
        }
        return problems;
    }

    private boolean matches(OutgoingField f, SentKeys.Key key) {
        if (key.kind() != Kind.JSON_KEY) {
            return segmentMatches(f.key(), key.path().get(0));
        }
        List<String> pattern = tokens(f.key());
        List<String> path = key.path();
        if (path.size() > pattern.size()) {
            return false;
        }
        for (int i = 0; i < path.size(); i++) {
            if (!segmentMatches(pattern.get(i), path.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean segmentMatches(String pattern, String actual) {
        if (pattern.length() > 2 && pattern.startsWith("{") && pattern.endsWith("}")) {
            Predicate<String> known = knownDynamicKeys.get(pattern.substring(1, pattern.length() - 1));
            return !actual.equals(SentKeys.ELEMENT) && (known == null || known.test(actual));
        }
        return pattern.equals(actual);
    }

    /** {@code a.b[].c} → {@code [a, b, [], c]}. */
    static List<String> tokens(String path) {
        List<String> tokens = new ArrayList<>();
        for (String segment : path.split("\\.")) {
            int elements = 0;
            while (segment.endsWith(SentKeys.ELEMENT)) {
                segment = segment.substring(0, segment.length() - 2);
                elements++;
            }
            tokens.add(segment);
            for (int i = 0; i < elements; i++) {
                tokens.add(SentKeys.ELEMENT);
            }
        }
        return tokens;
    }
}
