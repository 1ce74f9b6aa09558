package dev.lunar.telemetry.kafka.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reactor Kafka (discontinued upstream) stays inside this module's {@code ...runtime.internal} package: no other
 * module's main code, and no public class of the runtime, imports {@code reactor.kafka}.
 */
class RuntimeBoundaryTest {

    private static final Path MODULES = Path.of("..").toAbsolutePath().normalize();

    @Test
    void onlyTheRuntimesInternalPackageImportsReactorKafka() throws IOException {
        assertThat(MODULES.resolve("kafka-runtime/pom.xml")).as("run from modules/kafka-runtime").exists();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(MODULES)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/"))
                    .filter(p -> !p.toString().contains("/kafka-runtime/src/main/java/dev/lunar/telemetry/kafka/runtime/internal/"))
                    .filter(RuntimeBoundaryTest::importsReactorKafka)
                    .map(p -> MODULES.relativize(p).toString())
                    .toList();
        }
        assertThat(offenders).as("main sources importing reactor.kafka outside kafka-runtime's internal package")
                .isEmpty();
    }

    @Test
    void noOtherModuleDependsOnReactorKafka() throws IOException {
        List<String> offenders;
        try (Stream<Path> poms = Files.list(MODULES).map(m -> m.resolve("pom.xml")).filter(Files::exists)) {
            offenders = poms.filter(p -> !p.startsWith(MODULES.resolve("kafka-runtime")))
                    .filter(p -> read(p).contains("<artifactId>reactor-kafka</artifactId>"))
                    .map(p -> MODULES.relativize(p).toString())
                    .toList();
        }
        assertThat(offenders).as("modules declaring reactor-kafka themselves").isEmpty();
    }

    private static boolean importsReactorKafka(Path file) {
        return read(file).lines().anyMatch(l -> l.startsWith("import reactor.kafka") || l.startsWith(
                "import static reactor.kafka"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
