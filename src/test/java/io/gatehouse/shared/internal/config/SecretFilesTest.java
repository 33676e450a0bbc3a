package io.gatehouse.shared.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * liberty/config/server.env, which Liberty's bin/server sources before starting the JVM: {@code
 * GATEHOUSE_X_FILE} becomes {@code GATEHOUSE_X}; both set, or an unreadable file, stops the start.
 */
class SecretFilesTest {
    static final Path SERVER_ENV = Path.of("liberty/config/server.env");

    @TempDir Path dir;

    record Run(int exit, Map<String, String> env, String stderr) {}

    /** Sources server.env in POSIX sh (as bin/server does) and prints the resulting environment. */
    static Run source(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(
                        "sh",
                        "-c",
                        ". \"$1\" && env -0",
                        "sh",
                        SERVER_ENV.toAbsolutePath().toString());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Map<String, String> result = new TreeMap<>();
        for (String kv : new String(out, StandardCharsets.UTF_8).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                result.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return new Run(p.exitValue(), result, err);
    }

    @Test
    void aFileBecomesTheSettingAndItsFileVariableIsUnset() throws Exception {
        Path key = dir.resolve("master-key");
        Files.writeString(key, "c2VjcmV0 with $dollar 'quote\" `tick`\n");
        Path pw = dir.resolve("db password");
        Files.writeString(pw, "app-pw");
        Run r =
                source(
                        Map.of(
                                "GATEHOUSE_MASTER_KEY_FILE", key.toString(),
                                "GATEHOUSE_DB_PASSWORD_FILE", pw.toString(),
                                "GATEHOUSE_DB_HOST", "db.internal"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.env())
                .containsEntry("GATEHOUSE_MASTER_KEY", "c2VjcmV0 with $dollar 'quote\" `tick`")
                .containsEntry("GATEHOUSE_DB_PASSWORD", "app-pw")
                .containsEntry("GATEHOUSE_DB_HOST", "db.internal")
                .doesNotContainKeys("GATEHOUSE_MASTER_KEY_FILE", "GATEHOUSE_DB_PASSWORD_FILE");
    }

    @Test
    void withoutFileVariablesTheEnvironmentIsUntouched() throws Exception {
        Run r = source(Map.of("GATEHOUSE_MASTER_KEY", "from-env"));
        assertThat(r.exit()).isZero();
        assertThat(r.env()).containsEntry("GATEHOUSE_MASTER_KEY", "from-env");
        assertThat(r.env().keySet()).noneMatch(k -> k.startsWith("gh_"));
    }

    @Test
    void bothSetStopsTheStartNamingBoth() throws Exception {
        Path key = dir.resolve("k");
        Files.writeString(key, "from-file");
        Run r =
                source(
                        Map.of(
                                "GATEHOUSE_MASTER_KEY",
                                "from-env",
                                "GATEHOUSE_MASTER_KEY_FILE",
                                key.toString()));
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("GATEHOUSE_MASTER_KEY and GATEHOUSE_MASTER_KEY_FILE");
    }

    @Test
    void anEmptyVariableCountsAsUnset() throws Exception {
        Path key = dir.resolve("k2");
        Files.writeString(key, "from-file");
        Run r =
                source(
                        Map.of(
                                "GATEHOUSE_MASTER_KEY",
                                "",
                                "GATEHOUSE_MASTER_KEY_FILE",
                                key.toString()));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.env()).containsEntry("GATEHOUSE_MASTER_KEY", "from-file");
    }

    @Test
    void anUnreadableFileStopsTheStart() throws Exception {
        Run r = source(Map.of("GATEHOUSE_DB_PASSWORD_FILE", dir.resolve("missing").toString()));
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("GATEHOUSE_DB_PASSWORD_FILE").contains("missing");
        Run d = source(Map.of("GATEHOUSE_DB_PASSWORD_FILE", dir.toString()));
        assertThat(d.exit()).isNotZero();
    }

    @Test
    void stoppingTheServerDoesNotReadSecrets() throws Exception {
        Run r =
                source(
                        Map.of(
                                "ACTION",
                                "stop",
                                "GATEHOUSE_DB_PASSWORD_FILE",
                                dir.resolve("missing").toString()));
        assertThat(r.exit()).isZero();
    }
}
