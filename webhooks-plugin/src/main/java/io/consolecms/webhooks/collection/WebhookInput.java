package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.secrets.SecretBox;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The writable fields of a webhook, as a client sends them, with the rules of the contract as constraints. A
 * {@code null} is an absent field.
 *
 * @param tenantId the company the webhook is restricted to
 * @param projectId the project the webhook is restricted to
 * @param eventName the event of the catalog it subscribes to
 * @param target the URL events are POSTed to
 * @param base64CA base64 of extra certificates trusted for an https target
 * @param secret the signing secret
 * @param proxy the HTTP proxy deliveries go through
 * @param rateLimit deliveries per second at most
 */
@WebhookConstraints.CertificatesNeedHttps
public record WebhookInput(
        @Pattern(regexp = IDENTIFIER, message = IDENTIFIER_MESSAGE) String tenantId,
        @Pattern(regexp = IDENTIFIER, message = IDENTIFIER_MESSAGE) String projectId,
        @NotNull(message = REQUIRED) @WebhookConstraints.KnownEvent String eventName,
        @NotNull(message = REQUIRED) @WebhookConstraints.TargetUrl String target,
        @WebhookConstraints.Certificates String base64CA,
        @Size(min = 1, max = 256, message = "must be 1 to 256 characters")
        @Pattern(regexp = "[^\\x00]*", message = "must not contain the NUL character")
        @Pattern(regexp = STANDARD_SECRET, message = STANDARD_SECRET_MESSAGE) String secret,
        @Valid ProxySettings proxy,
        @Min(value = MIN_RATE, message = RATE_MESSAGE)
        @Max(value = MAX_RATE, message = RATE_MESSAGE) Integer rateLimit) {

    /** The bounds of {@code rateLimit}, deliveries per second. */
    public static final int MIN_RATE = 1;
    public static final int MAX_RATE = 10_000;
    static final String RATE_MESSAGE = "must be a whole number of deliveries per second from 1 to 10000";

    /** Company and project identifiers. */
    public static final String IDENTIFIER = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    static final String IDENTIFIER_MESSAGE =
            "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a digit";
    static final String REQUIRED = "is required";
    /**
     * A secret starting with {@code whsec_} is a Standard Webhooks secret: the rest is the base64 of the HMAC key, as
     * receivers' libraries decode it ({@code webhook-signature}).
     */
    static final String STANDARD_SECRET =
            "(?s)(?!whsec_).*|whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)";
    static final String STANDARD_SECRET_MESSAGE = "starts with whsec_, so the rest must be the base64 of the signing"
            + " key (a Standard Webhooks secret); use a secret without that prefix to sign with its own bytes";

    /**
     * The HTTP proxy of a webhook.
     *
     * @param url the proxy's URL; its user-info, if any, is sent as Basic authentication to the proxy
     */
    public record ProxySettings(@NotNull(message = REQUIRED) @WebhookConstraints.ProxyUrl String url) {

        /** Keeps the proxy's credentials out of logs. */
        @Override
        public String toString() {
            return "ProxySettings[url=" + UrlRules.maskUserInfo(url) + "]";
        }
    }

    /**
     * What to validate of a patched webhook: a stored secret or proxy URL that the host cannot decrypt (and that the
     * patch left alone) is kept as it is stored, so it is not judged, as a value that was never typed here.
     *
     * @param stored the webhook before the patch
     */
    public WebhookInput withoutUndecryptable(Webhook stored) {
        boolean secretUnreadable = SecretBox.isUnreadable(secret) && SecretBox.isUnreadable(stored.secret());
        boolean proxyUnreadable = proxy != null && SecretBox.isUnreadable(proxy.url())
                && SecretBox.isUnreadable(stored.proxyUrl());
        if (!secretUnreadable && !proxyUnreadable) {
            return this;
        }
        return new WebhookInput(tenantId, projectId, eventName, target, base64CA, secretUnreadable ? null : secret,
                proxyUnreadable ? null : proxy, rateLimit);
    }

    /** Keeps the secret and the proxy's credentials out of logs. */
    @Override
    public String toString() {
        return "WebhookInput[tenantId=" + tenantId + ", projectId=" + projectId + ", eventName=" + eventName
                + ", hasSecret=" + (secret != null) + ", rateLimit=" + rateLimit + "]";
    }
}
