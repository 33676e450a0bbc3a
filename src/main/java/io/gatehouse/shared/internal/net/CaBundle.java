package io.gatehouse.shared.internal.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS context trusting the certificate authorities of a PEM bundle (corporate TLS inspection, an
 * in-house CA) in addition to the JDK's own ({@code cacerts}), or instead of them when asked.
 */
final class CaBundle {
    private CaBundle() {}

    /** The certificates of a PEM file (one or more {@code BEGIN CERTIFICATE} blocks). */
    static List<X509Certificate> read(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : certs) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + pem);
        }
        return out;
    }

    /** A context trusting {@code extra}, and the JDK's authorities unless {@code only}. */
    static SSLContext context(List<X509Certificate> extra, boolean only)
            throws GeneralSecurityException, IOException {
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore(extra, only));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The trust anchors of {@link #context}. */
    static KeyStore trustStore(List<X509Certificate> extra, boolean only)
            throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int n = 0;
        if (!only) {
            // the JDK's own trust anchors (cacerts or javax.net.ssl.trustStore), read directly:
            // not whatever the application server made the default context trust
            TrustManagerFactory jdk =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        trust.setCertificateEntry("jdk-" + n++, c);
                    }
                }
            }
        }
        for (X509Certificate c : extra) {
            trust.setCertificateEntry("bundle-" + n++, c);
        }
        return trust;
    }
}
