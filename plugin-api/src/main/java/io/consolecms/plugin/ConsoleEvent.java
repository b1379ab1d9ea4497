package io.consolecms.plugin;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One Console event, as published by Console core: {@code {"eventName", "eventTimestamp", "payload"}}.
 *
 * @param id a unique id the host gave the event when it was published
 * @param name the event name, e.g. {@code project_created}; matches {@code ^[a-z][a-z0-9_]*$}
 * @param timestamp the event's {@code eventTimestamp}, as Console core sent it
 * @param payload the event's {@code payload} object, as parsed JSON: maps, lists, strings, numbers, booleans and
 *     nulls; unmodifiable
 * @param json the exact UTF-8 JSON bytes of the whole event as it was published; what a plugin forwards. Callers must
 *     not modify the array.
 */
public record ConsoleEvent(String id, String name, long timestamp, Map<String, Object> payload, byte[] json) {

    public ConsoleEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(json, "json");
    }

    /**
     * A string member of the payload at a dot path (e.g. {@code resource.companyId}), or {@code null} when a step is
     * missing or the value is not a string.
     */
    public String payloadString(String dotPath) {
        Object node = payload;
        for (String step : dotPath.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(step);
        }
        return node instanceof String text ? text : null;
    }

    @Override
    public String toString() {
        return "ConsoleEvent[id=" + id + ", name=" + name + ", timestamp=" + timestamp + ", bytes=" + json.length + "]";
    }

    /** The JSON as text, for logs and tests. */
    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
