package dev.lunar.telemetry.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The dashboard's static files, read from the class path once at start-up: the page, its script and style, and
 * uPlot (the chart library) from its WebJar, whose version is whatever the build pinned. Nothing is fetched from
 * elsewhere, so the page works offline.
 */
final class DashboardAssets {
    private static final String OWN = "dev/lunar/telemetry/controlplane/dashboard/";
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Asset> byName;
    private final String uplotVersion;

    private DashboardAssets(Map<String, Asset> byName, String uplotVersion) {
        this.byName = byName;
        this.uplotVersion = uplotVersion;
    }

    static DashboardAssets load() {
        String version = readUplotVersion();
        String uplot = "META-INF/resources/webjars/uplot/" + version + "/dist/";
        return new DashboardAssets(Map.of(
                "index.html", new Asset(read(OWN + "index.html"), "text/html; charset=utf-8"),
                "dashboard.js", new Asset(read(OWN + "dashboard.js"), "text/javascript; charset=utf-8"),
                "dashboard.css", new Asset(read(OWN + "dashboard.css"), "text/css; charset=utf-8"),
                "uPlot.iife.min.js", new Asset(read(uplot + "uPlot.iife.min.js"), "text/javascript; charset=utf-8"),
                "uPlot.min.css", new Asset(read(uplot + "uPlot.min.css"), "text/css; charset=utf-8")), version);
    }

    Optional<Asset> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    String uplotVersion() {
        return uplotVersion;
    }

    private static String readUplotVersion() {
        Properties p = new Properties();
        try (InputStream in = resource(UPLOT_POM)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static byte[] read(String name) {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is missing from the class path: the control-plane jar or the"
                    + " org.webjars.npm:uplot dependency is incomplete");
        }
        return in;
    }
}
