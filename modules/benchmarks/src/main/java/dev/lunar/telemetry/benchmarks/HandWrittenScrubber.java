package dev.lunar.telemetry.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.avro.ConfigFile;
import dev.lunar.telemetry.events.avro.EndpointRef;
import dev.lunar.telemetry.events.avro.EndpointStats;
import dev.lunar.telemetry.events.avro.Heartbeat;
import dev.lunar.telemetry.events.avro.PolicySnapshot;
import dev.lunar.telemetry.events.avro.ProcessStats;
import dev.lunar.telemetry.events.avro.ProxyLog;
import dev.lunar.telemetry.events.avro.ResourceUsage;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.privacy.PrivacyDefaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The JMH baseline for the processor's compiled {@code DenylistPlan}: the same job — remove denylisted map entries
 * and YAML keys, drop entries whose key holds a secret, redact free text, re-emit scrubbed YAML, report the paths —
 * by hand, one method per record type with typed getters and setters, no steps and no path automaton. It uses the same
 * algorithmic choices as the processor (its own value redactor, through {@link RedactorProbe}; remembered key
 * decisions and YAML scrubs; YAML always re-emitted; copy-on-write collections), so a
 * comparison measures what the plan's generality costs, not a different algorithm. Default denylist and redaction patterns only (no tenant patterns, no API-key literals), like
 * {@link DenylistPlanProbe}. {@code HandWrittenScrubberTest} proves that both give the
 * same records and paths.
 */
final class HandWrittenScrubber {

    /** The default denylist: every pattern is {@code **.*word*}, i.e. "a key containing word", case-insensitively. */
    private static final String[] DENIED_WORDS = PrivacyDefaults.DENYLIST.stream()
            .map(p -> p.substring("**.*".length(), p.length() - 1).toLowerCase(Locale.ROOT))
            .toArray(String[]::new);
    private static final String MARKER = PrivacyDefaults.MARKER;
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder().build())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    /** Remembered YAML scrubs by text, as the processor remembers configuration files. */
    private final Map<String, YamlScrub> yamlScrubs = new HashMap<>();
    /** The processor's own redactor: redaction is not what this baseline compares, the walk over the fields is. */
    private final RedactorProbe redactor = RedactorProbe.of(ProcessorSettings.builder("127.0.0.1:9").build());

    /** What one scrub removed: the paths, and redactions counted per pattern (as the processor's metrics do). */
    static final class Report {
        final List<String> paths = new ArrayList<>(4);
        Map<String, Integer> redactions;

        void redaction(String rule) {
            if (redactions == null) {
                redactions = new HashMap<>(4);
            }
            redactions.merge(rule, 1, Integer::sum);
        }
    }

    /** Scrubs the raw record of {@code kind} in place; returns the paths removed or redacted. */
    List<String> scrub(EventKind kind, SpecificRecordBase record) {
        Report report = new Report();
        switch (kind) {
            case LOGS -> {
                ProxyLog r = (ProxyLog) record;
                r.setTags(textMap(r.getTags(), "tags", report));
                r.setLevel(text(r.getLevel(), "level", report));
                r.setLogger(text(r.getLogger(), "logger", report));
                r.setMessage(text(r.getMessage(), "message", report));
                r.setAttributes(textMap(r.getAttributes(), "attributes", report));
            }
            case RESOURCES -> {
                ResourceUsage r = (ResourceUsage) record;
                r.setTags(textMap(r.getTags(), "tags", report));
                List<ProcessStats> processes = r.getProcesses();
                for (int i = 0; i < processes.size(); i++) {
                    ProcessStats p = processes.get(i);
                    String name = redact(p.getName(), report);
                    if (name != p.getName()) {
                        report.paths.add("processes[" + i + "].name");
                        p.setName(name);
                    }
                }
            }
            case HEARTBEATS -> {
                Heartbeat r = (Heartbeat) record;
                r.setTags(textMap(r.getTags(), "tags", report));
                r.setUnexpectedRestartReasons(textList(r.getUnexpectedRestartReasons(), "unexpectedRestartReasons",
                        report));
                r.setEnvironment(textMap(r.getEnvironment(), "environment", report));
            }
            case POLICIES -> {
                PolicySnapshot r = (PolicySnapshot) record;
                r.setTags(textMap(r.getTags(), "tags", report));
                List<ConfigFile> files = r.getFiles();
                for (int i = 0; i < files.size(); i++) {
                    ConfigFile f = files.get(i);
                    String name = redact(f.getFileName(), report);
                    if (name != f.getFileName()) {
                        report.paths.add("files[" + i + "].fileName");
                        f.setFileName(name);
                    }
                    String type = redact(f.getFileType(), report);
                    if (type != f.getFileType()) {
                        report.paths.add("files[" + i + "].fileType");
                        f.setFileType(type);
                    }
                    f.setContent(yaml(f.getContent(), new StringBuilder("files[").append(i).append("].content"),
                            report));
                }
                r.setEnabledPolicies(textList(r.getEnabledPolicies(), "enabledPolicies", report));
                r.setEnabledPlugins(textList(r.getEnabledPlugins(), "enabledPlugins", report));
                List<EndpointRef> endpoints = r.getEndpointsWithPolicies();
                for (int i = 0; i < endpoints.size(); i++) {
                    endpoint(endpoints.get(i), "endpointsWithPolicies", i, report);
                }
            }
            case ENDPOINTS -> {
                EndpointStats r = (EndpointStats) record;
                r.setTags(textMap(r.getTags(), "tags", report));
                endpoint(r.getEndpoint(), "endpoint", -1, report);
                r.setStatusCodes(keysOnly(r.getStatusCodes(), "statusCodes", report));
                if (r.getInterceptorType() != null) {
                    r.setInterceptorType(text(r.getInterceptorType(), "interceptorType", report));
                }
                if (r.getInterceptorVersion() != null) {
                    r.setInterceptorVersion(text(r.getInterceptorVersion(), "interceptorVersion", report));
                }
            }
            default -> throw new IllegalArgumentException("no scrubber for " + kind);
        }
        return report.paths;
    }

    private void endpoint(EndpointRef ref, String field, int index, Report report) {
        String method = redact(ref.getMethod(), report);
        if (method != ref.getMethod()) {
            report.paths.add(at(field, index) + ".method");
            ref.setMethod(method);
        }
        String host = redact(ref.getHost(), report);
        if (host != ref.getHost()) {
            report.paths.add(at(field, index) + ".host");
            ref.setHost(host);
        }
        String template = redact(ref.getPathTemplate(), report);
        if (template != ref.getPathTemplate()) {
            report.paths.add(at(field, index) + ".pathTemplate");
            ref.setPathTemplate(template);
        }
    }

    private static String at(String field, int index) {
        return index < 0 ? field : field + "[" + index + "]";
    }

    // ------------------------------------------------------------------------------------------------ fields

    private static boolean denied(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : DENIED_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private boolean secretInKey(String key) {
        return redactor.containsSecret(key);
    }

    private Map<String, String> textMap(Map<String, String> map, String at, Report report) {
        if (map == null || map.isEmpty()) {
            return map;
        }
        Map<String, String> copy = null;
        for (Map.Entry<String, String> e : map.entrySet()) {
            String key = e.getKey();
            if (denied(key)) {
                report.paths.add(at + "." + key);
                copy = copy == null ? new HashMap<>(map) : copy;
                copy.remove(key);
            } else if (secretInKey(key)) {
                report.paths.add(at + "." + MARKER);
                copy = copy == null ? new HashMap<>(map) : copy;
                copy.remove(key);
            } else if (e.getValue() != null) {
                String value = e.getValue();
                String redacted = redact(value, report);
                if (redacted != value) {
                    report.paths.add(at + "." + key);
                    copy = copy == null ? new HashMap<>(map) : copy;
                    copy.put(key, redacted);
                }
            }
        }
        return copy == null ? map : copy;
    }

    private <V> Map<String, V> keysOnly(Map<String, V> map, String at, Report report) {
        if (map == null || map.isEmpty()) {
            return map;
        }
        Map<String, V> copy = null;
        for (String key : map.keySet()) {
            if (denied(key)) {
                report.paths.add(at + "." + key);
                copy = copy == null ? new HashMap<>(map) : copy;
                copy.remove(key);
            } else if (secretInKey(key)) {
                report.paths.add(at + "." + MARKER);
                copy = copy == null ? new HashMap<>(map) : copy;
                copy.remove(key);
            }
        }
        return copy == null ? map : copy;
    }

    private List<String> textList(List<String> list, String at, Report report) {
        if (list == null || list.isEmpty()) {
            return list;
        }
        List<String> copy = null;
        for (int i = 0; i < list.size(); i++) {
            String value = list.get(i);
            String redacted = redact(value, report);
            if (redacted != value) {
                report.paths.add(at + "[" + i + "]");
                copy = copy == null ? new ArrayList<>(list) : copy;
                copy.set(i, redacted);
            }
        }
        return copy == null ? list : copy;
    }

    private String text(String value, String at, Report report) {
        String redacted = redact(value, report);
        if (redacted != value) {
            report.paths.add(at);
        }
        return redacted;
    }

    /** Every secret replaced by the marker, by the processor's redactor, counted per rule. */
    private String redact(String text, Report report) {
        return redactor.redact(text, report::redaction);
    }

    // ------------------------------------------------------------------------------------------------ YAML

    /** A YAML scrub made at the empty path: the output, the paths below it, the redactions. */
    private record YamlScrub(String output, List<String> paths, Map<String, Integer> redactions) {}

    private String yaml(String text, StringBuilder at, Report report) {
        YamlScrub known = yamlScrubs.get(text);
        if (known == null) {
            Report effects = new Report();
            String output = scrubYaml(text, new StringBuilder(), effects);
            known = new YamlScrub(output, List.copyOf(effects.paths),
                    effects.redactions == null ? Map.of() : Map.copyOf(effects.redactions));
            if (yamlScrubs.size() < 256) {
                yamlScrubs.put(text, known);
            }
        }
        String prefix = at.toString();
        known.paths().forEach(relative -> report.paths.add(prefix + relative));
        known.redactions().forEach((rule, n) -> {
            for (int k = 0; k < n; k++) {
                report.redaction(rule);
            }
        });
        return known.output();
    }

    private String scrubYaml(String text, StringBuilder at, Report report) {
        if (text.isBlank()) {
            return "";
        }
        List<JsonNode> documents = new ArrayList<>(1);
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (docs.hasNextValue()) {
                documents.add(docs.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            report.paths.add(at.toString());
            return "";
        }
        for (JsonNode doc : documents) {
            yamlNode(doc, at, report); // re-emitted whether or not anything changed, as the processor does
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
            report.paths.add(at.toString());
            return "";
        }
    }

    /** Scrubs an object or array in place; returns whether anything changed. {@code at} is restored on return. */
    private boolean yamlNode(JsonNode node, StringBuilder at, Report report) {
        boolean changed = false;
        int mark = at.length();
        if (node instanceof ObjectNode object) {
            List<String> removals = null;
            List<Map.Entry<String, JsonNode>> replacements = null;
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = field.getKey();
                boolean denied = denied(key);
                if (denied || secretInKey(key)) {
                    report.paths.add(at.append('.').append(denied ? key : MARKER).toString());
                    at.setLength(mark);
                    removals = removals == null ? new ArrayList<>(2) : removals;
                    removals.add(key);
                    continue;
                }
                JsonNode value = field.getValue();
                at.append('.').append(key);
                if (value.isTextual()) {
                    String redacted = redact(value.textValue(), report);
                    if (redacted != value.textValue()) {
                        report.paths.add(at.toString());
                        replacements = replacements == null ? new ArrayList<>(2) : replacements;
                        replacements.add(Map.entry(key, TextNode.valueOf(redacted)));
                    }
                } else {
                    changed |= yamlNode(value, at, report);
                }
                at.setLength(mark);
            }
            if (removals != null) {
                object.remove(removals);
                changed = true;
            }
            if (replacements != null) {
                replacements.forEach(r -> object.set(r.getKey(), r.getValue()));
                changed = true;
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                at.append('[').append(i).append(']');
                if (element.isTextual()) {
                    String redacted = redact(element.textValue(), report);
                    if (redacted != element.textValue()) {
                        report.paths.add(at.toString());
                        array.set(i, TextNode.valueOf(redacted));
                        changed = true;
                    }
                } else {
                    changed |= yamlNode(element, at, report);
                }
                at.setLength(mark);
            }
        }
        return changed;
    }
}
