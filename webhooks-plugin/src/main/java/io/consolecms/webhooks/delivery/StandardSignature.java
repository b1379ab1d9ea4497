package io.consolecms.webhooks.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature, sent as {@code webhook-signature}: {@code v1,<base64(HMAC-SHA256(key,
 * "{webhook-id}.{webhook-timestamp}.{body}"))>}. Unlike {@link MiaSignature} it covers the id and the timestamp, so a
 * receiver can refuse a replayed or delayed request. The key is the base64-decoded part after {@code whsec_} when the
 * secret starts with {@code whsec_} (a Standard Webhooks secret), else the secret's UTF-8 bytes.
 */
public final class StandardSignature {

    public static final String HEADER = "webhook-signature";
    static final String WHSEC_PREFIX = "whsec_";

    private StandardSignature() {
    }

    /**
     * The header value for {@code secrets}, each signed in turn and separated by a space, as the specification lets a
     * sender do while a secret is being rotated (the new secret first).
     */
    public static String header(String webhookId, long timestamp, byte[] body, List<String> secrets) {
        StringJoiner header = new StringJoiner(" ");
        for (String secret : secrets) {
            header.add(sign(webhookId, timestamp, body, secret));
        }
        return header.toString();
    }

    /** One signature: {@code v1,} and the base64 of the HMAC-SHA256. */
    public static String sign(String webhookId, long timestamp, byte[] body, String secret) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            hmac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(hmac.doFinal(body));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every Java platform has HmacSHA256", impossible);
        }
    }

    /**
     * The HMAC key of {@code secret}. The collection only accepts a {@code whsec_} secret whose rest is base64; one
     * stored before that rule (or an empty key) is used as plain UTF-8 bytes rather than not signed at all.
     */
    static byte[] key(String secret) {
        if (secret.startsWith(WHSEC_PREFIX)) {
            try {
                byte[] key = Base64.getDecoder().decode(secret.substring(WHSEC_PREFIX.length()));
                if (key.length > 0) {
                    return key;
                }
            } catch (IllegalArgumentException notBase64) {
                // falls through to the plain bytes
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }
}
