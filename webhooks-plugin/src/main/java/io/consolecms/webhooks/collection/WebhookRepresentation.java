package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consolecms.webhooks.secrets.SecretBox;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A webhook as the API answers it, CRUD Service style: ISO-8601 times, {@code __STATE__}, {@code hasSecret} instead
 * of the secret, and the user-info of the proxy URL masked. A secret or proxy URL stored under a key the host does not
 * have is named in {@code undecryptable} ({@code ["secret", "proxy.url"]}) and its proxy left out.
 */
final class WebhookRepresentation {

    /** Millisecond precision always, like CRUD Service's dates: {@code 2026-11-28T09:21:49.136Z}. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;
    private final TargetHealth health;

    WebhookRepresentation(ObjectMapper mapper, TargetHealth health) {
        this.mapper = mapper;
        this.health = health;
    }

    /** The document of {@code webhook}; never holds its secret nor its proxy's credentials. */
    ObjectNode toJson(Webhook webhook) {
        ObjectNode json = mapper.createObjectNode();
        json.put("_id", webhook.id());
        putIfSet(json, "tenantId", webhook.tenantId());
        putIfSet(json, "projectId", webhook.projectId());
        json.put("eventName", webhook.eventName());
        json.put("target", webhook.target());
        putIfSet(json, "base64CA", webhook.base64CA());
        if (webhook.proxyUrl() != null && !SecretBox.isUnreadable(webhook.proxyUrl())) {
            json.putObject("proxy").put("url", UrlRules.maskUserInfo(webhook.proxyUrl()));
        }
        json.put("hasSecret", webhook.secret() != null);
        if (webhook.rateLimit() != null) {
            json.put("rateLimit", webhook.rateLimit());
        }
        if (SecretBox.isUnreadable(webhook.secret()) || SecretBox.isUnreadable(webhook.proxyUrl())) {
            // stored, but sealed under a key the host does not have: neither shown nor sent, kept until replaced
            ArrayNode undecryptable = json.putArray("undecryptable");
            if (SecretBox.isUnreadable(webhook.secret())) {
                undecryptable.add("secret");
            }
            if (SecretBox.isUnreadable(webhook.proxyUrl())) {
                undecryptable.add("proxy.url");
            }
        }
        json.put("__STATE__", webhook.state().name());
        json.put("targetHealth", health.of(webhook.target()));
        if (webhook.disabled() != null) {
            json.put("disabledReason", webhook.disabled().reason());
            json.put("disabledAt", iso(webhook.disabled().at()));
        }
        json.put("createdAt", iso(webhook.createdAt()));
        json.put("creatorId", webhook.creatorId());
        json.put("updatedAt", iso(webhook.updatedAt()));
        json.put("updaterId", webhook.updaterId());
        LastDelivery last = webhook.lastDelivery();
        if (last != null) {
            ObjectNode node = json.putObject("lastDelivery")
                    .put("status", last.status())
                    .put("at", iso(last.at()))
                    .put("eventName", last.eventName());
            if (last.statusCode() != null) {
                node.put("statusCode", last.statusCode());
            }
        }
        return json;
    }

    static String iso(long epochMillis) {
        return ISO.format(Instant.ofEpochMilli(epochMillis));
    }

    private static void putIfSet(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }
}
