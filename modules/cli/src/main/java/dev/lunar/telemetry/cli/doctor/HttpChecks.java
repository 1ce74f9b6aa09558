package dev.lunar.telemetry.cli.doctor;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP side of {@code doctor}: the Datadog API key, through Datadog's documented validate call (GET
 * {@code /api/v1/validate} with {@code DD-API-KEY}: 200 {@code {"valid":true}}, 403 for a rejected key), and the
 * control plane: reachable ({@code /health}) and each tenant token the forwarder sends accepted (a read of the
 * tenant's summary with that bearer token, which the control plane authenticates exactly like the forwarder's
 * upserts). Nothing is written anywhere; the key and the tokens are never printed.
 */
final class HttpChecks {

    private final HttpClient http;
    private final Duration timeout;

    HttpChecks(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * @param validateUrl where to ask ({@code https://api.<site>/api/v1/validate}, or under {@code datadog.base-url})
     * @param apiKey      the key, or empty in dry-run
     * @param site        {@code datadog.site}, for the messages
     * @param dryRunWhy   why nothing is sent when {@code apiKey} is empty (or dry-run is forced)
     */
    Check datadogKey(URI validateUrl, Optional<String> apiKey, String site, String dryRunWhy) {
        if (apiKey.isEmpty()) {
            return Check.ok("Datadog: dry-run (" + dryRunWhy + "), nothing is sent, so there is no key to check");
        }
        HttpRequest request = HttpRequest.newBuilder(validateUrl).timeout(timeout)
                .header("DD-API-KEY", apiKey.get()).header("Accept", "application/json").GET().build();
        String where = "GET " + validateUrl;
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = answer.statusCode();
            if (status == 200 && answer.body().replace(" ", "").contains("\"valid\":true")) {
                return Check.ok("Datadog: DD_API_KEY accepted by " + site + " (" + where + ": 200)");
            }
            if (status == 401 || status == 403) {
                return Check.fail("Datadog: DD_API_KEY rejected by " + site + " (" + where + ": " + status + ")",
                        "set DD_API_KEY to an API key (not an application key) from Organization Settings > API Keys"
                                + " of the account on " + site + ", and check that datadog.site is that account's site");
            }
            if (status == 429) {
                return Check.fail("Datadog: " + where + " answered 429 (rate limited)", "wait a minute and run"
                        + " doctor again; the key could not be checked");
            }
            return Check.fail("Datadog: " + where + " answered " + status + " instead of 200 {\"valid\":true}",
                    "check datadog.site / datadog.base-url (a proxy in between?) and https://status.datadoghq.com");
        } catch (IOException e) {
            return Check.fail("Datadog: " + where + " failed (" + e + ")", "check that this host reaches " + site
                    + " over HTTPS (DNS, firewall, proxy) or fix datadog.base-url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail("Datadog: interrupted", "run doctor again");
        }
    }

    /** The control plane's {@code /health}; then, when it answers, one line per tenant token. */
    void controlPlane(URI base, Map<String, String> tenantTokens, String urlKey, List<Check> out) {
        URI health = base.resolve("/health");
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(health).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                out.add(Check.fail("control plane " + base + ": GET /health answered " + answer.statusCode() + " "
                        + abbreviate(answer.body()), "look at the control plane's log: its storage is probably down"
                        + " (control-plane.storage.jdbc-url)"));
                return;
            }
            out.add(Check.ok("control plane " + base + ": reachable (GET /health: 200)"));
        } catch (IOException e) {
            out.add(Check.fail("control plane " + base + ": not reachable (" + e + ")", "start it (`lunar-telemetry"
                    + " control-plane` or `run`), or set " + urlKey + " to where it listens"));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.add(Check.fail("control plane: interrupted", "run doctor again"));
            return;
        }
        if (tenantTokens.isEmpty()) {
            out.add(Check.ok("control plane tenant tokens: none configured (control-plane-forwarder.tenant-tokens),"
                    + " so no tenant's dashboard data is sent"));
        }
        tenantTokens.forEach((tenant, token) -> out.add(tenantToken(base, tenant, token)));
    }

    private Check tenantToken(URI base, String tenant, String token) {
        URI summary = base.resolve("/api/v1/tenants/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8)
                + "/summary");
        String what = "control plane token of tenant " + tenant;
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(summary).timeout(timeout)
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = answer.statusCode();
            if (status == 200) {
                return Check.ok(what + ": accepted");
            }
            if (status == 401 || status == 403) {
                return Check.fail(what + ": refused (" + status + "); the forwarder's windows for " + tenant
                        + " are refused too", "give control-plane-forwarder.tenant-tokens." + tenant
                        + " the same token as control-plane.tenant-tokens." + tenant + " on the control plane");
            }
            return Check.fail(what + ": GET " + summary.getPath() + " answered " + status + " "
                    + abbreviate(answer.body()), "look at the control plane's log");
        } catch (IOException e) {
            return Check.fail(what + ": request failed (" + e + ")", "check the control plane is up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail(what + ": interrupted", "run doctor again");
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 160) + "…";
    }
}
