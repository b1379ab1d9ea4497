package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/webhooks/}, read and validated.
 *
 * @param input the writable fields (meaningful only without errors)
 * @param state {@code PUBLIC}, or {@code DRAFT} when the body asks for it
 * @param errors every problem of the body, in form order; empty when it can be stored
 */
record NewWebhook(WebhookInput input, WebhookState state, List<FieldError> errors) {

    /** Reads {@code body}, reporting every problem at once. */
    static NewWebhook read(JsonNode body, WebhookValidator validator) {
        if (!body.isObject()) {
            return new NewWebhook(null, null, List.of(FieldError.ofRequest("the body must be a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        WebhookState state = WebhookState.PUBLIC;
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            if (member.getKey().equals(WebhookFieldsReader.STATE)) {
                JsonNode value = member.getValue();
                if (value.isTextual() && (value.textValue().equals("PUBLIC") || value.textValue().equals("DRAFT"))) {
                    state = WebhookState.valueOf(value.textValue());
                } else if (!value.isNull()) {
                    WebhookFieldsReader.add(errors, member.getKey(), "must be PUBLIC or DRAFT for a new webhook");
                }
            } else if (member.getKey().equals("proxy.url")) {
                // a dot path is a PATCH's way to name a nested member, not a document's
                WebhookFieldsReader.add(errors, member.getKey(), "is not a field of a webhook: send {\"proxy\":{\"url\":…}}");
            } else {
                WebhookFieldsReader.read(member.getKey(), member.getValue(), values, errors);
            }
        }
        WebhookInput input = WebhookFieldsReader.input(values);
        return new NewWebhook(input, state, WebhookFieldsReader.merge(errors, validator.validate(input)));
    }
}
