package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Another Gatehouse server on other ports, against the same (or another) database: the harness for
 * multi-instance tests. It clones the test server's directory (configuration, libraries, the WAR)
 * into a new server of the same Liberty installation and starts it with its own environment.
 */
public final class LibertyInstance implements AutoCloseable {
    private final Path wlp;
    private final String name;
    private final int httpPort;
    private final int httpsPort;

    private LibertyInstance(Path wlp, String name, int httpPort, int httpsPort) {
        this.wlp = wlp;
        this.name = name;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    /**
     * Starts a copy of the test server named {@code name}, with environment overrides (for example
     * {@code GATEHOUSE_DB_PORT} to go through a proxy), and waits until it answers.
     */
    public static LibertyInstance start(String name, Map<String, String> envOverrides) {
        return start(name, envOverrides, server -> {});
    }

    /**
     * Like {@link #start}, with {@code prepare} run on the copied server's directory before it
     * starts (e.g. a test-only class added to its application, see {@code EvaluationTrafficIT}).
     */
    public static LibertyInstance start(
            String name,
            Map<String, String> envOverrides,
            java.util.function.Consumer<Path> prepare) {
        LibertyInstance instance = launch(name, envOverrides, prepare);
        Http h = instance.http();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (h.get("/health/live").status() == 200) {
                    return instance;
                }
            } catch (RuntimeException notYet) {
                // keep polling
            }
            sleep(500);
        }
        instance.close();
        throw new IllegalStateException("Second Liberty instance " + name + " did not start");
    }

    /**
     * Like {@link #start}, without waiting for the server to answer (for a server expected to
     * refuse its configuration). An override whose value is null removes that variable from the
     * inherited environment. With {@code GATEHOUSE_KEYSTORE_PASSWORD} or its {@code _FILE}
     * overridden, the copy gets a fresh keystore (Liberty creates it with that password).
     */
    public static LibertyInstance launch(String name, Map<String, String> envOverrides) {
        return launch(name, envOverrides, server -> {});
    }

    private static LibertyInstance launch(
            String name,
            Map<String, String> envOverrides,
            java.util.function.Consumer<Path> prepare) {
        Path wlp = Path.of(System.getProperty("gatehouse.wlp.dir", "target/liberty/wlp"));
        Path source = wlp.resolve("usr/servers/gatehouse");
        Path target = wlp.resolve("usr/servers/" + name);
        int http = freePort();
        int https = freePort();
        try {
            if (Files.exists(target)) {
                stopQuietly(wlp, name);
                deleteTree(target);
            }
            copyServer(source, target);
            if (envOverrides.containsKey("GATEHOUSE_KEYSTORE_PASSWORD")
                    || envOverrides.containsKey("GATEHOUSE_KEYSTORE_PASSWORD_FILE")) {
                deleteTree(target.resolve("resources/security"));
            }
            Files.writeString(
                    target.resolve("configDropins/overrides/zz-instance.xml"),
                    "<server>\n"
                            + "  <variable name=\"default.http.port\" value=\""
                            + http
                            + "\"/>\n"
                            + "  <variable name=\"default.https.port\" value=\""
                            + https
                            + "\"/>\n"
                            + "</server>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        prepare.accept(target);
        LibertyInstance instance = new LibertyInstance(wlp, name, http, https);
        Map<String, String> env = new HashMap<>(System.getenv());
        // "{httpPort}" in a value is this instance's HTTP port (e.g. its GATEHOUSE_PUBLIC_URL)
        envOverrides.forEach(
                (k, v) -> {
                    if (v == null) {
                        env.remove(k);
                    } else {
                        env.put(k, v.replace("{httpPort}", String.valueOf(http)));
                    }
                });
        instance.run(env, "start", name, "--clean");
        return instance;
    }

    /** The server's messages.log so far (empty before it exists). */
    public String messagesLog() {
        Path log = wlp.resolve("usr/servers/" + name + "/logs/messages.log");
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the server wrote to its console (logs/console.log with {@code server start}). */
    public String consoleLog() {
        Path log = wlp.resolve("usr/servers/" + name + "/logs/console.log");
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until messages.log contains {@code text}; false if it did not within the timeout. */
    public boolean awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (messagesLog().contains(text)) {
                return true;
            }
            sleep(250);
        }
        return false;
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public Http http() {
        return new Http(baseUrl());
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** Waits until {@code /health/ready} answers 200 (schema migrated, database reachable). */
    public LibertyInstance awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (http().get("/health/ready").status() == 200) {
                return this;
            }
            sleep(500);
        }
        throw new IllegalStateException(name + " did not become ready");
    }

    /** Kills the server's JVM without a clean stop (kill -9), as a crash would. */
    public void kill() {
        Path pidFile = wlp.resolve("usr/servers/.pid/" + name + ".pid");
        try {
            String pid = Files.readString(pidFile).trim();
            new ProcessBuilder("kill", "-9", pid).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends the server's JVM SIGTERM, as Kubernetes and container runtimes stop a pod (not the
     * command port that {@link #close} uses); returns its process id, for {@link #awaitExit}.
     */
    public long terminate() {
        Path pidFile = wlp.resolve("usr/servers/.pid/" + name + ".pid");
        try {
            String pid = Files.readString(pidFile).trim();
            new ProcessBuilder("kill", "-TERM", pid)
                    .inheritIO()
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until process {@code pid} has ended; false if it still runs after the timeout. */
    public static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(ph -> !ph.isAlive()).orElse(true)) {
                return true;
            }
            sleep(100);
        }
        return false;
    }

    @Override
    public void close() {
        stopQuietly(wlp, name);
    }

    private static void stopQuietly(Path wlp, String name) {
        try {
            Process p =
                    new ProcessBuilder(wlp.resolve("bin/server").toString(), "stop", name)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Map<String, String> env, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = wlp.resolve("bin/server").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("server " + String.join(" ", args) + " timed out");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyServer(Path source, Path target) throws IOException {
        Files.walkFileTree(
                source,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                            throws IOException {
                        Path rel = source.relativize(dir);
                        String first = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
                        if (first.equals("logs")
                                || first.equals("workarea")
                                || first.equals("tranlog")) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        Files.createDirectories(target.resolve(rel.toString()));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        Files.copy(
                                file,
                                target.resolve(source.relativize(file).toString()),
                                StandardCopyOption.REPLACE_EXISTING);
                        return FileVisitResult.CONTINUE;
                    }
                });
        // Test-only Arquillian overlay stays with the main test server.
        Files.deleteIfExists(target.resolve("configDropins/overrides/arquillian.xml"));
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

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
