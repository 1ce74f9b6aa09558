package dev.lunar.telemetry.settings;

/** A setting's value that cannot be used; the message names the key, the bound or rule, and the fix. */
public final class InvalidSettingException extends IllegalArgumentException {
    private final String key;

    public InvalidSettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The key at fault, e.g. {@code processor.max-in-flight}: no need to find it in the message. */
    public String key() {
        return key;
    }
}
