package io.gatehouse.testing;

/** Where the test server and database are, as deploy/local/test.sh set them up. */
public final class TestEnv {
    private TestEnv() {}

    public static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }

    public static int httpPort() {
        return Integer.parseInt(System.getProperty("gatehouse.http.port", "9080"));
    }

    public static int httpsPort() {
        return Integer.parseInt(System.getProperty("gatehouse.https.port", "9443"));
    }

    public static String baseUrl() {
        return "http://localhost:" + httpPort();
    }

    public static String dbHost() {
        return env("GATEHOUSE_DB_HOST", "localhost");
    }

    public static int dbPort() {
        return Integer.parseInt(env("GATEHOUSE_DB_PORT", "5432"));
    }

    public static String dbName() {
        return env("GATEHOUSE_DB_NAME", "gatehouse_test");
    }

    /**
     * The test PostgreSQL's CA certificate (PEM): deploy/local/test.sh turns TLS on with a local
     * test CA whose server certificate names {@code localhost} only, and exports this.
     */
    public static java.nio.file.Path dbCa() {
        String ca = System.getenv("GATEHOUSE_TEST_DB_CA");
        if (ca == null
                || ca.isBlank()
                || !java.nio.file.Files.isReadable(java.nio.file.Path.of(ca))) {
            throw new IllegalStateException(
                    "GATEHOUSE_TEST_DB_CA is not set or not readable: run the tests with"
                            + " deploy/local/test.sh, which turns TLS on in the test PostgreSQL");
        }
        return java.nio.file.Path.of(ca);
    }

    public static String jdbcUrl() {
        return "jdbc:postgresql://" + dbHost() + ":" + dbPort() + "/" + dbName();
    }
}
