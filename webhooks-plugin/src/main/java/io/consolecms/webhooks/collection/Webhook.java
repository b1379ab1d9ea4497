package io.consolecms.webhooks.collection;

/**
 * A stored webhook, secret included: what {@link WebhookStore} reads and writes. Never serialize it as is; answers are
 * made by {@link WebhookRepresentation}, which leaves the secret out.
 *
 * @param id the {@code _id}, 24 hex digits
 * @param tenantId the company it is restricted to, or {@code null}
 * @param projectId the project it is restricted to, or {@code null}
 * @param eventName the event it subscribes to
 * @param target the URL events are POSTed to
 * @param base64CA base64 of extra trusted certificates for an https target, or {@code null}
 * @param secret the signing secret, or {@code null}
 * @param proxyUrl the HTTP proxy's URL, with its credentials, or {@code null}
 * @param state the {@code __STATE__}
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds
 * @param creatorId who created it
 * @param updaterId who changed it last
 * @param lastDelivery the latest delivery's outcome, or {@code null}
 * @param rateLimit deliveries per second at most, or {@code null} for no limit
 * @param disabled why and when the webhook was disabled (moved to DRAFT for failing), or {@code null}
 */
public record Webhook(String id, String tenantId, String projectId, String eventName, String target, String base64CA,
                      String secret, String proxyUrl, WebhookState state, long createdAt, long updatedAt,
                      String creatorId, String updaterId, LastDelivery lastDelivery, Integer rateLimit,
                      Disabled disabled) {

    /**
     * Why a webhook was disabled, until it is published again.
     *
     * @param reason a sentence for the administrator
     * @param at when, epoch milliseconds
     */
    public record Disabled(String reason, long at) {
    }

    /** The same webhook with the writable fields of {@code input}. */
    public Webhook withInput(WebhookInput input) {
        return new Webhook(id, input.tenantId(), input.projectId(), input.eventName(), input.target(), input.base64CA(),
                input.secret(), input.proxy() == null ? null : input.proxy().url(), state, createdAt, updatedAt,
                creatorId, updaterId, lastDelivery, input.rateLimit(), disabled);
    }

    /** The same webhook, changed at {@code at} by {@code by}. */
    public Webhook touched(long at, String by) {
        return new Webhook(id, tenantId, projectId, eventName, target, base64CA, secret, proxyUrl, state, createdAt, at,
                creatorId, by, lastDelivery, rateLimit, disabled);
    }

    /** The writable fields, as an input to validate again. */
    public WebhookInput input() {
        return new WebhookInput(tenantId, projectId, eventName, target, base64CA, secret,
                proxyUrl == null ? null : new WebhookInput.ProxySettings(proxyUrl), rateLimit);
    }

    /** Keeps the secret, the target and the proxy out of logs. */
    @Override
    public String toString() {
        // the target and the proxy may carry credentials in their query or user-info: left out too
        return "Webhook[id=" + id + ", eventName=" + eventName + ", state=" + state + ", hasSecret=" + (secret != null)
                + "]";
    }
}
