package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.secrets.SecretBox;

/**
 * A delivery this host holds a lease on, with what an attempt needs.
 *
 * @param id the delivery's id, sent as {@code webhook-id}
 * @param webhookId the webhook's id
 * @param eventId the stored event's id
 * @param eventName the event's name
 * @param attempts attempts made so far, in all rounds
 * @param roundStart the attempt count at which the current budget began (see redeliver)
 * @param webhookState the webhook's {@code __STATE__}, or {@code null} when the webhook no longer exists
 * @param target the webhook's URL, or {@code null} when the webhook no longer exists
 * @param secrets the webhook's signing secrets
 * @param base64Ca the webhook's extra CA certificates, or {@code null}
 * @param proxyUrl the webhook's proxy, or {@code null}
 * @param body the exact event JSON
 * @param rateLimit the webhook's deliveries per second, or 0 for no limit
 * @param webhookReadAt {@link System#nanoTime()} just before the webhook's settings above were read
 * @param createdAt when the delivery was stored (epoch millis)
 */
record ClaimedDelivery(String id, String webhookId, String eventId, String eventName, int attempts, int roundStart,
                       String webhookState, String target, SigningSecrets secrets, String base64Ca, String proxyUrl,
                       byte[] body, int rateLimit, long webhookReadAt, long createdAt) {

    /**
     * The webhook's settings as they are now: the same delivery, to be attempted with {@code webhook}'s, unless this
     * delivery's were read after them (a delivery admitted right after a change, e.g. a secret rotation, must not be
     * sent with a snapshot taken before it).
     */
    ClaimedDelivery with(WebhookSnapshot webhook) {
        if (webhook.readAt() - webhookReadAt < 0) {
            return this;
        }
        return of(id, webhookId, eventId, eventName, attempts, roundStart, body, webhook, createdAt);
    }

    /** A delivery to be attempted with {@code webhook}'s settings (shared by the deliveries of one webhook). */
    static ClaimedDelivery of(String id, String webhookId, String eventId, String eventName, int attempts,
                              int roundStart, byte[] body, WebhookSnapshot webhook, long createdAt) {
        return new ClaimedDelivery(id, webhookId, eventId, eventName, attempts, roundStart, webhook.state(),
                webhook.target(), webhook.secrets(), webhook.base64Ca(), webhook.proxyUrl(), body, webhook.rateLimit(),
                webhook.readAt(), createdAt);
    }

    /**
     * What an attempt needs of a webhook, read at one moment.
     *
     * @param state its {@code __STATE__}, or {@code null} when it no longer exists
     * @param rateLimit its deliveries per second, or 0 for no limit
     * @param readAt {@link System#nanoTime()} just before it was read
     */
    record WebhookSnapshot(String state, String target, SigningSecrets secrets, String base64Ca, String proxyUrl,
                           int rateLimit, long readAt) {

        /** A webhook that no longer exists, as found by a read that started at {@code readAt}. */
        static WebhookSnapshot deleted(long readAt) {
            return new WebhookSnapshot(null, null, SigningSecrets.NONE, null, null, 0, readAt);
        }

        @Override
        public String toString() {
            return "WebhookSnapshot[" + state + "]"; // never the secret
        }
    }

    /** Why this delivery must not be attempted at all, or {@code null} when it may. */
    String undeliverableReason() {
        if (unreadable()) {
            // never sent unsigned or wrongly signed, nor through a proxy without its credentials
            return SecretBox.UNREADABLE_REASON;
        }
        if (webhookState == null || "DELETED".equals(webhookState)) {
            return "the webhook was deleted: not delivered";
        }
        if ("TRASH".equals(webhookState)) {
            return "the webhook is in the trash: not delivered";
        }
        if (!"PUBLIC".equals(webhookState)) {
            return "the webhook is not published (" + webhookState + "): not delivered";
        }
        return null;
    }

    /** Whether the webhook's secret or proxy URL could not be decrypted with the configured keys. */
    boolean unreadable() {
        return secrets.unreadable() || SecretBox.UNREADABLE.equals(proxyUrl);
    }

    @Override
    public String toString() {
        // never the secret
        return "ClaimedDelivery[" + id + " of webhook " + webhookId + ", event " + eventName + ", attempts " + attempts
                + "]";
    }
}
