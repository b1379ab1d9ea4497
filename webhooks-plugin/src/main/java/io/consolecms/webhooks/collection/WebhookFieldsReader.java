package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the members of a webhook document from client JSON: what Bean Validation cannot see because it happens before
 * a value exists, such as a member of the wrong JSON type, an unknown member or a read-only one. A JSON {@code null}
 * is an absent member.
 */
final class WebhookFieldsReader {

    /** The writable members whose value is a string. */
    static final Set<String> STRING_FIELDS = Set.of("tenantId", "projectId", "eventName", "target", "base64CA",
            "secret");

    /** The members a client may read but never write. */
    static final Set<String> READ_ONLY = Set.of("_id", "createdAt", "updatedAt", "creatorId", "updaterId",
            "hasSecret", "lastDelivery", "targetHealth", "disabledReason", "disabledAt");

    /** The writable member whose value is a whole number. */
    static final String RATE_LIMIT = "rateLimit";

    static final String STATE = "__STATE__";

    /** At most this many problems are listed; a body with more is not a form's. */
    static final int MAX_ERRORS = 100;

    private static final int MAX_NAME_LENGTH = 100;

    private WebhookFieldsReader() {
    }

    /**
     * Reads one member into {@code values} (string members, {@code proxy.url}, and {@code rateLimit} in decimal), or
     * adds its problem to {@code errors}. {@code __STATE__} is left to the caller.
     */
    static void read(String name, JsonNode value, Map<String, String> values, List<FieldError> errors) {
        if (name.equals(RATE_LIMIT)) {
            if (value.isNull()) {
                values.put(name, null);
            } else if (!value.isIntegralNumber()) {
                add(errors, name, "must be a whole number of deliveries per second, as a JSON number such as 50");
            } else if (!value.canConvertToInt()) {
                add(errors, name, WebhookInput.RATE_MESSAGE);
            } else {
                values.put(name, Integer.toString(value.intValue()));
            }
        } else if (STRING_FIELDS.contains(name)) {
            if (value.isTextual()) {
                values.put(name, value.textValue());
            } else if (!value.isNull()) {
                add(errors, name, "must be a string");
            } else {
                values.put(name, null);
            }
        } else if (name.equals("proxy")) {
            readProxy(value, values, errors);
        } else if (name.equals("proxy.url")) {
            if (value.isTextual() || value.isNull()) {
                values.put(name, value.textValue());
            } else {
                add(errors, name, "must be a string");
            }
        } else if (READ_ONLY.contains(name)) {
            add(errors, name, "is read-only");
        } else if (name.equals(STATE)) {
            add(errors, name, "is read-only here: change it with POST /api/webhooks/{_id}/state");
        } else {
            add(errors, name, "is not a field of a webhook");
        }
    }

    private static void readProxy(JsonNode value, Map<String, String> values, List<FieldError> errors) {
        if (value.isNull()) {
            values.put("proxy.url", null);
            return;
        }
        if (!value.isObject()) {
            add(errors, "proxy", "must be an object such as {\"url\":\"http://proxy.example.com:3128\"}");
            return;
        }
        int before = errors.size();
        value.properties().forEach(member -> {
            if (!member.getKey().equals("url")) {
                add(errors, "proxy." + member.getKey(), "is not a field of a proxy: a proxy has only a url");
            }
        });
        JsonNode url = value.path("url");
        if (url.isTextual()) {
            values.put("proxy.url", url.textValue());
        } else if (url.isMissingNode() || url.isNull()) {
            if (errors.size() == before) {
                add(errors, "proxy.url", "is required: a proxy is its url");
            }
        } else {
            add(errors, "proxy.url", "must be a string");
        }
    }

    /** Adds a problem, naming the member by a bounded name; stops listing beyond {@link #MAX_ERRORS}. */
    static void add(List<FieldError> errors, String field, String message) {
        if (errors.size() < MAX_ERRORS) {
            String name = field.length() > MAX_NAME_LENGTH ? field.substring(0, MAX_NAME_LENGTH) + "…" : field;
            errors.add(new FieldError(name, message));
        }
    }

    /** The input made of read members; absent ones are {@code null}. */
    static WebhookInput input(Map<String, String> values) {
        String proxyUrl = values.get("proxy.url");
        String rateLimit = values.get(RATE_LIMIT);
        return new WebhookInput(values.get("tenantId"), values.get("projectId"), values.get("eventName"),
                values.get("target"), values.get("base64CA"), values.get("secret"),
                proxyUrl == null ? null : new WebhookInput.ProxySettings(proxyUrl),
                rateLimit == null ? null : Integer.valueOf(rateLimit));
    }

    /**
     * Adds the validator's problems to those found while reading, except for members already reported (a member of the
     * wrong type is absent to the validator, which would also call it required), then sorts them in form order.
     */
    static List<FieldError> merge(List<FieldError> readErrors, List<FieldError> validationErrors) {
        List<FieldError> all = new java.util.ArrayList<>(readErrors);
        for (FieldError error : validationErrors) {
            boolean reported = readErrors.stream().anyMatch(read -> read.field() != null
                    && (read.field().equals(error.field()) || error.field().startsWith(read.field() + ".")));
            if (!reported && all.size() < MAX_ERRORS) {
                all.add(error);
            }
        }
        all.sort(java.util.Comparator.comparingInt(error -> WebhookValidator.position(error.field())));
        return all;
    }
}
