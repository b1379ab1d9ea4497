package io.consolecms.webhooks.collection;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Optional;

/** The contract's rule for {@code base64CA}: base64 of one or more PEM or DER X.509 certificates, of bounded size. */
public final class CertificateRules {

    /** The most certificate bytes accepted once decoded: plenty for a chain, little enough to keep in a row. */
    public static final int MAX_DECODED_BYTES = 64 * 1024;

    private static final String NOT_CERTIFICATES =
            "must be the base64 encoding of one or more PEM or DER X.509 certificates";

    private CertificateRules() {
    }

    /** The problem of a {@code base64CA} value, if any. */
    public static Optional<String> problem(String base64) {
        // base64 grows data by 4/3; whitespace (line breaks) is tolerated on top of that
        if (base64.length() > MAX_DECODED_BYTES * 2) {
            return Optional.of(tooLarge());
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException notBase64) {
            return Optional.of(NOT_CERTIFICATES + " (it is not base64)");
        }
        if (der.length > MAX_DECODED_BYTES) {
            return Optional.of(tooLarge());
        }
        if (der.length == 0) {
            return Optional.of(NOT_CERTIFICATES);
        }
        try {
            boolean none = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(der))
                    .isEmpty();
            return none ? Optional.of(NOT_CERTIFICATES) : Optional.empty();
        } catch (CertificateException | RuntimeException notCertificates) {
            return Optional.of(NOT_CERTIFICATES);
        }
    }

    private static String tooLarge() {
        return "must hold at most " + MAX_DECODED_BYTES / 1024 + " KiB of certificates";
    }
}
