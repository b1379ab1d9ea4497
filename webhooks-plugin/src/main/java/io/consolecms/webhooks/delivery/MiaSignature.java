package io.consolecms.webhooks.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Mia-Platform Console's webhook signature, sent as {@code X-Mia-Signature}: the lowercase hex SHA-256 of the exact body
 * bytes followed by the UTF-8 bytes of the secret. A plain hash, not an HMAC: Console's receivers compute it that way.
 */
public final class MiaSignature {

    public static final String HEADER = "X-Mia-Signature";

    private MiaSignature() {
    }

    /** The signature of {@code body} with {@code secret}: 64 lowercase hex digits. */
    public static String sign(byte[] body, String secret) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
        sha256.update(body);
        sha256.update(secret.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha256.digest());
    }
}
