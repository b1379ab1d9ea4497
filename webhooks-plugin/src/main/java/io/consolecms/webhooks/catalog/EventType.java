package io.consolecms.webhooks.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One kind of Console event that a webhook can subscribe to.
 *
 * @param name the event's {@code eventName}, e.g. {@code project_created}
 * @param description one sentence for the admin UI's event picker
 * @param schema a JSON Schema (draft 2020-12) of the whole envelope {@code {eventName, eventTimestamp, payload}}
 * @param example an envelope that satisfies {@code schema}
 */
public record EventType(String name, String description, ObjectNode schema, ObjectNode example) {

    public EventType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(example, "example");
    }
}
