package dev.lunar.telemetry.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lunar.telemetry.cli.config.ConfigSource;
import dev.lunar.telemetry.cli.config.ProcessorConfig;
import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.processor.ProcessorSettings;
import dev.lunar.telemetry.processor.tenants.TenantAdmin;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lunar-telemetry tenants put|get|delete|list}: the tenant table in {@code tenants.v1}. */
@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Reads and writes the tenant table (the compacted topic tenants.v1) the processor follows.",
        subcommands = {TenantsCommand.Put.class, TenantsCommand.Get.class, TenantsCommand.Delete.class,
                TenantsCommand.ListTenants.class})
final class TenantsCommand {

    /** What every tenants subcommand shares: where Kafka is, and error reporting. */
    abstract static class TenantTool implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        abstract int run(TenantAdmin admin, PrintWriter out) throws Exception;

        @Override
        public Integer call() throws Exception {
            ConfigSource config = kafka.config();
            String servers = kafka.bootstrapServers(config);
            PrintWriter out = spec.commandLine().getOut();
            // bound outside the try: a bad setting is a configuration error (exit 2), not a command error
            ProcessorSettings settings = ProcessorConfig.bind(config, servers);
            try (TenantAdmin admin = TenantAdmin.connect(settings)) {
                int exit = run(admin, out);
                out.flush();
                return exit;
            } catch (IllegalArgumentException | IllegalStateException e) {
                spec.commandLine().getErr().println("Error: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Adds or replaces tenants, from a YAML file (one tenant or a list under 'tenants:') or"
                    + " from flags.",
                    "API keys are hashed (SHA-256) before they are written; the key itself is never stored."})
    static final class Put extends TenantTool {
        @Option(names = {"-f", "--file"}, paramLabel = "YAML", description = "Tenants as YAML ('-' = stdin).")
        String file;

        @Option(names = "--id", description = "Tenant id.")
        String id;

        @Option(names = "--name", description = "Display name.")
        String name;

        @Option(names = "--plan", description = "open-source, control-plane or sandbox.")
        String plan;

        @Option(names = "--github-username", description = "Sandbox tenants only.")
        String githubUsername;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tenant tag (repeatable).")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(names = "--denylist", paramLabel = "PATTERN", description = "Extra field pattern (repeatable).")
        List<String> denylist = new ArrayList<>();

        @Option(names = "--api-key-env", paramLabel = "VAR",
                description = "Environment variable holding an API key that identifies the tenant's proxies"
                        + " (repeatable); kept off the command line so it is not in shell history.")
        List<String> apiKeyEnv = new ArrayList<>();

        @Override
        int run(TenantAdmin admin, PrintWriter out) throws Exception {
            List<TenantMetadata> tenants = TenantAdmin.parseYaml(file != null ? readFile() : fromFlags());
            for (TenantMetadata tenant : tenants) {
                TenantMetadata written = admin.put(tenant);
                out.printf("put %s (%s)%n", written.getId(), written.getPlan());
            }
            return 0;
        }

        private String readFile() throws Exception {
            if (id != null || name != null || plan != null) {
                throw new IllegalArgumentException("give either --file or --id/--name/--plan, not both");
            }
            return file.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        }

        private String fromFlags() throws Exception {
            if (id == null || name == null || plan == null) {
                throw new IllegalArgumentException("put needs --file, or --id, --name and --plan");
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", id);
            doc.put("name", name);
            doc.put("plan", plan);
            Optional.ofNullable(githubUsername).ifPresent(u -> doc.put("githubUsername", u));
            doc.put("tags", tags);
            doc.put("denylist", denylist);
            List<String> keys = new ArrayList<>();
            for (String var : apiKeyEnv) {
                String key = System.getenv(var);
                if (key == null || key.isBlank()) {
                    throw new IllegalArgumentException("--api-key-env " + var + ": the variable is not set");
                }
                keys.add(key);
            }
            doc.put("apiKeys", keys);
            return new YAMLMapper().writeValueAsString(doc);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints one tenant as YAML.")
    static final class Get extends TenantTool {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(TenantAdmin admin, PrintWriter out) {
            Optional<TenantMetadata> tenant = admin.get(id);
            if (tenant.isEmpty()) {
                spec.commandLine().getErr().println("No tenant " + id + " in tenants.v1.");
                return 1;
            }
            out.print(TenantAdmin.toYaml(List.of(tenant.get())));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a tenant (writes a tombstone); its proxies' events become known=false.")
    static final class Delete extends TenantTool {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(TenantAdmin admin, PrintWriter out) {
            if (!admin.delete(id)) {
                spec.commandLine().getErr().println("No tenant " + id + " in tenants.v1.");
                return 1;
            }
            out.printf("deleted %s%n", id);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Prints every tenant as YAML.")
    static final class ListTenants extends TenantTool {
        @Override
        int run(TenantAdmin admin, PrintWriter out) {
            out.print(TenantAdmin.toYaml(admin.list()));
            return 0;
        }
    }
}
