package dev.lunar.telemetry.cli.doctor;

import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.ControlPlaneConfig;
import dev.lunar.telemetry.cli.config.ControlPlaneForwarderConfig;
import dev.lunar.telemetry.cli.config.CoreSettings;
import dev.lunar.telemetry.cli.config.DatadogConfig;
import dev.lunar.telemetry.cli.config.ProcessorConfig;
import dev.lunar.telemetry.controlplane.ControlPlaneSettings;
import dev.lunar.telemetry.controlplane.forwarder.ControlPlaneForwarderSettings;
import dev.lunar.telemetry.datadog.DatadogSettings;
import dev.lunar.telemetry.events.DatadogSite;
import dev.lunar.telemetry.settings.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * {@code lunar-telemetry doctor}: checks a deployment as an on-call engineer would, from the same configuration
 * the services read (the YAML file and {@code LUNAR_*} / {@code DD_API_KEY}): Kafka reachable, every topic as the
 * pipeline creates it, the three consumer groups running and not too far behind, the Datadog API key accepted,
 * the control plane reachable and each tenant token accepted. Read-only.
 */
public final class Doctor {

    /**
     * @param bootstrap the brokers (the flag, else {@code kafka.bootstrap-servers}, else 127.0.0.1:9092)
     * @param timeout   per call
     * @param maxLag    a group further behind than this (records, summed over its partitions) fails
     */
    public record Options(String bootstrap, Duration timeout, long maxLag) {}

    private Doctor() {}

    /** Every check, in the order printed. Bad configuration throws the services' {@code InvalidSettingException}. */
    public static List<Check> run(ConfigSource config, Map<String, String> env, Options options) {
        CoreSettings core = CoreSettings.from(config);
        String processorGroup = ProcessorConfig.bind(config, options.bootstrap()).groupId();
        DatadogSettings datadog = DatadogConfig.bind(config, core.dataDirectory().toAbsolutePath().normalize(), env);
        ControlPlaneSettings controlPlane = ControlPlaneConfig.bind(config,
                core.dataDirectory().toAbsolutePath().normalize());
        ControlPlaneForwarderSettings forwarder = ControlPlaneForwarderConfig.bind(config,
                localControlPlane(config, controlPlane), Map.of());
        config.requireAllKeysKnown("data-dir", "kafka", "ops", "processor", "datadog", "control-plane",
                "control-plane-forwarder");

        List<Check> checks = new ArrayList<>();
        Admin admin;
        try {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) options.timeout().toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) options.timeout().toMillis(),
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
        } catch (org.apache.kafka.common.KafkaException e) {
            // e.g. no bootstrap address resolves
            admin = null;
            checks.add(Check.fail("Kafka: cannot connect to " + options.bootstrap() + " (" + e.getMessage() + ")",
                    "point kafka.bootstrap-servers / LUNAR_KAFKA_BOOTSTRAP_SERVERS / --bootstrap-servers at"
                            + " resolvable broker addresses"));
        }
        if (admin != null) {
            try (Admin open = admin) {
                KafkaChecks kafka = new KafkaChecks(open, options.bootstrap(), options.timeout());
                Collection<Node> brokers = kafka.brokers(checks);
                if (!brokers.isEmpty()) {
                    kafka.topics(core.partitions(), brokers.size(), checks);
                    for (KafkaChecks.Group group : KafkaChecks.groups(processorGroup, datadog.groupId(),
                            forwarder.groupId())) {
                        kafka.group(group, options.maxLag(), checks);
                    }
                }
            }
        }

        HttpChecks http = new HttpChecks(options.timeout());
        URI validate = datadog.baseUrl().map(b -> b.resolve(DatadogSite.VALIDATE_PATH))
                .orElse(datadog.site().validateUrl());
        String dryRunWhy = datadog.apiKey().isEmpty() ? "no " + DatadogSettings.API_KEY_ENV : "datadog.dry-run is true";
        checks.add(http.datadogKey(validate, datadog.isDryRun() ? Optional.empty() : datadog.apiKey(),
                datadog.site().domain(), dryRunWhy));
        http.controlPlane(forwarder.controlPlaneUrl(), forwarder.tenantTokens(), ControlPlaneForwarderSettings.URL.key(),
                checks);
        return checks;
    }

    /**
     * Where {@code run} points its forwarder when {@code control-plane-forwarder.url} is unset: the control plane
     * of the same configuration ({@code control-plane.port}), else the forwarder's default.
     */
    private static URI localControlPlane(ConfigSource config, ControlPlaneSettings controlPlane) {
        if (!config.isSet(ControlPlaneSettings.PORT) || controlPlane.port() == 0) {
            return null;
        }
        String host = controlPlane.host();
        return URI.create("http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + controlPlane.port());
    }
}
