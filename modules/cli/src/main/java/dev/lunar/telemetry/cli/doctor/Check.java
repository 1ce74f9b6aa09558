package dev.lunar.telemetry.cli.doctor;

/**
 * The outcome of one deployment check, printed as one line: {@code OK    what} or {@code FAIL  what — fix: how}.
 *
 * @param ok   whether the deployment passed this check
 * @param what what was checked and what was found
 * @param fix  what an operator should do (empty when {@code ok})
 */
public record Check(boolean ok, String what, String fix) {

    public static Check ok(String what) {
        return new Check(true, what, "");
    }

    public static Check fail(String what, String fix) {
        return new Check(false, what, fix);
    }

    public String line() {
        return ok ? "OK    " + what : "FAIL  " + what + " — fix: " + fix;
    }
}
