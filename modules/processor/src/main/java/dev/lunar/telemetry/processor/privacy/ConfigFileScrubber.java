package dev.lunar.telemetry.processor.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Scrubs the text of a configuration file ({@code policies.yaml} and friends): parses it as YAML (JSON is YAML too),
 * removes keys the denylist matches and redacts scalar values, then writes YAML again — always, even when nothing was
 * removed: the original text is never returned, so comments and anything else the parsed tree does not hold (a
 * secret in a {@code # old key ...} line) are gone (DESIGN.md P3). Text that cannot be parsed is replaced by the empty
 * string and reported: it is never forwarded raw. Thread-safe.
 */
final class ConfigFileScrubber {

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder().build())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private final ValueRedactor redactor;

    ConfigFileScrubber(ValueRedactor redactor) {
        this.redactor = redactor;
    }

    /**
     * @param state the denylist walk at the file's content ({@code <record>.files.content})
     * @param path  the path of the content field, for the report
     * @return the scrubbed YAML re-emitted from the parsed tree (never {@code text} itself), or "" when it is blank
     *         or cannot be parsed
     * @throws ScrubBudget.Exceeded when the report's budget runs out meanwhile
     */
    String scrub(String text, PathMatcher.State state, FieldPath path, ScrubReport report) {
        report.budget().check();
        if (text.isBlank()) {
            return "";
        }
        List<JsonNode> documents = new ArrayList<>(1);
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (docs.hasNextValue()) {
                documents.add(docs.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            report.unparseableConfig(path.toString());
            return "";
        }
        report.budget().check();
        Walk walk = new Walk(path, report);
        for (int i = 0; i < documents.size(); i++) {
            JsonNode doc = documents.get(i);
            JsonNode scrubbed = scrubNode(doc, state, walk);
            if (scrubbed != doc) {
                documents.set(i, scrubbed);
                walk.changed = true;
            }
        }
        try {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < documents.size(); i++) {
                if (i > 0) {
                    out.append("---\n");
                }
                JsonNode doc = documents.get(i);
                out.append(doc == null || doc.isMissingNode() ? "" : YAML.writeValueAsString(doc));
            }
            return out.toString();
        } catch (JsonProcessingException e) {
            report.unparseableConfig(path.toString());
            return "";
        }
    }

    /** One scrub call's cursor: where it is and whether anything changed. */
    private static final class Walk {
        final FieldPath path;
        final ScrubReport report;
        boolean changed;

        Walk(FieldPath path, ScrubReport report) {
            this.path = path;
            this.report = report;
        }
    }

    private JsonNode scrubNode(JsonNode node, PathMatcher.State state, Walk walk) {
        FieldPath path = walk.path;
        ScrubReport report = walk.report;
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<String> removals = null;
            List<Map.Entry<String, JsonNode>> replacements = null;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = field.getKey();
                PathMatcher.State next = state.step(key);
                // A key holding a secret first: the removed path is reported, and must not carry the key's text.
                if (redactor.containsSecret(key, report)) {
                    report.removed(path.with(PrivacyDefaults.MARKER), "secret-in-key");
                    removals = add(removals, key);
                } else if (next.removes()) {
                    report.removed(path.with(key), next.removingPattern());
                    removals = add(removals, key);
                } else {
                    path.push(key);
                    JsonNode scrubbed = scrubNode(field.getValue(), next, walk);
                    path.pop();
                    if (scrubbed != field.getValue()) {
                        replacements = add(replacements, Map.entry(key, scrubbed));
                    }
                }
            }
            if (removals != null) {
                object.remove(removals);
                walk.changed = true;
            }
            if (replacements != null) {
                replacements.forEach(r -> object.set(r.getKey(), r.getValue()));
                walk.changed = true;
            }
            return node;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                path.pushIndex(i);
                JsonNode scrubbed = scrubNode(element, state, walk);
                path.pop();
                if (scrubbed != element) {
                    array.set(i, scrubbed);
                    walk.changed = true;
                }
            }
            return node;
        }
        if (node != null && node.isTextual()) {
            String value = node.textValue();
            String redacted = redactor.redact(value, report);
            if (!redacted.equals(value)) {
                report.redactedAt(path.toString());
                return TextNode.valueOf(redacted);
            }
        }
        return node;
    }

    private static <T> List<T> add(List<T> list, T item) {
        List<T> out = list == null ? new ArrayList<>(2) : list;
        out.add(item);
        return out;
    }
}
