package dev.lunar.telemetry.cli.config;

/** A configuration value that cannot be used. The message names the key, where it came from, and the fix. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
