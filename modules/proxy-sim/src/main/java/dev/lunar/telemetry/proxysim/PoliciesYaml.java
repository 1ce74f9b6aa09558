package dev.lunar.telemetry.proxysim;

import dev.lunar.telemetry.events.avro.EndpointRef;
import java.util.List;

/**
 * A tenant's {@code policies.yaml} as a Lunar-style proxy loads it: remedies per endpoint, accounts with tokens, and
 * exporters with their credentials — the credentials are canaries. Valid YAML.
 */
final class PoliciesYaml {

    static final List<String> ENABLED_POLICIES = List.of("Global rate limit", "Retry on 5xx", "Cache issues",
            "Partner basic auth", "Account orchestration");
    static final List<String> ENABLED_PLUGINS = List.of("har-exporter", "datadog-exporter", "prometheus-metrics");
    static final List<EndpointRef> ENDPOINTS_WITH_POLICIES = List.of(
            EndpointRef.newBuilder().setMethod("POST").setHost("api.stripe.com").setPathTemplate("/v1/charges").build(),
            EndpointRef.newBuilder().setMethod("GET").setHost("api.github.com")
                    .setPathTemplate("/repos/{owner}/{repo}/issues").build(),
            EndpointRef.newBuilder().setMethod("GET").setHost("reports.partner-data.io")
                    .setPathTemplate("/v2/exports/{id}").build());

    static final String GATEWAY_CONFIG = """
            # gateway_config.yaml
            port: 8000
            healthcheck_port: 8040
            log_level: info
            """;

    private PoliciesYaml() {}

    static String render(String tenantName, String slug, String region, Fleet.Secrets s) {
        return """
                # policies.yaml of %s
                global:
                  remedies:
                    - name: Global rate limit
                      enabled: true
                      config:
                        strategy_based_throttling:
                          allowed_request_count: 100
                          time_window: 1
                          time_window_unit: second
                endpoints:
                  - url: api.stripe.com/v1/charges
                    method: POST
                    remedies:
                      - name: Retry on 5xx
                        enabled: true
                        config:
                          retry:
                            attempts: 3
                            initial_cooldown_seconds: 1
                  - url: api.github.com/repos/{owner}/{repo}/issues
                    method: GET
                    remedies:
                      - name: Cache issues
                        enabled: true
                        config:
                          caching:
                            ttl_seconds: 60
                      - name: Account orchestration
                        enabled: true
                        config:
                          account_orchestration:
                            round_robin: [github-bot]
                  - url: reports.partner-data.io/v2/exports/{id}
                    method: GET
                    remedies:
                      - name: Partner basic auth
                        enabled: true
                        config:
                          basic_auth:
                            username: svc-reports
                            password: "%s"
                accounts:
                  github-bot:
                    tokens:
                      - header:
                          name: Authorization
                          value: "Bearer %s"
                exporters:
                  datadog:
                    site: datadoghq.eu
                    api_key: "%s"
                  s3:
                    bucket_name: %s-lunar-har
                    region: %s
                    aws_access_key_id: "%s"
                    aws_secret_access_key: "%s"
                """.formatted(tenantName, s.policiesPassword(), s.bearerToken(), s.datadogApiKey(), slug, region,
                s.awsAccessKeyId(), s.awsSecretAccessKey());
    }
}
