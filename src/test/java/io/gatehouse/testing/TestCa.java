package io.gatehouse.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A private certificate authority made with the JDK's keytool, and a server certificate for {@code
 * localhost} it signed: stands in for a corporate CA (TLS inspection, in-house services). {@link
 * #caPem()} is the bundle to trust; {@link #httpsServer()} serves with the signed certificate.
 */
public final class TestCa {
    private static final String PASS = "test-ca-pass";
    private final Path dir;
    private X509ExtendedKeyManager keyManager;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    public static TestCa create(Path dir) {
        return create(dir, new String[0]);
    }

    /**
     * Like {@link #create(Path)}, the server certificate naming {@code moreNames} besides {@code
     * localhost} (host names only a test's proxy resolves).
     */
    public static TestCa create(Path dir, String... moreNames) {
        StringBuilder san = new StringBuilder("san=dns:localhost");
        for (String name : moreNames) {
            san.append(",dns:").append(name);
        }
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
                san.toString(),
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
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {keyManager()}, null, null);
        return httpsServer(ctx);
    }

    /**
     * An HTTPS server on 127.0.0.1 presenting, at each handshake, the {@code localhost} certificate
     * of the CA {@code presenting} supplies then: one address whose trust a test switches (another
     * CA's certificate first, then the configured CA's) without restarting the client.
     */
    public static HttpsServer httpsServer(Supplier<TestCa> presenting) throws Exception {
        X509ExtendedKeyManager switching =
                new X509ExtendedKeyManager() {
                    private X509ExtendedKeyManager now() {
                        return presenting.get().keyManager();
                    }

                    @Override
                    public String[] getClientAliases(String keyType, Principal[] issuers) {
                        return null;
                    }

                    @Override
                    public String chooseClientAlias(
                            String[] keyType, Principal[] issuers, Socket socket) {
                        return null;
                    }

                    @Override
                    public String[] getServerAliases(String keyType, Principal[] issuers) {
                        return now().getServerAliases(keyType, issuers);
                    }

                    @Override
                    public String chooseServerAlias(
                            String keyType, Principal[] issuers, Socket socket) {
                        return now().chooseServerAlias(keyType, issuers, socket);
                    }

                    @Override
                    public String chooseEngineServerAlias(
                            String keyType, Principal[] issuers, SSLEngine engine) {
                        return now().chooseEngineServerAlias(keyType, issuers, engine);
                    }

                    @Override
                    public X509Certificate[] getCertificateChain(String alias) {
                        return now().getCertificateChain(alias);
                    }

                    @Override
                    public PrivateKey getPrivateKey(String alias) {
                        return now().getPrivateKey(alias);
                    }
                };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {switching}, null, null);
        return httpsServer(ctx);
    }

    private static HttpsServer httpsServer(SSLContext ctx) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        return s;
    }

    private synchronized X509ExtendedKeyManager keyManager() {
        if (keyManager == null) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
                    ks.load(in, PASS.toCharArray());
                }
                KeyManagerFactory kmf =
                        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASS.toCharArray());
                keyManager = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return keyManager;
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
