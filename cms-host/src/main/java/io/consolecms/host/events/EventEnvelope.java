package io.consolecms.host.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.host.http.JsonMapperResolver;
import io.consolecms.plugin.ConsoleEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads a Console event's JSON: {@code {"eventName", "eventTimestamp", "payload"}}, or says which member is wrong. */
final class EventEnvelope {

    static final Pattern EVENT_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final int MAX_MESSAGE = 200;

    private EventEnvelope() {
    }

    /**
     * The outcome of reading: an event, or a problem with a member.
     *
     * @param event the event, or {@code null}
     * @param field the member at fault ({@code body} for the whole), or {@code null}
     * @param message what is wrong, or {@code null}
     */
    record Parsed(ConsoleEvent event, String field, String message) {
        static Parsed problem(String field, String message) {
            return new Parsed(null, field, message);
        }
    }

    /** Reads {@code json} as the event {@code id}. */
    static Parsed parse(String id, byte[] json) {
        JsonNode root;
        try {
            root = JsonMapperResolver.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return Parsed.problem("body", "malformed JSON: " + cut(e.getOriginalMessage()));
        } catch (IOException e) {
            return Parsed.problem("body", "unreadable JSON: " + cut(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return Parsed.problem("body", "must be a JSON object with eventName, eventTimestamp and payload");
        }
        JsonNode name = root.get("eventName");
        if (name == null || !name.isTextual() || !EVENT_NAME.matcher(name.asText()).matches()) {
            return Parsed.problem("eventName", "must be a string matching ^[a-z][a-z0-9_]*$");
        }
        JsonNode timestamp = root.get("eventTimestamp");
        if (timestamp == null || !timestamp.isIntegralNumber() || !timestamp.canConvertToLong()) {
            return Parsed.problem("eventTimestamp", "must be a whole number (epoch milliseconds)");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            return Parsed.problem("payload", "must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) toValue(payload);
        return new Parsed(new ConsoleEvent(id, name.asText(), timestamp.asLong(), values, json), null, null);
    }

    /** The node as unmodifiable maps, lists, strings, numbers, booleans and nulls. */
    private static Object toValue(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                map.put(field.getKey(), toValue(field.getValue()));
            }
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(toValue(element)));
            return Collections.unmodifiableList(list);
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return null;
    }

    private static String cut(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }
}
