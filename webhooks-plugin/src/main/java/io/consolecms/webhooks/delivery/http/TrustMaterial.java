package io.consolecms.webhooks.delivery.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A webhook's {@code base64CA}: base64 of one or more PEM or DER X.509 certificates, trusted in addition to the JVM's
 * trust store (never instead of it).
 */
public final class TrustMaterial {

    private TrustMaterial() {
    }

    /**
     * The certificates of a {@code base64CA} value; whitespace and line breaks in the base64 are ignored.
     *
     * @throws IllegalArgumentException saying what is wrong (not base64, not a certificate, no certificate)
     */
    public static List<X509Certificate> parse(String base64Ca) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64Ca.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base64CA is not base64: " + e.getMessage(), e);
        }
        Iterable<? extends Certificate> certificates;
        try {
            // reads a single DER certificate as well as a sequence of PEM blocks
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(decoded));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("base64CA holds no readable PEM or DER X.509 certificate"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        List<X509Certificate> x509 = new ArrayList<>();
        for (Certificate certificate : certificates) {
            x509.add((X509Certificate) certificate);
        }
        if (x509.isEmpty()) {
            throw new IllegalArgumentException("base64CA holds no certificate");
        }
        return List.copyOf(x509);
    }

    /** A short stable key of a {@code base64CA} value, to cache what is built from it without keeping it whole. */
    static String key(String base64Ca) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(base64Ca.replaceAll("\\s", "").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
    }

    /**
     * A TLS context that trusts what the JVM trusts plus {@code extra}. Peer verification (PKIX, and hostname when the
     * caller asks for endpoint identification) stays the JVM's own.
     */
    static SSLContext sslContext(List<X509Certificate> extra) {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int alias = 0;
            for (X509Certificate certificate : jvmTrustManager().getAcceptedIssuers()) {
                anchors.setCertificateEntry("jvm-" + alias++, certificate);
            }
            for (X509Certificate certificate : extra) {
                anchors.setCertificateEntry("webhook-" + alias++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JVM has no X.509 trust manager");
    }
}
