package dev.lunar.telemetry.benchmarks;

import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.privacy.PrivacyRules;
import dev.lunar.telemetry.processor.privacy.ScrubReport;
import dev.lunar.telemetry.processor.privacy.ValueRedactor;

/**
 * The processor's {@link ValueRedactor} with the built-in rules (and the settings' extra patterns), built through
 * {@link PrivacyRules} exactly as the processor builds it, for the redactor benchmark and the hand-written scrubber.
 */
public final class RedactorProbe {

    private final ValueRedactor redactor;

    private RedactorProbe(ValueRedactor redactor) {
        this.redactor = redactor;
    }

    /** The redactor the processor builds from {@code settings}. */
    public static RedactorProbe of(ProcessorSettings settings) {
        return new RedactorProbe(PrivacyRules.of(settings).redactor());
    }

    /** {@code text} with every secret replaced by the marker (the same instance when nothing was found). */
    public String redact(String text) {
        return redactor.redact(text, ScrubReport.empty());
    }

    /** As {@link #redact(String)}, telling {@code counted} the rule of each replacement. */
    public String redact(String text, java.util.function.Consumer<String> counted) {
        ScrubReport report = ScrubReport.empty();
        String out = redactor.redact(text, report);
        report.redactionsByPattern().forEach((rule, n) -> {
            for (int i = 0; i < n; i++) {
                counted.accept(rule);
            }
        });
        return out;
    }

    /** Whether a map or YAML key holds a secret (and is dropped), as the processor decides it. */
    public boolean containsSecret(String key) {
        return redactor.containsSecret(key, ScrubReport.empty());
    }
}
