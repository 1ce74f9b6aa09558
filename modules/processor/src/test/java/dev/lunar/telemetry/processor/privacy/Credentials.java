package dev.lunar.telemetry.processor.privacy;

import java.util.List;

/**
 * Fake credentials of every class the built-in rules cover (shaped like the real ones, valid for nothing), for the
 * tests. {@code text} is what is planted, {@code secret} the part that must not survive, {@code rule} the rule it is
 * counted under when nothing else overlaps it.
 */
final class Credentials {

    record Credential(String rule, String text, String secret) {
        static Credential whole(String rule, String text) {
            return new Credential(rule, text, text);
        }
    }

    private Credentials() {}

    static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3k9Qm2Lr8Vt0pZs4yWn7cJ1\n"
            + "bH6fE2dG5kT8uR0qW3eY9iO1pA4sD7fG0hJ2kL5z\n-----END RSA PRIVATE KEY-----";

    /** Credentials recognised by their own shape, wherever they stand. */
    static final List<Credential> BY_SHAPE = List.of(
            Credential.whole("aws-access-key", "AKIAZ7Q2EXAMPLEK3Y4B"),
            Credential.whole("aws-access-key", "ASIAQ3R5T7V9X1Z2B4D6"),
            Credential.whole("github-token", "ghp_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"),
            Credential.whole("github-token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789AB"),
            Credential.whole("gitlab-token", "glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn"),
            Credential.whole("slack-token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
            Credential.whole("slack-token", "xoxp-12345678901-12345678901-AbCdEfGh1234"),
            new Credential("slack-webhook", "https://hooks.slack.com/services/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",
                    "T0A1B2C3D/B4E5F6G7H/Xy9Zw8Vu7Ts6Rq5Po4Nm3Lk2"),
            Credential.whole("npm-token", "npm_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"),
            Credential.whole("pypi-token", "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLTEyMzQtNTY3OC05MGFiLWNkZWYxMjM0"),
            Credential.whole("stripe-key", "sk_live_51H8xYzAbCdEfGhIjKlMnOpQr"),
            Credential.whole("stripe-key", "rk_test_51H8xYzAbCdEfGhIjKlMnOpQr"),
            Credential.whole("stripe-key", "whsec_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8"),
            Credential.whole("twilio-api-key", "SK0123456789abcdef0123456789abcdef"),
            Credential.whole("sendgrid-key", "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"),
            Credential.whole("shopify-token", "shpat_0123456789abcdef0123456789abcdef"),
            Credential.whole("google-api-key", "AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tUvW"),
            Credential.whole("openai-key", "sk-proj-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0"),
            Credential.whole("openai-key", "sk-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr"),
            Credential.whole("anthropic-key", "sk-ant-api03-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr"),
            Credential.whole("atlassian-token", "ATATT3xFfGF0Ab1Cd2Ef3Gh4Ij5Kl6Mn7"),
            Credential.whole("heroku-key", "HRKU-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"),
            Credential.whole("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9P"),
            Credential.whole("bearer-token", "Bearer Ab1.Cd2-Ef3_Gh4"),
            Credential.whole("basic-credentials", "Basic dXNlcjpwYXNzd29yZA=="),
            new Credential("database-url", "postgres://app:S3cr3tPw@db.internal:5432/app", "app:S3cr3tPw"),
            new Credential("database-url", "mongodb+srv://admin:p@ss/w0rd@cluster0.example.mongodb.net/test",
                    "p@ss/w0rd"),
            new Credential("database-url", "redis://:r3disPass@cache:6379/0", "r3disPass"),
            new Credential("database-url", "amqp://guest:guestPw1@rabbit:5672/", "guestPw1"),
            new Credential("database-url", "mysql://root:rootPw9@127.0.0.1:3306/db", "rootPw9"),
            new Credential("url-credentials", "https://deploy:Tr0ub4dor@git.example.com/repo.git", "Tr0ub4dor"),
            new Credential("azure-connection-string-key", "DefaultEndpointsProtocol=https;AccountName=lunarlogs;"
                    + "AccountKey=Zm9vYmFy/YmF6+cXV4/MTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net",
                    "Zm9vYmFy/YmF6+cXV4/MTIzNDU2Nzg5MA=="),
            new Credential("azure-connection-string-key", "Endpoint=sb://ns.servicebus.windows.net/;"
                    + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=AbC/dEf+GhI/jKl0123456789=",
                    "AbC/dEf+GhI/jKl0123456789="),
            new Credential("azure-sas-signature", "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r"
                    + "&sig=AbC%2FdEf%2BGhI123%3D", "AbC%2FdEf%2BGhI123%3D"),
            new Credential("connection-string-password", "Server=tcp:sql.example.net,1433;Database=app;User ID=app;"
                    + "Password=my secret pass;Encrypt=True", "my secret pass"),
            new Credential("connection-string-password", "Driver={ODBC Driver 18};Server=sql;Uid=app;Pwd={p;w0rd};",
                    "p;w0rd"),
            new Credential("connection-string-password", "jdbc:sqlserver://sql:1433;databaseName=app;user=app;"
                    + "password=Pw_12 345;", "Pw_12 345"),
            Credential.whole("private-key-block", PEM),
            new Credential("private-key-block", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                    + "-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAA"),
            new Credential("gcp-service-account-key", "{\"type\": \"service_account\", \"private_key_id\": "
                    + "\"4f2c0a9b8e7d6c5b4a39\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkq"
                    + "\\nhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"x\"}",
                    "MIIEvQIBADANBgkq"),
            new Credential("gcp-service-account-key", "{\"private_key_id\": \"4f2c0a9b8e7d6c5b4a39\"}",
                    "4f2c0a9b8e7d6c5b4a39"),
            Credential.whole("email", "jane.doe+ops@example.co.uk"),
            Credential.whole("long-hex", "0123456789abcdef0123456789abcdef01234567"),
            Credential.whole("base64-secret", "dGhpc0lzQVZlcnlMb25nU2VjcmV0VmFsdWUxMjM0NTY"));

    /** Credentials recognised by the name they are assigned to: key, value. */
    static final List<Credential> BY_NAME = List.of(
            new Credential("aws-secret-access-key", "aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            new Credential("aws-secret-access-key", "SecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            new Credential("datadog-key", "DD_API_KEY", "ab12cd34ef56ab12cd34ef56ab12cd34"),
            new Credential("datadog-key", "DATADOG_APP_KEY", "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12"),
            new Credential("heroku-key", "HEROKU_API_KEY", "01234567-89ab-cdef-0123-456789abcdef"),
            new Credential("secret-assignment", "password", "hunter2"),
            new Credential("secret-assignment", "client_secret", "Zx9kq-77"),
            new Credential("secret-assignment", "X-Auth-Token", "t0k3n"),
            new Credential("secret-assignment", "db.passwd", "letmein42"),
            new Credential("secret-assignment", "session_id", "s3ss10n"),
            new Credential("secret-assignment", "jira_api_token", "j1raT0ken"));
}
