package dev.lunar.telemetry.proxysim;

import dev.lunar.telemetry.events.avro.TenantMetadata;
import dev.lunar.telemetry.events.avro.TenantPlan;
import dev.lunar.telemetry.proxysim.Canaries.Canary;
import dev.lunar.telemetry.proxysim.Canaries.Category;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The simulated fleet, derived from the seed alone: tenants with their plans, API keys and planted secrets, and the
 * proxies with their identities, start times and environments. Immutable.
 */
final class Fleet {

    static final TenantPlan[] PLANS = {TenantPlan.OPEN_SOURCE, TenantPlan.CONTROL_PLANE, TenantPlan.SANDBOX};

    private static final String[] COMPANIES = {"Acme Robotics", "Globex", "Initech", "Umbrella Health", "Hooli",
        "Stark Logistics", "Wayne Fintech", "Soylent Foods", "Cyberdyne Analytics", "Tyrell Bio", "Wonka Retail",
        "Vandelay Imports", "Pied Piper", "Massive Dynamic", "Oscorp", "Aperture Labs", "Black Mesa", "Blue Sun",
        "Monarch Travel", "Nakatomi Trading"};
    private static final String[] FIRST_NAMES = {"maria", "li", "ahmed", "sofia", "john", "aiko", "noah", "fatima",
        "lucas", "priya"};
    private static final String[] LAST_NAMES = {"lopez", "chen", "hassan", "rossi", "smith", "tanaka", "muller",
        "okafor", "silva", "patel"};
    private static final String[] TEAMS = {"platform", "payments", "growth", "data", "mobile"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1"};
    private static final String[] CONSUMERS = {"billing-service", "checkout-api", "notifications-worker",
        "search-indexer", "reporting-job", "mobile-bff"};
    private static final String[] VERSIONS = {"1.4.2", "1.5.0", "1.5.1", "1.6.0"};
    private static final String[] RESTART_REASONS = {"OOMKilled (exit code 137)",
        "liveness probe failed: GET /healthcheck timed out after 5s",
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "SIGTERM not handled within the 30s grace period"};
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String HEX = "0123456789abcdef";

    /** Everything secret of one tenant; every field is a {@link Canary}. */
    record Secrets(String apiKey, String authorizationToken, String sessionCookie, String stripeKey,
            String awsAccessKeyId, String awsSecretAccessKey, String githubToken, String jwt, String bearerToken,
            String urlPassword, String databasePassword, String email, String policiesPassword, String datadogApiKey) {

        Map<Category, String> byCategory() {
            Map<Category, String> m = new LinkedHashMap<>();
            m.put(Category.TENANT_API_KEY, apiKey);
            m.put(Category.AUTHORIZATION_HEADER, authorizationToken);
            m.put(Category.SESSION_COOKIE, sessionCookie);
            m.put(Category.STRIPE_SECRET_KEY, stripeKey);
            m.put(Category.AWS_ACCESS_KEY_ID, awsAccessKeyId);
            m.put(Category.AWS_SECRET_ACCESS_KEY, awsSecretAccessKey);
            m.put(Category.GITHUB_TOKEN, githubToken);
            m.put(Category.JWT, jwt);
            m.put(Category.BEARER_TOKEN, bearerToken);
            m.put(Category.URL_PASSWORD, urlPassword);
            m.put(Category.DATABASE_PASSWORD, databasePassword);
            m.put(Category.EMAIL, email);
            m.put(Category.POLICIES_PASSWORD, policiesPassword);
            m.put(Category.DATADOG_API_KEY, datadogApiKey);
            return m;
        }
    }

    record Tenant(int index, String id, String name, String slug, TenantPlan plan, Optional<String> githubUsername,
            Map<String, String> tags, String region, List<String> consumers, Secrets secrets, String policiesYaml) {}

    record Proxy(int index, ProxyIdentity identity, Tenant tenant, Instant startedAt, int restarts,
            int unexpectedRestarts, List<String> restartReasons, Map<String, String> environment,
            String interceptor, String interceptorVersion, long memoryTotalBytes, long diskTotalBytes) {}

    private final List<Tenant> tenants;
    private final List<Proxy> proxies;
    private final Instant createdAt;

    Fleet(FleetSpec spec, Instant now) {
        this.createdAt = Instant.ofEpochMilli(now.toEpochMilli());
        SplittableRandom rnd = new SplittableRandom(spec.seed());
        int rotation = rnd.nextInt(COMPANIES.length);
        List<Tenant> ts = new ArrayList<>();
        for (int i = 0; i < spec.tenants(); i++) {
            ts.add(tenant(i, rotation, rnd));
        }
        this.tenants = List.copyOf(ts);
        List<Proxy> ps = new ArrayList<>();
        for (int p = 0; p < spec.proxies(); p++) {
            ps.add(proxy(p, tenants.get(p % tenants.size()), spec.tenants(), rnd));
        }
        this.proxies = List.copyOf(ps);
    }

    List<Tenant> tenants() {
        return tenants;
    }

    List<Proxy> proxies() {
        return proxies;
    }

    /** The tenants.v1 records: plan, GitHub user name of SANDBOX tenants only, SHA-256 of the planted API key. */
    List<TenantMetadata> tenantMetadata() {
        return tenants.stream().map(t -> TenantMetadata.newBuilder()
                .setId(t.id())
                .setName(t.name())
                .setPlan(t.plan())
                .setGithubUsername(t.githubUsername().orElse(null))
                .setTags(new LinkedHashMap<>(t.tags()))
                .setDenylist(List.of())
                .setApiKeySha256(List.of(sha256(t.secrets().apiKey())))
                .setDatadog(null)
                .setUpdatedAt(createdAt)
                .build()).toList();
    }

    Canaries canaries() {
        List<Canary> all = new ArrayList<>();
        for (Tenant t : tenants) {
            t.secrets().byCategory().forEach((category, value) -> all.add(new Canary(category, t.id(), value)));
        }
        return new Canaries(all);
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes, as {@code TenantMetadata.apiKeySha256} stores it. */
    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Tenant tenant(int i, int rotation, SplittableRandom rnd) {
        int round = i / COMPANIES.length;
        String name = COMPANIES[(rotation + i) % COMPANIES.length] + (round == 0 ? "" : " " + (round + 1));
        String slug = name.toLowerCase(Locale.ROOT).replace(' ', '-');
        TenantPlan plan = PLANS[i % PLANS.length];
        Optional<String> github = plan == TenantPlan.SANDBOX ? Optional.of(slug + "-dev") : Optional.empty();
        String region = REGIONS[rnd.nextInt(REGIONS.length)];
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("team", TEAMS[rnd.nextInt(TEAMS.length)]);
        tags.put("region", region);
        List<String> consumers = new ArrayList<>();
        int consumerCount = 2 + rnd.nextInt(3);
        int firstConsumer = rnd.nextInt(CONSUMERS.length);
        for (int c = 0; c < consumerCount; c++) {
            consumers.add(CONSUMERS[(firstConsumer + c) % CONSUMERS.length]);
        }
        String domain = slug.replaceAll("[^a-z0-9-]", "") + ".com";
        Secrets secrets = new Secrets(
                "lk_live_" + random(rnd, ALNUM, 28),
                random(rnd, ALNUM, 40),
                random(rnd, ALNUM, 32),
                "sk_live_" + random(rnd, ALNUM, 32),
                "AKIA" + random(rnd, UPPER_ALNUM, 16),
                random(rnd, ALNUM, 40),
                "ghp_" + random(rnd, ALNUM, 36),
                jwt(slug, rnd),
                random(rnd, ALNUM, 36),
                random(rnd, ALNUM, 8) + "-" + random(rnd, ALNUM, 8),
                random(rnd, ALNUM, 20),
                FIRST_NAMES[rnd.nextInt(FIRST_NAMES.length)] + "." + LAST_NAMES[rnd.nextInt(LAST_NAMES.length)]
                        + (10 + rnd.nextInt(90)) + "@" + domain,
                random(rnd, ALNUM, 18),
                random(rnd, HEX, 32));
        String id = String.format(Locale.ROOT, "tn-%03d-%s", i + 1, slug);
        return new Tenant(i, id, name, slug, plan, github, Collections.unmodifiableMap(tags), region, List.copyOf(consumers), secrets,
                PoliciesYaml.render(name, slug, region, secrets));
    }

    private Proxy proxy(int p, Tenant tenant, int tenantCount, SplittableRandom rnd) {
        String proxyId = String.format(Locale.ROOT, "px-%04d-%s", p + 1, random(rnd, HEX, 6));
        String version = VERSIONS[rnd.nextInt(VERSIONS.length)];
        // Half the proxies know their tenant id; the others identify themselves only by the tenant's API key.
        boolean knowsTenantId = (p + p / tenantCount) % 2 == 0;
        boolean keyInEnvironment = p % 3 == 1;
        String hostname = "ip-10-" + rnd.nextInt(256) + "-" + rnd.nextInt(256) + "-" + rnd.nextInt(256);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("env", p % 4 == 3 ? "staging" : "production");
        tags.put("region", tenant.region());
        tags.put("service", "lunar-proxy");
        tags.put("host", hostname);
        ProxyIdentity identity = new ProxyIdentity(proxyId, version,
                knowsTenantId ? Optional.of(tenant.id()) : Optional.empty(),
                Optional.of(tenant.secrets().apiKey()), tags);
        Instant startedAt = createdAt.minusSeconds(60 + rnd.nextInt(14 * 24 * 3600));
        int restarts = rnd.nextInt(12);
        int unexpected = restarts == 0 ? 0 : rnd.nextInt(Math.min(restarts, 3) + 1);
        List<String> reasons = new ArrayList<>();
        for (int r = 0; r < unexpected; r++) {
            reasons.add(RESTART_REASONS[rnd.nextInt(RESTART_REASONS.length)]);
        }
        String[] interceptors = {"lunar-interceptor-python", "lunar-interceptor-java", "lunar-interceptor-node"};
        return new Proxy(p, identity, tenant, startedAt, restarts, unexpected, List.copyOf(reasons),
                environment(proxyId, hostname, tenant, keyInEnvironment),
                interceptors[rnd.nextInt(interceptors.length)], "2." + rnd.nextInt(4) + "." + rnd.nextInt(10),
                (rnd.nextBoolean() ? 8L : 16L) << 30, 100L << 30);
    }

    private static Map<String, String> environment(String proxyId, String hostname, Tenant t, boolean keyInEnvironment) {
        Secrets s = t.secrets();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOSTNAME", hostname);
        env.put("TZ", "UTC");
        env.put("LOG_LEVEL", "info");
        env.put("LUNAR_PROXY_ID", proxyId);
        env.put("LUNAR_PROXY_PORT", "8000");
        env.put("LUNAR_HEALTHCHECK_PORT", "8040");
        env.put("LUNAR_HUB_URL", "hub.lunar.dev");
        env.put("LUNAR_HUB_TOKEN", s.jwt());
        if (keyInEnvironment) {
            env.put("LUNAR_API_KEY", s.apiKey());
        }
        env.put("STRIPE_SECRET_KEY", s.stripeKey());
        env.put("AWS_ACCESS_KEY_ID", s.awsAccessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", s.awsSecretAccessKey());
        env.put("AWS_DEFAULT_REGION", t.region());
        env.put("GITHUB_TOKEN", s.githubToken());
        env.put("DATABASE_URL", "postgres://lunar_app:" + s.databasePassword() + "@db." + t.slug()
                + ".internal:5432/proxy");
        env.put("DD_API_KEY", s.datadogApiKey());
        env.put("DD_SITE", "datadoghq.eu");
        return Collections.unmodifiableMap(env);
    }

    /** A JWT as a hub would issue it: HS256 header, a claims payload naming the tenant, a random signature. */
    private static String jwt(String slug, SplittableRandom rnd) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = "{\"sub\":\"svc-" + slug + "\",\"iss\":\"hub.lunar.dev\",\"iat\":"
                + (1_760_000_000L + rnd.nextInt(10_000_000)) + ",\"jti\":\"" + random(rnd, ALNUM, 12) + "\"}";
        byte[] signature = new byte[32];
        for (int i = 0; i < signature.length; i++) {
            signature[i] = (byte) rnd.nextInt(256);
        }
        return header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(signature);
    }

    static String random(SplittableRandom rnd, String alphabet, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
        return new String(chars);
    }
}
