package io.gatehouse.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A private certificate authority made with the JDK's keytool, and a server certificate for {@code
 * localhost} it signed: stands in for a corporate CA (TLS inspection, in-house services). {@link
 * #caPem()} is the bundle to trust; {@link #httpsServer()} serves with the signed certificate.
 */
public final class TestCa {
    private static final String PASS = "test-ca-pass";
    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    public static TestCa create(Path dir) {
        TestCa ca = new TestCa(dir);
        ca.keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=Gatehouse Test CA",
                "-ext",
                "bc:c",
                "-validity",
                "3",
                "-keystore",
                "ca.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                PASS);
        ca.keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                PASS,
                "-file",
                "ca.pem");
        ca.keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-validity",
                "3",
                "-keystore",
                "server.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                PASS);
        ca.keytool(
                "-certreq",
                "-alias",
                "server",
                "-keystore",
                "server.p12",
                "-storepass",
                PASS,
                "-file",
                "server.csr");
        ca.keytool(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                PASS,
                "-infile",
                "server.csr",
                "-outfile",
                "server.pem",
                "-rfc",
                "-ext",
                "san=dns:localhost",
                "-ext",
                "eku=serverAuth",
                "-validity",
                "3");
        ca.keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                "server.p12",
                "-storepass",
                PASS);
        ca.keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "server",
                "-file",
                "server.pem",
                "-keystore",
                "server.p12",
                "-storepass",
                PASS);
        return ca;
    }

    /** The CA's certificate, PEM: what GATEHOUSE_TLS_CA_BUNDLE names. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** An HTTPS server on 127.0.0.1 (any port) presenting the CA-signed certificate. */
    public HttpsServer httpsServer() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            ks.load(in, PASS.toCharArray());
        }
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        return s;
    }

    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p =
                    new ProcessBuilder(cmd)
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
