package dev.lunar.telemetry.processor.tenants;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lunar.telemetry.events.avro.TenantDatadogDestination;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.processor.EnrichmentPipeline;
import dev.lunar.telemetry.processor.privacy.FieldPattern;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tenants as YAML, for {@code lunar-telemetry tenants put -f tenants.yaml} and for printing. Either one tenant
 * document or a list under {@code tenants:}:
 *
 * <pre>
 * tenants:
 *   - id: acme                      # required; the record key
 *     name: Acme Inc.               # required
 *     plan: CONTROL_PLANE           # OPEN_SOURCE | CONTROL_PLANE | SANDBOX (case and - or _ do not matter)
 *     githubUsername: octocat       # SANDBOX only (P5)
 *     tags: {team: payments}
 *     denylist: ["**.customer_id"]  # extra field patterns for this tenant's events
 *     apiKeys: ["lk_live_..."]      # hashed with SHA-256 while parsing; the key itself is never stored
 *     apiKeySha256: ["9f86d0..."]   # or the lower-case hex hashes directly
 *     datadog: {site: datadoghq.eu, apiKeyEnv: ACME_DD_API_KEY}   # or apiKeyFile: /path
 * </pre>
 */
final class TenantYaml {

    static final Set<String> KEYS = Set.of("id", "name", "plan", "githubUsername", "tags", "denylist", "apiKeys",
            "apiKeySha256", "datadog", "updatedAt");
    static final Set<String> DATADOG_KEYS = Set.of("site", "apiKeyEnv", "apiKeyFile");
    static final List<String> DATADOG_SITES = List.of("datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com",
            "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private TenantYaml() {}

    static List<TenantMetadata> parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml == null ? "" : yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new IllegalArgumentException("the tenant file is not valid YAML" + where + ": "
                    + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException("the tenant file is empty; write a tenant (id, name, plan) or a list"
                    + " under tenants:");
        }
        List<TenantMetadata> tenants = new ArrayList<>();
        if (root.isObject() && root.has("tenants")) {
            if (root.size() != 1) {
                throw new IllegalArgumentException("a tenant file with tenants: may have nothing else at the top level");
            }
            JsonNode list = root.get("tenants");
            if (!list.isArray()) {
                throw new IllegalArgumentException("tenants: must be a list of tenants");
            }
            for (int i = 0; i < list.size(); i++) {
                tenants.add(tenant(list.get(i), "tenants[" + i + "]"));
            }
        } else {
            tenants.add(tenant(root, "tenant"));
        }
        List<String> ids = new ArrayList<>();
        for (TenantMetadata t : tenants) {
            if (ids.contains(t.getId())) {
                throw new IllegalArgumentException("tenant id '" + t.getId() + "' appears twice in the file");
            }
            ids.add(t.getId());
        }
        return tenants;
    }

    private static TenantMetadata tenant(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping with id, name and plan");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + "." + key + " is not a tenant key; use one of "
                        + KEYS.stream().sorted().toList());
            }
        }
        TenantMetadata.Builder b = TenantMetadata.newBuilder()
                .setId(text(node, "id", where, true))
                .setName(text(node, "name", where, true))
                .setPlan(plan(text(node, "plan", where, true), where))
                .setGithubUsername(text(node, "githubUsername", where, false))
                .setTags(map(node, "tags", where))
                .setDenylist(list(node, "denylist", where))
                .setUpdatedAt(node.has("updatedAt") ? Instant.parse(text(node, "updatedAt", where, true))
                        : Instant.EPOCH);
        List<String> hashes = new ArrayList<>(list(node, "apiKeySha256", where));
        for (String key : list(node, "apiKeys", where)) {
            String hash = EnrichmentPipeline.sha256(key);
            if (!hashes.contains(hash)) {
                hashes.add(hash);
            }
        }
        b.setApiKeySha256(hashes);
        JsonNode dd = node.get("datadog");
        if (dd != null && !dd.isNull()) {
            if (!dd.isObject()) {
                throw new IllegalArgumentException(where + ".datadog must be a mapping with site and apiKeyEnv or"
                        + " apiKeyFile");
            }
            for (Iterator<String> names = dd.fieldNames(); names.hasNext(); ) {
                String key = names.next();
                if (!DATADOG_KEYS.contains(key)) {
                    throw new IllegalArgumentException(where + ".datadog." + key + " is not a key; use one of "
                            + DATADOG_KEYS.stream().sorted().toList());
                }
            }
            b.setDatadog(TenantDatadogDestination.newBuilder()
                    .setSite(text(dd, "site", where + ".datadog", true))
                    .setApiKeyEnv(text(dd, "apiKeyEnv", where + ".datadog", false))
                    .setApiKeyFile(text(dd, "apiKeyFile", where + ".datadog", false))
                    .build());
        }
        TenantMetadata tenant = b.build();
        validate(tenant, where);
        return tenant;
    }

    /** @throws IllegalArgumentException naming the field that is wrong and how to fix it */
    static void validate(TenantMetadata t, String where) {
        if (t.getId() == null || !TENANT_ID.matcher(t.getId()).matches()) {
            throw new IllegalArgumentException(where + ".id '" + t.getId() + "' must be 1-200 letters, digits or"
                    + " . _ : -");
        }
        if (t.getName() == null || t.getName().isBlank()) {
            throw new IllegalArgumentException(where + ".name is required");
        }
        if (t.getPlan() == null) {
            throw new IllegalArgumentException(where + ".plan is required: OPEN_SOURCE, CONTROL_PLANE or SANDBOX");
        }
        if (t.getGithubUsername() != null && t.getPlan() != TenantPlan.SANDBOX) {
            throw new IllegalArgumentException(where + ".githubUsername is only kept for SANDBOX tenants (P5); remove"
                    + " it or set plan: SANDBOX");
        }
        for (int i = 0; i < t.getDenylist().size(); i++) {
            try {
                FieldPattern.parse(t.getDenylist().get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".denylist[" + i + "]: " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < t.getApiKeySha256().size(); i++) {
            if (!SHA256_HEX.matcher(t.getApiKeySha256().get(i)).matches()) {
                throw new IllegalArgumentException(where + ".apiKeySha256[" + i + "] must be 64 lower-case hex digits"
                        + " (SHA-256); to give the key itself use apiKeys, which is hashed and never stored");
            }
        }
        TenantDatadogDestination dd = t.getDatadog();
        if (dd != null) {
            if (!DATADOG_SITES.contains(dd.getSite())) {
                throw new IllegalArgumentException(where + ".datadog.site '" + dd.getSite() + "' is not a Datadog"
                        + " site; use one of " + DATADOG_SITES);
            }
            if (dd.getApiKeyEnv() == null && dd.getApiKeyFile() == null) {
                throw new IllegalArgumentException(where + ".datadog needs apiKeyEnv (an environment variable name)"
                        + " or apiKeyFile (a path) saying where the tenant's Datadog API key is; never the key");
            }
        }
    }

    static String write(Collection<TenantMetadata> tenants) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (TenantMetadata t : tenants) {
            ObjectNode n = list.addObject();
            n.put("id", t.getId());
            n.put("name", t.getName());
            n.put("plan", t.getPlan().name());
            if (t.getGithubUsername() != null) {
                n.put("githubUsername", t.getGithubUsername());
            }
            if (!t.getTags().isEmpty()) {
                ObjectNode tags = n.putObject("tags");
                new java.util.TreeMap<>(t.getTags()).forEach(tags::put);
            }
            if (!t.getDenylist().isEmpty()) {
                t.getDenylist().forEach(n.putArray("denylist")::add);
            }
            if (!t.getApiKeySha256().isEmpty()) {
                t.getApiKeySha256().forEach(n.putArray("apiKeySha256")::add);
            }
            if (t.getDatadog() != null) {
                ObjectNode dd = n.putObject("datadog");
                dd.put("site", t.getDatadog().getSite());
                if (t.getDatadog().getApiKeyEnv() != null) {
                    dd.put("apiKeyEnv", t.getDatadog().getApiKeyEnv());
                }
                if (t.getDatadog().getApiKeyFile() != null) {
                    dd.put("apiKeyFile", t.getDatadog().getApiKeyFile());
                }
            }
            n.put("updatedAt", t.getUpdatedAt().toString());
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("tenants", list);
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write tenants as YAML", e);
        }
    }

    private static TenantPlan plan(String text, String where) {
        String normalised = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (TenantPlan plan : TenantPlan.values()) {
            if (plan.name().equals(normalised)) {
                return plan;
            }
        }
        throw new IllegalArgumentException(where + ".plan '" + text + "' is not a plan; use OPEN_SOURCE,"
                + " CONTROL_PLANE or SANDBOX");
    }

    private static String text(JsonNode node, String key, String where, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + "." + key + " is required");
            }
            return null;
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException(where + "." + key + " must be a single value, not a list or mapping");
        }
        return value.asText();
    }

    private static List<String> list(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(where + "." + key + " must be a list, e.g. [\"a\", \"b\"]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isValueNode() || item.asText().isBlank()) {
                throw new IllegalArgumentException(where + "." + key + "[" + i + "] must be a non-empty text");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static Map<String, String> map(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException(where + "." + key + " must be a mapping of names to values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        value.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) {
                throw new IllegalArgumentException(where + "." + key + "." + e.getKey() + " must be a single value");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }
}
