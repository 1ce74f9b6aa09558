package dev.lunar.telemetry.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the default back end: an embedded H2 file under the data directory. */
class H2StorageTest extends ControlPlaneStorageContract {
    @TempDir
    static Path dataDir;

    @Override
    ControlPlaneSettings.Builder storage() {
        return ControlPlaneSettings.builder().dataDir(dataDir);
    }

    @Test
    void theEmbeddedDatabaseIsAFileUnderTheDataDirectory() {
        String tenant = freshTenant();
        try (ControlPlaneServer cp = start(tenant)) {
            assertThat(cp.storageDescription()).contains("embedded H2");
        }
        assertThat(dataDir.resolve("control-plane").resolve("aggregates.mv.db")).isRegularFile();
    }
}
