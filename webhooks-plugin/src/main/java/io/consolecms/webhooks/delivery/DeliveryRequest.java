package io.consolecms.webhooks.delivery;

import java.net.URI;
import java.util.List;

/**
 * One attempt to make: POST {@code body} to {@code target}.
 *
 * @param deliveryId the delivery's id, sent as {@code webhook-id} (the same on every attempt)
 * @param target the webhook's absolute http(s) URL
 * @param body the exact bytes to send (the event JSON)
 * @param secret the webhook's secret, or {@code null} for no {@code X-Mia-Signature} nor {@code webhook-signature}
 * @param previousSecret the secret a rotation replaced, while it still signs too, or {@code null}
 * @param base64Ca base64 of PEM or DER certificates trusted in addition to the JVM's, or {@code null}
 * @param proxyUrl an http(s) proxy URL, user-info meaning proxy Basic authentication, or {@code null}
 */
public record DeliveryRequest(String deliveryId, URI target, byte[] body, String secret, String previousSecret,
                              String base64Ca, String proxyUrl) {

    /** The secrets {@code webhook-signature} is made with, the current one first; empty for an unsigned delivery. */
    public List<String> signingSecrets() {
        if (secret == null) {
            return List.of();
        }
        return previousSecret == null ? List.of(secret) : List.of(secret, previousSecret);
    }

    @Override
    public String toString() {
        // never the secret
        return "DeliveryRequest[" + deliveryId + " -> " + target + ", " + body.length + " bytes]";
    }
}
