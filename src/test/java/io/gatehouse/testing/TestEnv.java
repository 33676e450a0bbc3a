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

    public static String jdbcUrl() {
        return "jdbc:postgresql://" + dbHost() + ":" + dbPort() + "/" + dbName();
    }
}
