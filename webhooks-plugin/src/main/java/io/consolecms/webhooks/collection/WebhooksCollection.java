package io.consolecms.webhooks.collection;

import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.FieldDefinition;
import io.consolecms.plugin.FieldType;
import java.util.List;

/** The Events → Webhooks collection's metadata, from which the admin UI builds its menu entry, table and form. */
public final class WebhooksCollection {

    /** The collection's name. */
    public static final String NAME = "webhooks";

    /** The collection's API, served by {@link WebhooksResource}. */
    public static final String PATH = "/api/webhooks";

    /** The admin UI module of the plugin's assets that adds deliveries and test events to the generic pages. */
    public static final String UI_MODULE = "/plugins/webhooks/webhooks-ui.js";

    private WebhooksCollection() {
    }

    /** The collection, with its fields in form order. */
    public static CollectionDefinition definition() {
        return new CollectionDefinition(NAME, "Events", "Webhooks", PATH, fields(), UI_MODULE);
    }

    /** The editable fields, in form order, with the rules the server enforces where the UI can check them too. */
    public static List<FieldDefinition> fields() {
        return List.of(
                FieldDefinition.of("tenantId", "Company (tenantId)", FieldType.STRING)
                        .withHelp("Only events of this company are sent; leave empty for every company.")
                        .withPattern(WebhookInput.IDENTIFIER)
                        .withMaxLength(64)
                        .asListed(),
                FieldDefinition.of("projectId", "Project (projectId)", FieldType.STRING)
                        .withHelp("Only events of this project are sent; leave empty for every project.")
                        .withPattern(WebhookInput.IDENTIFIER)
                        .withMaxLength(64)
                        .asListed(),
                FieldDefinition.of("eventName", "Event", FieldType.ENUM)
                        .withHelp("The Console event that triggers the webhook; the choices come from "
                                + "GET /api/webhooks/events.")
                        .asRequired()
                        .asListed(),
                FieldDefinition.of("target", "Target URL", FieldType.URL)
                        .withHelp("The http or https URL each event is POSTed to, without user name, password "
                                + "or fragment.")
                        .withPattern("^[Hh][Tt][Tt][Pp][Ss]?://[^#]+$")
                        .withMaxLength(UrlRules.MAX_LENGTH)
                        .asRequired()
                        .asListed(),
                FieldDefinition.of("base64CA", "CA certificates", FieldType.CERTIFICATE)
                        .withHelp("Extra certificates trusted for an https target, as base64 of PEM or DER; the "
                                + "JVM's trusted authorities are always trusted too."),
                FieldDefinition.of("secret", "Secret", FieldType.STRING)
                        .withHelp("Signs each delivery: X-Mia-Signature is the SHA-256 of the body followed by "
                                + "the secret, webhook-signature a Standard Webhooks HMAC (a secret starting with "
                                + "whsec_ is a base64 key after the prefix). Never shown again; leave empty to keep "
                                + "the current one, or use Rotate secret on the webhook's page to change it without "
                                + "downtime.")
                        .withMaxLength(256)
                        .asSecret(),
                FieldDefinition.of("proxy.url", "HTTP proxy URL", FieldType.URL)
                        .withHelp("Deliveries go through this HTTP proxy; user:password@ in the URL is sent as "
                                + "Basic authentication to the proxy. Stored credentials are shown as ****@; "
                                + "leave them so to keep them.")
                        .withPattern("^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]+/?$")
                        .withMaxLength(UrlRules.MAX_LENGTH),
                FieldDefinition.of("rateLimit", "Rate limit (deliveries per second)", FieldType.INTEGER)
                        .withHelp("At most this many deliveries per second to this webhook; the others wait their "
                                + "turn, without failing. Leave empty for no limit.")
                        .withRange(WebhookInput.MIN_RATE, WebhookInput.MAX_RATE));
    }
}
