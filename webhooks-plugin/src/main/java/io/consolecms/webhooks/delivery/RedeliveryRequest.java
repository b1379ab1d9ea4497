package io.consolecms.webhooks.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.webhooks.ObjectId;
import io.consolecms.webhooks.catalog.EventCatalog;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the filter of {@code POST /api/deliveries/redeliver} from a JSON body {@code {since, until?, status?,
 * eventName?, webhookId?}} or, when there is no body, from query parameters of the same names; every member is
 * checked, and the first problem is a 400 naming its member.
 */
final class RedeliveryRequest {

    static final Set<String> MEMBERS = Set.of("since", "until", "status", "eventName", "webhookId");
    private static final String MEMBER_LIST = "since, until, status, eventName, webhookId";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest epoch milliseconds accepted as a number: what 15 digits hold, as in the query form. */
    private static final long MAX_MILLIS = 999_999_999_999_999L;

    private RedeliveryRequest() {
    }

    /**
     * The filter, with {@code until} defaulting to {@code now} and {@code status} to {@code failed}.
     *
     * @param body the request body, possibly empty
     * @param contentType the request's content type, or {@code null}
     * @param query the request's query parameters
     */
    static RedeliveryFilter parse(byte[] body, String contentType, MultivaluedMap<String, String> query,
                                  EventCatalog catalog, Instant now) {
        Map<String, String> members = body.length == 0 || isBlank(body) ? fromQuery(query)
                : fromBody(body, contentType, query);
        Instant since = WebhookRedeliverResource.parseSince(members.get("since"));
        Instant until = members.get("until") == null ? now : WebhookRedeliverResource.parseTime("until",
                members.get("until"));
        if (!until.isAfter(since)) {
            throw ApiErrors.badRequest("until", "must be after since (" + since + ")");
        }
        DeliveryStatus status = status(members.get("status"));
        String eventName = members.get("eventName");
        if (eventName != null && !catalog.contains(eventName)) {
            throw ApiErrors.badRequest("eventName", "is not an event of the catalog (GET /api/webhooks/events)");
        }
        String webhookId = members.get("webhookId");
        if (webhookId != null && !ObjectId.isValid(webhookId)) {
            throw ApiErrors.badRequest("webhookId", "is not a webhook id: 24 lowercase hexadecimal digits");
        }
        return new RedeliveryFilter(since, until, status, eventName, webhookId);
    }

    private static DeliveryStatus status(String text) {
        if (text == null) {
            return DeliveryStatus.FAILED;
        }
        DeliveryStatus status = DeliveryStatus.parse(text).orElseThrow(() ->
                ApiErrors.badRequest("status", "must be failed or succeeded"));
        if (status == DeliveryStatus.PENDING) {
            throw ApiErrors.badRequest("status", "pending deliveries are queued already: use failed or succeeded");
        }
        return status;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> fromQuery(MultivaluedMap<String, String> query) {
        Map<String, String> members = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            if (!MEMBERS.contains(name)) {
                throw ApiErrors.badRequest(name, "is not a filter of redelivery: use " + MEMBER_LIST);
            }
            if (parameter.getValue().size() > 1) {
                throw ApiErrors.badRequest(name, "is given more than once");
            }
            String value = parameter.getValue().get(0);
            if (value == null || value.isBlank()) {
                throw ApiErrors.badRequest(name, "is empty");
            }
            members.put(name, value.trim());
        }
        return members;
    }

    private static Map<String, String> fromBody(byte[] body, String contentType,
                                                MultivaluedMap<String, String> query) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw ApiErrors.unsupportedMediaType("body", "must be JSON (Content-Type: application/json)");
        }
        if (!query.isEmpty()) {
            throw ApiErrors.badRequest(query.keySet().iterator().next(),
                    "give the filter either as a JSON body or as query parameters, not both");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException malformed) {
            throw ApiErrors.badRequest("body", "is not valid JSON");
        } catch (IOException unreadable) {
            throw ApiErrors.badRequest("body", "cannot be read");
        }
        if (root == null || !root.isObject()) {
            throw ApiErrors.badRequest("body",
                    "must be a JSON object {since, until?, status?, eventName?, webhookId?}");
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (!MEMBERS.contains(name)) {
                throw ApiErrors.badRequest(name, "is not a filter of redelivery: use " + MEMBER_LIST);
            }
            if (value.isNull()) {
                continue;
            }
            boolean time = name.equals("since") || name.equals("until");
            if (time && value.isNumber()) {
                if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0
                        || value.asLong() > MAX_MILLIS) {
                    throw ApiErrors.badRequest(name, "is out of range: epoch milliseconds from 0 to " + MAX_MILLIS);
                }
                members.put(name, Long.toString(value.asLong()));
            } else if (value.isTextual() && !value.asText().isBlank()) {
                members.put(name, value.asText().trim());
            } else {
                throw ApiErrors.badRequest(name, time ? "must be an ISO-8601 time or epoch milliseconds"
                        : "must be a non-empty string");
            }
        }
        return members;
    }
}
