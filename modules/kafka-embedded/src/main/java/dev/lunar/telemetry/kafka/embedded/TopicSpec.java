package dev.lunar.telemetry.kafka.embedded;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a topic should look like: its name, partition count, whether it is log-compacted, and any further
 * topic configs ({@code retention.ms}, {@code min.compaction.lag.ms}, …).
 *
 * <p>{@code compacted} decides {@code cleanup.policy}: {@code compact} when true, the broker default
 * ({@code delete}) when false. {@code configs} may still name {@code cleanup.policy} (for example
 * {@code compact,delete}) as long as it agrees with {@code compacted}.
 *
 * @param name       a legal Kafka topic name: 1–249 characters of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}
 * @param partitions at least 1
 * @param compacted  whether the topic is log-compacted ({@code cleanup.policy=compact})
 * @param configs    further topic configs, never null (copied, immutable)
 */
public record TopicSpec(String name, int partitions, boolean compacted, Map<String, String> configs) {

    /** The topic config that {@link #compacted()} decides. */
    public static final String CLEANUP_POLICY = "cleanup.policy";

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        requireLegalTopicName(name);
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, was " + partitions);
        }
        Objects.requireNonNull(configs, "configs");
        Map<String, String> copy = new LinkedHashMap<>();
        configs.forEach((key, value) -> {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("topic " + name + ": config keys and values must be non-null and keys non-blank, got "
                        + key + "=" + value);
            }
            copy.put(key, value);
        });
        String policy = copy.get(CLEANUP_POLICY);
        if (policy != null) {
            boolean saysCompact = policy.replace(" ", "").matches("(.*,)?compact(,.*)?");
            if (saysCompact != compacted) {
                throw new IllegalArgumentException("topic " + name + ": " + CLEANUP_POLICY + "=" + policy
                        + " contradicts compacted=" + compacted + "; set compacted accordingly or drop the config");
            }
        } else if (compacted) {
            copy.put(CLEANUP_POLICY, "compact");
        }
        configs = Map.copyOf(copy);
    }

    /** A plain (delete-policy) topic with no further configs. */
    public static TopicSpec topic(String name, int partitions) {
        return new TopicSpec(name, partitions, false, Map.of());
    }

    /** A compacted topic ({@code cleanup.policy=compact}) with no further configs. */
    public static TopicSpec compactedTopic(String name, int partitions) {
        return new TopicSpec(name, partitions, true, Map.of());
    }

    /** This spec with one more topic config. */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(configs);
        more.put(key, value);
        return new TopicSpec(name, partitions, compacted, more);
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code name} is a legal Kafka topic name.
     *
     * @param name the candidate name
     */
    public static void requireLegalTopicName(String name) {
        if (name == null || !LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("illegal topic name '" + name
                    + "': use 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'");
        }
    }
}
