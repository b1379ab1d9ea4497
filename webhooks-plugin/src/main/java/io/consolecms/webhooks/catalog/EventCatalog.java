package io.consolecms.webhooks.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Console events a webhook can subscribe to, with their schemas and examples. Immutable and thread-safe.
 *
 * <p>The catalog is data ({@code events.json} next to this class), so that adding an event Console core learns to
 * send is a change of one file.
 */
public final class EventCatalog {

    static final String RESOURCE = "events.json";

    private final Map<String, EventType> events;

    EventCatalog(List<EventType> events) {
        Map<String, EventType> byName = new LinkedHashMap<>();
        for (EventType event : events) {
            if (byName.putIfAbsent(event.name(), event) != null) {
                throw new IllegalArgumentException("event " + event.name() + " is listed twice");
            }
        }
        this.events = Collections.unmodifiableMap(byName);
    }

    /** The catalog shipped with the plugin. */
    public static EventCatalog standard() {
        try (InputStream json = EventCatalog.class.getResourceAsStream(RESOURCE)) {
            if (json == null) {
                throw new IllegalStateException("the event catalog " + RESOURCE + " is missing from the plugin");
            }
            return parse(new ObjectMapper().readTree(json));
        } catch (IOException unreadable) {
            throw new UncheckedIOException("the event catalog " + RESOURCE + " cannot be read", unreadable);
        }
    }

    static EventCatalog parse(JsonNode array) {
        if (!(array instanceof ArrayNode entries)) {
            throw new IllegalArgumentException("the event catalog must be a JSON array");
        }
        List<EventType> events = new ArrayList<>();
        for (JsonNode entry : entries) {
            events.add(new EventType(entry.path("name").asText(null), entry.path("description").asText(null),
                    (ObjectNode) entry.get("schema"), (ObjectNode) entry.get("example")));
        }
        return new EventCatalog(events);
    }

    /** Whether {@code name} is the name of an event of the catalog. */
    public boolean contains(String name) {
        return name != null && events.containsKey(name);
    }

    /** The event names, in catalog order. */
    public Set<String> names() {
        return events.keySet();
    }

    /** The events, in catalog order. */
    public List<EventType> events() {
        return List.copyOf(events.values());
    }
}
