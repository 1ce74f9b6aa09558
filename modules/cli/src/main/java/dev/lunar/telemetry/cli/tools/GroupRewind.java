package dev.lunar.telemetry.cli.tools;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Rewinds (or advances) a consumer group's committed offsets, the way {@code kafka-consumer-groups --reset-offsets}
 * does, but refusing while any member of the group is active — moving offsets under a running consumer is silently
 * undone by its next commit.
 */
public final class GroupRewind {

    /** Where to move each partition. */
    public sealed interface Target {
        record Earliest() implements Target {}

        record ToTime(Instant time) implements Target {}

        record ShiftBy(long delta) implements Target {}
    }

    /** One partition's move: from the committed offset (or -1 when none) to the new one. */
    public record Move(TopicPartition partition, long from, long to) {}

    private final Admin admin;

    public GroupRewind(Admin admin) {
        this.admin = admin;
    }

    /**
     * Computes the moves for every partition the group has committed on (limited to {@code topics} when not empty).
     *
     * @throws IllegalStateException if the group has active members or nothing committed
     */
    public List<Move> plan(String group, Collection<String> topics, Target target) throws InterruptedException {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group).get();
            if (!description.members().isEmpty() || description.groupState() == GroupState.STABLE
                    || description.groupState() == GroupState.PREPARING_REBALANCE
                    || description.groupState() == GroupState.COMPLETING_REBALANCE) {
                throw new IllegalStateException(String.format(
                        "consumer group %s is active (%s, %d member(s)): stop its consumers first, then reset",
                        group, description.groupState(), description.members().size()));
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Set<TopicPartition> partitions = committed.keySet().stream()
                    .filter(tp -> topics.isEmpty() || topics.contains(tp.topic()))
                    .collect(Collectors.toSet());
            if (partitions.isEmpty()) {
                throw new IllegalStateException("consumer group " + group + " has no committed offsets"
                        + (topics.isEmpty() ? "" : " on " + String.join(", ", topics))
                        + ": nothing to reset");
            }
            Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> atTime = target instanceof Target.ToTime t
                    ? offsets(partitions, OffsetSpec.forTimestamp(t.time().toEpochMilli()))
                    : Map.of();
            return partitions.stream()
                    .sorted((a, b) -> a.topic().equals(b.topic())
                            ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()))
                    .map(tp -> {
                        OffsetAndMetadata current = committed.get(tp);
                        long from = current == null ? -1 : current.offset();
                        long to = newOffset(target, from, earliest.get(tp), latest.get(tp), atTime.get(tp));
                        return new Move(tp, from, to);
                    })
                    .toList();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot plan the reset of " + group + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Commits the planned offsets for the group. */
    public void apply(String group, List<Move> moves) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        moves.forEach(m -> offsets.put(m.partition(), new OffsetAndMetadata(m.to())));
        try {
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reset " + group + ": " + e.getCause().getMessage()
                    + " (a consumer of the group may have started meanwhile: stop it and retry)", e.getCause());
        }
    }

    private static long newOffset(Target target, long committed, long earliest, long latest, Long atTime) {
        if (target instanceof Target.Earliest) {
            return earliest;
        }
        if (target instanceof Target.ToTime) {
            // no record at or after the time: the end, as kafka-consumer-groups does
            return atTime == null || atTime < 0 ? latest : atTime;
        }
        long delta = ((Target.ShiftBy) target).delta();
        return Math.max(earliest, Math.min(latest, Math.max(committed, 0) + delta));
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = partitions.stream()
                .collect(Collectors.toMap(tp -> tp, tp -> spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request).all().get();
        return result.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
