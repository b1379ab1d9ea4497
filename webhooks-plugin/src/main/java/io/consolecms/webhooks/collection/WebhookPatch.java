package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code PATCH /api/webhooks/{_id}}: {@code {"$set":{…},"$unset":{…}}} with dot paths ({@code proxy.url})
 * or whole members ({@code proxy}), as Mia-Platform CRUD Service takes it.
 *
 * @param set the members to set, by dot path ({@code proxy} is read as {@code proxy.url}); a {@code null} value unsets
 * @param unset the dot paths to remove
 * @param errors the problems of the body itself; the patched document is validated whole by {@link #applyTo}
 */
record WebhookPatch(Map<String, String> set, Set<String> unset, List<FieldError> errors) {

    private static final Set<String> REQUIRED = Set.of("eventName", "target");

    /** Reads {@code body}, reporting every problem at once. */
    static WebhookPatch read(JsonNode body) {
        if (!body.isObject()) {
            return failed(FieldError.ofRequest("the body must be a JSON object such as {\"$set\":{…},\"$unset\":{…}}"));
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> set = new HashMap<>();
        Set<String> unset = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> operation : body.properties()) {
            JsonNode members = operation.getValue();
            switch (operation.getKey()) {
                case "$set" -> {
                    if (!members.isObject()) {
                        WebhookFieldsReader.add(errors, "$set", "must be an object of the fields to set");
                    } else if (members.has("proxy") && members.has("proxy.url")) {
                        WebhookFieldsReader.add(errors, "proxy", "set either proxy or proxy.url, not both");
                    } else {
                        members.properties().forEach(member ->
                                WebhookFieldsReader.read(member.getKey(), member.getValue(), set, errors));
                    }
                }
                case "$unset" -> {
                    if (!members.isObject()) {
                        WebhookFieldsReader.add(errors, "$unset", "must be an object of the fields to remove");
                    } else {
                        members.properties().forEach(member -> readUnset(member.getKey(), unset, errors));
                    }
                }
                default -> WebhookFieldsReader.add(errors, operation.getKey(), operation.getKey().startsWith("$")
                        ? "is not supported: a PATCH has only $set and $unset"
                        : "is not an operation: a PATCH body is {\"$set\":{…},\"$unset\":{…}}");
            }
        }
        for (String path : unset) {
            if (set.containsKey(path)) {
                WebhookFieldsReader.add(errors, path, "cannot be both set and unset");
            }
        }
        return new WebhookPatch(set, unset, errors);
    }

    private static void readUnset(String path, Set<String> unset, List<FieldError> errors) {
        String normalized = path.equals("proxy") ? "proxy.url" : path;
        if (REQUIRED.contains(path)) {
            WebhookFieldsReader.add(errors, path, "is required and cannot be unset");
        } else if (WebhookFieldsReader.STRING_FIELDS.contains(path) || normalized.equals("proxy.url")
                || path.equals(WebhookFieldsReader.RATE_LIMIT)) {
            unset.add(normalized);
        } else if (WebhookFieldsReader.READ_ONLY.contains(path) || path.equals(WebhookFieldsReader.STATE)) {
            WebhookFieldsReader.add(errors, path, "is read-only");
        } else {
            WebhookFieldsReader.add(errors, path, "is not a field of a webhook");
        }
    }

    private static WebhookPatch failed(FieldError error) {
        return new WebhookPatch(Map.of(), Set.of(), List.of(error));
    }

    /**
     * The writable fields of {@code stored} once patched. A proxy URL sent back as the document showed it (user-info
     * masked) keeps the stored credentials; a patch that does not name the proxy keeps it whole.
     */
    WebhookInput applyTo(Webhook stored) {
        Map<String, String> values = new HashMap<>();
        WebhookInput before = stored.input();
        values.put("tenantId", before.tenantId());
        values.put("projectId", before.projectId());
        values.put("eventName", before.eventName());
        values.put("target", before.target());
        values.put("base64CA", before.base64CA());
        values.put("secret", before.secret());
        values.put("proxy.url", stored.proxyUrl());
        values.put(WebhookFieldsReader.RATE_LIMIT, before.rateLimit() == null ? null : before.rateLimit().toString());
        values.putAll(set);
        unset.forEach(path -> values.put(path, null));
        values.put("proxy.url", UrlRules.unmaskUserInfo(values.get("proxy.url"), stored.proxyUrl()));
        return WebhookFieldsReader.input(values);
    }

    /** Keeps the values (a secret, a proxy password) out of logs. */
    @Override
    public String toString() {
        return "WebhookPatch[set=" + set.keySet() + ", unset=" + unset + ", errors=" + errors + "]";
    }
}
