package dev.lunar.telemetry.cli.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lunar.telemetry.events.EventKind;
import dev.lunar.telemetry.events.inventory.OutgoingField;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/data-inventory.md} is what the code generates, and every source it names is a field of an enriched
 * record. {@code -Dinventory.write=true} rewrites the document instead of failing.
 */
class DataInventoryDocumentTest {

    @Test
    void checkedInDocumentIsWhatTheCodeGenerates() throws Exception {
        Path file = repositoryRoot().resolve(DataInventory.DOCUMENT);
        String generated = DataInventory.markdown();
        if (Boolean.getBoolean("inventory.write")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }

        String checkedIn = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";

        assertThat(checkedIn).as("%s differs from what the field registries generate: regenerate it with%n  %s%n"
                + "and commit it", DataInventory.DOCUMENT, DataInventory.REGENERATE).isEqualTo(generated);
    }

    @Test
    void documentHasOneTablePerDestination() {
        String md = DataInventory.markdown();

        for (OutgoingField.Destination d : OutgoingField.Destination.values()) {
            assertThat(md).contains("\n## " + d.title() + "\n");
        }
        assertThat(md).contains("| `lunar.proxy.cpu.percent` | metric |", "| `windows[].endpoints[].latency.p95Ms` |",
                "| `{tenant tag}` | tag key |");
    }

    @Test
    void everySourceIsAFieldOfAnEnrichedRecord() {
        List<String> unknown = new ArrayList<>();
        for (OutgoingField f : DataInventory.fields()) {
            for (String source : f.sources()) {
                if (!resolves(source)) {
                    unknown.add(f.key() + ": " + source);
                }
            }
        }
        assertThat(unknown).as("sources that name no enriched record field").isEmpty();
    }

    private static boolean resolves(String source) {
        String record = source.substring(0, source.indexOf('.'));
        List<String> path = InventoryCheck.tokens(source.substring(source.indexOf('.') + 1));
        return Arrays.stream(EventKind.values())
                .map(k -> k.enrichedType())
                .filter(t -> record.equals("*") || t.getSimpleName().equals(record))
                .anyMatch(t -> resolves(schemaOf(t), path, 0));
    }

    private static Schema schemaOf(Class<?> type) {
        return org.apache.avro.specific.SpecificData.get().getSchema(type);
    }

    private static boolean resolves(Schema schema, List<String> path, int at) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().anyMatch(s -> resolves(s, path, at));
        }
        if (at == path.size()) {
            return true;
        }
        String token = path.get(at);
        return switch (schema.getType()) {
            case RECORD -> schema.getField(token) != null && resolves(schema.getField(token).schema(), path, at + 1);
            case ARRAY -> token.equals(SentKeys.ELEMENT) && resolves(schema.getElementType(), path, at + 1);
            default -> false;
        };
    }

    /** The directory with the parent pom and {@code modules/}: tests run in the module's directory. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("modules")) && Files.exists(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
