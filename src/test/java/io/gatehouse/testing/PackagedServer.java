package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged server directory ({@code target/gatehouse-server}, what the Containerfile copies
 * into the image's /config) as a server of the test Liberty installation, started with only the
 * environment a manifest gives a container: no server.env, no configuration overlay. Liberty's
 * output (logs, workarea, keystore) goes to a directory of its own, as the image's writable
 * /opt/ol/wlp/output volume, so that the configuration directory can be checked for writes.
 */
public final class PackagedServer implements AutoCloseable {
    private final Path wlp;
    private final String name;
    private final Path outputDir;
    private final Map<String, String> env;
    private final int httpPort;

    private PackagedServer(
            Path wlp, String name, Path outputDir, Map<String, String> env, int httpPort) {
        this.wlp = wlp;
        this.name = name;
        this.outputDir = outputDir;
        this.env = env;
        this.httpPort = httpPort;
    }

    /** Copies the packaged directory into a new server {@code name}; the env is the container's. */
    public static PackagedServer create(String name, Map<String, String> containerEnv) {
        Path wlp = Path.of(System.getProperty("gatehouse.wlp.dir", "target/liberty/wlp"));
        Path packaged =
                Path.of(System.getProperty("gatehouse.packaged.server", "target/gatehouse-server"));
        Path serverDir = wlp.resolve("usr/servers/" + name);
        Path output = Path.of("target/packaged-output/" + name).toAbsolutePath();
        try {
            deleteTree(serverDir);
            deleteTree(output);
            Files.createDirectories(output);
            try (Stream<Path> files = Files.walk(packaged)) {
                for (Path p : files.toList()) {
                    Path target = serverDir.resolve(packaged.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            // The base image's /config already has it; Liberty creates it at start otherwise.
            Files.createDirectories(serverDir.resolve("dropins"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int http = freePort();
        Map<String, String> env = new HashMap<>();
        // What the image itself provides: a JVM and a PATH.
        for (String inherited : List.of("PATH", "JAVA_HOME", "HOME", "LANG")) {
            String v = System.getenv(inherited);
            if (v != null) {
                env.put(inherited, v);
            }
        }
        env.putAll(containerEnv);
        // Every pod has its own network namespace; here the ports must not collide. Liberty maps
        // DEFAULT_HTTP_PORT to the server.xml variable default.http.port.
        env.put("DEFAULT_HTTP_PORT", Integer.toString(http));
        env.put("DEFAULT_HTTPS_PORT", Integer.toString(freePort()));
        env.put("WLP_OUTPUT_DIR", output.toString());
        return new PackagedServer(wlp, name, output, env, http);
    }

    /** The files of the server's configuration directory (the image's read-only /config). */
    public List<String> configFiles() {
        Path dir = wlp.resolve("usr/servers/" + name);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code server start}: returns once the server answers {@code /health/live}. */
    public PackagedServer start() {
        int rc = run(Duration.ofSeconds(180), "start", name, "--clean");
        if (rc != 0) {
            throw new IllegalStateException("server start " + name + " exited " + rc + log());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http().get("/health/live").status() == 200) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // keep polling
            }
            LibertyInstance.sleep(500);
        }
        close();
        throw new IllegalStateException(name + " did not answer /health/live" + log());
    }

    /** {@code server run} in the foreground, as the container's command: its exit status. */
    public int runToExit(Duration timeout) {
        return run(timeout, "run", name, "--clean");
    }

    public Http http() {
        return new Http("http://localhost:" + httpPort);
    }

    /** Polls {@code path} until it answers {@code status}; the last answer otherwise. */
    public Http.Response await(String path, int status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http.Response last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = http().get(path);
                if (last.status() == status) {
                    return last;
                }
            } catch (RuntimeException notYet) {
                // keep polling
            }
            LibertyInstance.sleep(1000);
        }
        return last;
    }

    /** The end of the server's console log, for failure messages. */
    public String log() {
        Path console = outputDir.resolve(name + "/logs/console.log");
        Path messages = outputDir.resolve(name + "/logs/messages.log");
        Path runLog = outputDir.resolve("run.log");
        StringBuilder sb = new StringBuilder();
        for (Path p : List.of(runLog, console, messages)) {
            try {
                if (Files.exists(p)) {
                    String s = Files.readString(p);
                    sb.append("\n--- ").append(p).append('\n');
                    sb.append(s.substring(Math.max(0, s.length() - 6000)));
                }
            } catch (IOException e) {
                sb.append("\n(").append(p).append(": ").append(e).append(')');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        run(Duration.ofSeconds(60), "stop", name);
    }

    private int run(Duration timeout, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = wlp.resolve("bin/server").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(outputDir.resolve("run.log").toFile()));
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "server " + String.join(" ", args) + " timed out" + log());
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
