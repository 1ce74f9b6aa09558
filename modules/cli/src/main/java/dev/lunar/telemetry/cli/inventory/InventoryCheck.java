package dev.lunar.telemetry.cli.inventory;

import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.events.inventory.OutgoingField;
import dev.lunar.telemetry.events.inventory.OutgoingField.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
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
        List<String> problems = new ArrayList<>();
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
                problems.add(sent.destination() + ": " + key.kind().label() + " `" + key + "` of " + sent.what()
                        + " is not in the data inventory (" + DataInventory.DOCUMENT + "): write it from a constant of "
                        + "its destination's field registry (DatadogField, ControlPlaneField) and regenerate the "
                        + "document");
            } else if (sent.plan().isEmpty()) {
                problems.add(sent.destination() + ": " + sent.what() + " does not say its tenant's plan, so `" + key
                        + "` cannot be checked against the plans the inventory lists");
            } else if (!plans.contains(sent.plan().get())) {
                problems.add(sent.destination() + ": " + key.kind().label() + " `" + key + "` of " + sent.what()
                        + " was sent for a " + sent.plan().get() + " tenant, but the inventory lists it for " + plans
                        + " only");
            }
        }
        return problems;
    }

    /** The problems of every item, each sentence once. */
    public List<String> problems(List<SentKeys> sent) {
        Set<String> all = new LinkedHashSet<>();
        sent.forEach(s -> all.addAll(problems(s)));
        return List.copyOf(all);
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
