package dev.lunar.telemetry.processor.privacy.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Runs a detector and checks the {@link TextDetector} contract on every call: spans in order, disjoint, in range,
 * each with at least {@link TextDetector#minDigits()} digits (the redactor skips the detector on text with fewer).
 */
final class DetectedSpans {

    private DetectedSpans() {
    }

    /** The spans {@code detector} reports in {@code text}, as {@code [start, end)} pairs, contract checked. */
    static List<int[]> spans(TextDetector detector, String text) {
        List<int[]> spans = new ArrayList<>();
        detector.find(text, (start, end) -> {
            assertThat(start).as("%s span start in %s", detector.name(), text).isBetween(0, end - 1);
            assertThat(end).as("%s span end", detector.name()).isLessThanOrEqualTo(text.length());
            if (!spans.isEmpty()) {
                assertThat(start).as("%s spans increase and do not overlap", detector.name())
                        .isGreaterThanOrEqualTo(spans.get(spans.size() - 1)[1]);
            }
            assertThat(text.substring(start, end).chars().filter(c -> c >= '0' && c <= '9').count())
                    .as("%s span %s holds minDigits() digits at least", detector.name(), text.substring(start, end))
                    .isGreaterThanOrEqualTo(detector.minDigits());
            spans.add(new int[] {start, end});
        });
        return spans;
    }

    /** The texts of the spans {@code detector} reports in {@code text}. */
    static List<String> found(TextDetector detector, String text) {
        return spans(detector, text).stream().map(span -> text.substring(span[0], span[1])).toList();
    }

    /** {@code unit} repeated to one megabyte: the adversarial inputs of the linear-time tests. */
    static String megabyteOf(String unit) {
        return unit.repeat(1_000_000 / unit.length() + 1);
    }

    /** Lower-case words joined by single spaces, possibly none: text around a value that no detector can match. */
    static Arbitrary<String> prose() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
                .list().ofMaxSize(5).map(words -> String.join(" ", words));
    }

    /** A value placed inside prose the way telemetry holds it: after {@code =}, in JSON or YAML, mid-sentence. */
    record Placed(String text, int start, int end) {
    }

    static Arbitrary<Placed> placed(Arbitrary<String> values) {
        Arbitrary<String> before = Arbitraries.of("", " ", "=", ": ", "\"", "'", "(", "\n", "\t", "{\"value\":\"",
                "value: ", "[");
        Arbitrary<String> after = Arbitraries.of("", " ", ".", ",", "\"", ")", "\n", ";", "\"}", "]", ". ");
        return Combinators.combine(prose(), before, values, after, prose()).as((left, open, value, close, right) -> {
            String head = left.isEmpty() ? open : left + (open.isEmpty() ? " " : open);
            String tail = right.isEmpty() ? close : (close.isEmpty() ? " " : close) + right;
            return new Placed(head + value + tail, head.length(), head.length() + value.length());
        });
    }

    /**
     * Tokens every telemetry stream is full of and no detector may report: versions, timestamps, dates, durations,
     * ports, IP addresses, UUIDs, hex commit ids, order numbers, counters, status codes, epoch times, host names.
     */
    static Arbitrary<String> benignTokens() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 99);
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(7).ofMaxLength(40)
                .filter(h -> h.chars().anyMatch(Character::isLetter));
        Arbitrary<String> version = Combinators.combine(small, small, Arbitraries.integers().between(0, 999))
                .as((a, b, c) -> a + "." + b + "." + c);
        Arbitrary<String> timestamp = Combinators.combine(Arbitraries.integers().between(2000, 2099),
                        Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 28),
                        Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 59),
                        Arbitraries.integers().between(0, 999))
                .as((y, mo, d, h, mi, ms) -> String.format("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, mi, ms));
        Arbitrary<String> logTime = Combinators.combine(Arbitraries.integers().between(2000, 2099),
                        Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 28),
                        Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 999))
                .as((y, mo, d, h, ms) -> String.format("%04d-%02d-%02d %02d:%02d:%02d,%03d", y, mo, d, h, h, h, ms));
        Arbitrary<String> date = Combinators.combine(Arbitraries.integers().between(1, 28),
                        Arbitraries.integers().between(1, 12), Arbitraries.integers().between(2000, 2099),
                        Arbitraries.of(".", "/", "-"))
                .as((d, m, y, sep) -> String.format("%02d%s%02d%s%04d", d, sep, m, sep, y));
        Arbitrary<String> duration = Combinators.combine(Arbitraries.integers().between(0, 99_999),
                Arbitraries.of("ms", "s", "us", "ns", "m")).as((v, unit) -> v + unit);
        Arbitrary<String> port = Arbitraries.integers().between(1, 65_535).map(p -> "localhost:" + p);
        Arbitrary<String> ip = Combinators.combine(octet, octet, octet, octet).as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
        Arbitrary<String> uuid = Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                .as((hi, lo) -> new java.util.UUID(hi, lo).toString());
        Arbitrary<String> order = Arbitraries.strings().numeric().ofMinLength(4).ofMaxLength(10).map(d -> "ORD-" + d);
        Arbitrary<String> counter = Combinators.combine(Arbitraries.of("requests=", "bytes=", "count: ", "n="),
                Arbitraries.longs().between(0, 999_999_999_999L)).as((k, v) -> k + v);
        Arbitrary<String> status = Arbitraries.integers().between(100, 599).map(s -> "status=" + s);
        Arbitrary<String> epochMillis = Arbitraries.longs().between(1_500_000_000_000L, 1_999_999_999_999L)
                .map(String::valueOf);
        Arbitrary<String> host = Combinators.combine(octet, octet, octet).as((a, b, c) -> "ip-10-" + a + "-" + b + "-" + c
                + ".ec2.internal");
        Arbitrary<String> decimal = Arbitraries.doubles().between(0, 1000).ofScale(6).map(String::valueOf);
        Arbitrary<String> token = Arbitraries.oneOf(List.of(hex, version, timestamp, logTime, date, duration, port, ip,
                uuid, order, counter, status, epochMillis, host, decimal));
        return token.list().ofMinSize(1).ofMaxSize(8).map(tokens -> String.join(" ", tokens));
    }
}
