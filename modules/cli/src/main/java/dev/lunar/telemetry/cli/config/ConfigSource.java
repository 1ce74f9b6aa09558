package dev.lunar.telemetry.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lunar.telemetry.settings.InvalidSettingException;
import dev.lunar.telemetry.settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The pipeline's configuration: one YAML file ({@code lunar-telemetry.yaml}) whose every key can be overridden by an
 * environment variable named {@code LUNAR_} + the key in upper case with dots and dashes as underscores
 * ({@code processor.max-in-flight} ← {@code LUNAR_PROCESSOR_MAX_IN_FLIGHT}).
 *
 * <p>{@link #get} reads a key as its {@link Setting} defines it and fails with a {@link InvalidSettingException} that names
 * the key, where the value came from, what was expected and how to fix it. Keys are remembered as they are read, so {@link #requireAllKeysKnown} can reject a
 * misspelt key in the file instead of silently ignoring it.
 */
public final class ConfigSource {
    private final Map<String, Object> fileValues;
    private final Map<String, String> env;
    private final String fileName;
    private final Set<String> keysRead = ConcurrentHashMap.newKeySet();

    private ConfigSource(Map<String, Object> fileValues, Map<String, String> env, String fileName) {
        this.fileValues = fileValues;
        this.env = env;
        this.fileName = fileName;
    }

    /** Reads {@code file} (if given) and takes overrides from {@code env}. */
    public static ConfigSource load(Optional<Path> file, Map<String, String> env) {
        if (file.isEmpty()) {
            return new ConfigSource(Map.of(), env, "(no file)");
        }
        Path path = file.get();
        if (!Files.isRegularFile(path)) {
            throw new InvalidSettingException("--config", "configuration file " + path.toAbsolutePath()
                    + " does not exist. Fix: pass an existing file to --config, or leave --config out to run"
                    + " with defaults.");
        }
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
            Map<String, Object> flat = new LinkedHashMap<>();
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new InvalidSettingException("(root)", path + " must be a YAML mapping of keys to values.");
                }
                flatten("", root, flat);
            }
            return new ConfigSource(flat, env, path.toString());
        } catch (IOException e) {
            throw new InvalidSettingException("(file)", "cannot read " + path + " as YAML: "
                    + e.getMessage().lines().findFirst().orElse("") + ". Fix the YAML syntax at that position.");
        }
    }

    /** A source from explicit values, for tests and embedding. */
    public static ConfigSource of(Map<String, Object> values, Map<String, String> env) {
        return new ConfigSource(new LinkedHashMap<>(values), env, "(values)");
    }

    public static String envName(String key) {
        return Setting.environmentVariable(key);
    }

    /**
     * The value of {@code setting} from the environment or the file, parsed and checked by its definition, or its
     * default when neither sets it.
     */
    public <T> T get(Setting<T> setting) {
        Optional<Value> value = raw(setting.key());
        if (value.isEmpty()) {
            return setting.defaultValue();
        }
        Object v = value.get().value;
        String text = v instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(v);
        return setting.parse(text, value.get().origin);
    }

    /** The entries of an open-ended setting ({@link Setting#entries}), from the file. */
    public Map<String, String> entries(Setting<Map<String, String>> setting) {
        return map(setting.prefix());
    }


    /** The environment variable that overrides {@code setting}. */
    public static String envName(Setting<?> setting) {
        return setting.environmentVariable();
    }

    public boolean isSet(String key) {
        return raw(key).isPresent();
    }

    public boolean isSet(Setting<?> setting) {
        return isSet(setting.key());
    }

    public Optional<String> string(String key) {
        return raw(key).map(v -> v.value instanceof List<?> l
                ? l.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(v.value));
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    /**
     * The entries under {@code prefix} as a map from the rest of the key to its value — for open-ended settings such
     * as extra Kafka client properties ({@code processor.kafka.security.protocol: SSL}). Read from the file only:
     * environment variable names cannot carry dots.
     */
    public Map<String, String> map(String prefix) {
        Map<String, String> entries = new LinkedHashMap<>();
        fileValues.forEach((key, value) -> {
            if (key.startsWith(prefix + ".")) {
                keysRead.add(key);
                entries.put(key.substring(prefix.length() + 1), value instanceof List<?> l
                        ? l.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(value));
            }
        });
        return entries;
    }

    public Optional<Path> path(String key) {
        return string(key).map(Path::of);
    }

    /** Builds a {@link InvalidSettingException} for a value a module's own validation rejected. */
    public InvalidSettingException invalid(String key, String expectedAndFix) {
        return raw(key).map(v -> invalid(key, v, expectedAndFix))
                .orElseGet(() -> new InvalidSettingException(key, key + ": " + expectedAndFix));
    }

    /**
     * Fails on any key in the file under one of {@code sections} that no getter asked for — a typo would otherwise
     * be silently ignored and the default used.
     */
    public void requireAllKeysKnown(String... sections) {
        List<String> unknown = new ArrayList<>();
        for (String key : fileValues.keySet()) {
            boolean inSection = Arrays.stream(sections).anyMatch(s -> key.equals(s) || key.startsWith(s + "."));
            if (inSection && !keysRead.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            String key = unknown.get(0);
            String hint = closest(key).map(k -> " Did you mean '" + k + "'?").orElse("");
            throw new InvalidSettingException(key, "unknown key '" + key + "' in " + fileName + "." + hint
                    + " Fix: correct or remove it; the README lists every key.");
        }
    }

    /** Top-level sections present in the file, for commands that bind only some of them. */
    public Set<String> sections() {
        return fileValues.keySet().stream().map(k -> k.split("\\.", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private Optional<String> closest(String key) {
        return keysRead.stream().min((a, b) -> Integer.compare(distance(a, key), distance(b, key)))
                .filter(k -> distance(k, key) <= 3);
    }

    private Optional<Value> raw(String key) {
        keysRead.add(key);
        String envName = envName(key);
        String fromEnv = env.get(envName);
        if (fromEnv != null) {
            return Optional.of(new Value(fromEnv, "environment variable " + envName));
        }
        Object fromFile = fileValues.get(key);
        if (fromFile != null) {
            return Optional.of(new Value(fromFile, fileName));
        }
        return Optional.empty();
    }

    private static InvalidSettingException invalid(String key, Value value, String expected) {
        return new InvalidSettingException(key, String.format("%s = '%s' (from %s) is not valid: expected %s. Fix: set %s in"
                + " the configuration file or %s in the environment.", key, value.value, value.origin, expected, key,
                envName(key)));
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && !value.isEmpty()) {
                flatten(key, value, out);
            } else if (value.isArray()) {
                List<Object> items = new ArrayList<>();
                value.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
                out.put(key, items);
            } else if (!value.isNull()) {
                out.put(key, value.isValueNode() ? value.asText() : value.toString());
            }
        }
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private record Value(Object value, String origin) {}
}
