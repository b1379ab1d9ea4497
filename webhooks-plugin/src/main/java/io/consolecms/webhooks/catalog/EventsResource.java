package io.consolecms.webhooks.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/webhooks/events}: the event catalog, for the admin UI's event picker and for receivers. */
@Path("api/webhooks/events")
public final class EventsResource {

    private final String json;

    /** Serves {@code catalog}, rendered once. */
    public EventsResource(EventCatalog catalog) {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (EventType event : catalog.events()) {
            array.addObject()
                    .put("name", event.name())
                    .put("description", event.description())
                    .<ObjectNode>set("schema", event.schema())
                    .set("example", event.example());
        }
        try {
            this.json = mapper.writeValueAsString(array);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Every event of the catalog: {@code [{name, description, schema, example}]}. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String list() {
        return json;
    }
}
