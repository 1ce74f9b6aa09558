package dev.lunar.telemetry.kafka.runtime.guarantees;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One reusable guarantee suite for everything built on the Kafka runtime (in the spirit of Decaton's
 * ProcessorTestSuite): a {@link Target} — the processor in either delivery mode, a consumer built on the kit — is
 * driven through the same hostile scenario, and pluggable {@link Guarantee}s are checked against what it produced.
 *
 * <p>The scenario, with records produced throughout: one member starts; two more join (three instances, a member
 * added mid-stream); a rolling restart replaces each original member in turn; one member is killed without a
 * graceful stop; the survivors finish. Completion across partitions is out of order wherever the target makes it so
 * (partitions are processed independently; a target may add random delays). While it runs, the group's committed
 * offsets are sampled: every input record below a committed offset must already have been observed (no commit
 * past an unfinished record).
 */
public final class GuaranteeSuite {

    /** What is under test: members of one consumer group reading {@link #inputTopic()}. */
    public interface Target {
        String name();

        String bootstrapServers();

        String inputTopic();

        String groupId();

        /** The input value of record {@code id} (e.g. an Avro event whose event id is {@code id}). */
        byte[] encode(String key, String id);

        /** Starts one more member of the group. */
        Member start();

        /** Every output observed so far: the input ids, in the order observed (duplicates included). */
        List<String> observed();
    }

    /** One running member. */
    public interface Member {
        /** Graceful stop: drain, commit, close. */
        void close();

        /** A crash: stop without draining or committing (as kill -9 would). */
        void kill();
    }

    /** A property of the observed output. */
    public interface Guarantee {
        String name();

        /** @throws AssertionError naming what went wrong */
        void check(List<Produced> produced, List<String> observed);
    }

    /** An input record as produced: key, id (unique, {@code <key>#<seq>} with seq rising per key), position. */
    public record Produced(String key, String id, int seq, TopicPartition partition, long offset) {}

    private final int records;
    private final int keys;

    /** @param records how many input records the scenario produces (split in four rounds) */
    public GuaranteeSuite(int records, int keys) {
        this.records = records;
        this.keys = keys;
    }

    /** Runs the scenario against {@code target} and checks every guarantee; fails with all violations found. */
    public void run(Target target, Guarantee... guarantees) {
        List<Produced> produced = new ArrayList<>();
        List<String> commitViolations = new ArrayList<>();
        Map<String, Integer> seqs = new HashMap<>();
        List<Member> members = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(target.bootstrapServers());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     target.bootstrapServers()))) {
            int round = records / 4;
            members.add(target.start());
            produce(producer, target, round, seqs, produced);
            awaitObserved(target, produced.size() / 2);
            checkCommits(admin, target, produced, commitViolations);

            // a member added mid-stream, then a third: three instances
            members.add(target.start());
            members.add(target.start());
            produce(producer, target, round, seqs, produced);
            checkCommits(admin, target, produced, commitViolations);

            // rolling restart of the first member
            members.remove(0).close();
            members.add(target.start());
            produce(producer, target, round, seqs, produced);
            checkCommits(admin, target, produced, commitViolations);

            // one member killed mid-stream
            members.remove(0).kill();
            produce(producer, target, records - 3 * round, seqs, produced);
            awaitAllObserved(target, produced);
            checkCommits(admin, target, produced, commitViolations);
        } finally {
            members.forEach(m -> {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    // best effort: the next run uses new topics
                }
            });
        }
        List<String> observed = target.observed();
        List<String> failures = new ArrayList<>();
        if (!commitViolations.isEmpty()) {
            failures.add("no commit past an unfinished record: " + commitViolations.subList(0,
                    Math.min(5, commitViolations.size())));
        }
        for (Guarantee g : guarantees) {
            try {
                g.check(produced, observed);
            } catch (AssertionError e) {
                failures.add(g.name() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(target.name() + " broke " + failures.size() + " guarantee(s): " + failures);
        }
    }

    private void produce(KafkaProducer<byte[], byte[]> producer, Target target, int n, Map<String, Integer> seqs,
                         List<Produced> produced) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<String[]> sentIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = "key-" + ((produced.size() + i) % keys);
            int seq = seqs.merge(key, 1, Integer::sum);
            String id = key + "#" + seq;
            sent.add(producer.send(new ProducerRecord<>(target.inputTopic(), key.getBytes(StandardCharsets.UTF_8),
                    target.encode(key, id))));
            sentIds.add(new String[] {key, id, Integer.toString(seq)});
        }
        for (int i = 0; i < sent.size(); i++) {
            try {
                RecordMetadata md = sent.get(i).get();
                String[] k = sentIds.get(i);
                produced.add(new Produced(k[0], k[1], Integer.parseInt(k[2]),
                        new TopicPartition(md.topic(), md.partition()), md.offset()));
            } catch (Exception e) {
                throw new IllegalStateException("producing the suite's input failed", e);
            }
        }
    }

    private static void awaitObserved(Target target, int atLeast) {
        await().atMost(Duration.ofSeconds(120)).until(() -> distinct(target.observed()) >= atLeast);
    }

    private static void awaitAllObserved(Target target, List<Produced> produced) {
        awaitObserved(target, produced.size());
    }

    private static long distinct(List<String> observed) {
        return observed.stream().distinct().count();
    }

    /** Committed offsets first, then what was observed: everything below a commit must be in it. */
    private static void checkCommits(Admin admin, Target target, List<Produced> produced, List<String> violations) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(target.groupId()).partitionsToOffsetAndMetadata().get();
        } catch (Exception e) {
            throw new IllegalStateException("reading the group's offsets failed", e);
        }
        java.util.Set<String> observed = new java.util.HashSet<>(target.observed());
        for (Produced p : produced) {
            OffsetAndMetadata c = committed.get(p.partition());
            if (c != null && p.offset() < c.offset() && !observed.contains(p.id())) {
                violations.add(p.id() + " at " + p.partition() + "@" + p.offset() + " below commit " + c.offset());
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    // ---- the guarantees --------------------------------------------------------------------------------------

    /** Every input is observed at least once. */
    public static Guarantee atLeastOnce() {
        return guarantee("at-least-once", (produced, observed) -> {
            java.util.Set<String> seen = new java.util.HashSet<>(observed);
            List<String> missing = produced.stream().map(Produced::id).filter(id -> !seen.contains(id)).toList();
            if (!missing.isEmpty()) {
                throw new AssertionError(missing.size() + " inputs never observed, e.g. "
                        + missing.subList(0, Math.min(5, missing.size())));
            }
        });
    }

    /** Every input is observed exactly once (read_committed output of a transactional target). */
    public static Guarantee exactlyOnce() {
        return guarantee("exactly-once", (produced, observed) -> {
            atLeastOnce().check(produced, observed);
            Map<String, Integer> counts = new LinkedHashMap<>();
            observed.forEach(id -> counts.merge(id, 1, Integer::sum));
            List<String> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            if (!twice.isEmpty()) {
                throw new AssertionError(twice.size() + " inputs observed more than once, e.g. "
                        + twice.subList(0, Math.min(5, twice.size())));
            }
        });
    }

    /** Per key, inputs are first observed in the order they were produced (redeliveries only repeat). */
    public static Guarantee perKeyOrder() {
        return guarantee("per-key order", (produced, observed) -> {
            Map<String, Integer> lastFirstSeen = new HashMap<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String id : observed) {
                if (seen.add(id)) {
                    String key = id.substring(0, id.indexOf('#'));
                    int seq = Integer.parseInt(id.substring(id.indexOf('#') + 1));
                    int before = lastFirstSeen.getOrDefault(key, 0);
                    if (seq <= before) {
                        throw new AssertionError(id + " first observed after " + key + "#" + before);
                    }
                    lastFirstSeen.put(key, seq);
                }
            }
        });
    }

    private static Guarantee guarantee(String name, java.util.function.BiConsumer<List<Produced>, List<String>> check) {
        return new Guarantee() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void check(List<Produced> produced, List<String> observed) {
                check.accept(produced, observed);
            }
        };
    }
}
