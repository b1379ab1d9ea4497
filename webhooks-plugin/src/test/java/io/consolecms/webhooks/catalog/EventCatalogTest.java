package io.consolecms.webhooks.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventCatalog catalog = EventCatalog.standard();

    @Test
    void listsTheNineConsoleEventsOnceEach() {
        assertThat(catalog.names()).containsExactly("project_created", "service_created", "tag_created",
                "configuration_saved", "company_user_added", "company_user_edited", "company_user_removed",
                "project_user_added", "project_user_removed");
        assertThat(catalog.contains("project_created")).isTrue();
        assertThat(catalog.contains("project_deleted")).isFalse();
        assertThat(catalog.contains(null)).isFalse();
    }

    @Test
    void refusesACatalogThatListsAnEventTwice() throws Exception {
        JsonNode entries = JSON.readTree(EventCatalog.class.getResourceAsStream(EventCatalog.RESOURCE));
        ((com.fasterxml.jackson.databind.node.ArrayNode) entries).add(entries.get(0).deepCopy());
        assertThatThrownBy(() -> EventCatalog.parse(entries)).hasMessageContaining("project_created");
    }

    @Test
    void describesEachEventInOneSentenceWithADraft2020SchemaOfTheWholeEnvelope() {
        for (EventType event : catalog.events()) {
            assertThat(event.description()).as(event.name()).endsWith(".").doesNotContain("\n").hasSizeLessThan(120);
            ObjectNode schema = event.schema();
            assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.get("required")).extracting(JsonNode::asText)
                    .containsExactly("eventName", "eventTimestamp", "payload");
            assertThat(schema.at("/properties/eventName/const").asText()).isEqualTo(event.name());
            assertThat(schema.at("/properties/eventTimestamp/type").asText()).isEqualTo("number");
            assertThat(schema.at("/properties/payload/type").asText()).isEqualTo("object");
        }
    }

    @Test
    void everyExampleSatisfiesItsOwnSchema() {
        for (EventType event : catalog.events()) {
            assertThat(problems(event.schema(), event.example(), "")).as(event.name()).isEmpty();
        }
    }

    @Test
    void theSchemaCheckOfThisTestCatchesAnExampleThatBreaksItsSchema() {
        EventType projectCreated = catalog.events().get(0);
        ObjectNode broken = projectCreated.example().deepCopy();
        ((ObjectNode) broken.get("payload")).remove("projectId");
        broken.put("eventName", "tag_created");
        assertThat(problems(projectCreated.schema(), broken, "")).containsExactlyInAnyOrder(
                "/eventName is not the constant \"project_created\"", "/payload misses projectId");
    }

    @Test
    void acceptsBothShapesOfTheUserEvents() {
        EventType added = catalog.events().stream().filter(event -> event.name().equals("company_user_added"))
                .findFirst().orElseThrow();
        ObjectNode legacy = added.example().deepCopy();
        legacy.set("payload", JSON.createObjectNode().put("companyId", "acme").put("userId", "u1")
                .put("email", "ada@example.com").put("roleId", "developer").put("groupId", "g1"));
        assertThat(problems(added.schema(), legacy, "")).isEmpty();
        assertThat(problems(added.schema(), added.example(), "")).isEmpty();
        assertThat(added.example().at("/payload/resource/companyId").asText()).isEqualTo("acme");
        ObjectNode neither = added.example().deepCopy();
        ((ObjectNode) neither.get("payload")).remove("resource");
        assertThat(problems(added.schema(), neither, "")).isNotEmpty();
    }

    /**
     * The problems of {@code value} against the subset of JSON Schema the catalog uses: type, const, required,
     * properties, anyOf and oneOf.
     */
    private static List<String> problems(JsonNode schema, JsonNode value, String path) {
        List<String> problems = new ArrayList<>();
        String at = path.isEmpty() ? "/" : path;
        if (schema.has("type") && !hasType(value, schema.get("type").asText())) {
            problems.add(at + " is not of type " + schema.get("type").asText());
            return problems;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            problems.add(at + " is not the constant " + schema.get("const"));
        }
        schema.path("required").forEach(name -> {
            if (!value.has(name.asText())) {
                problems.add(at + " misses " + name.asText());
            }
        });
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            if (value.has(property.getKey())) {
                problems.addAll(problems(property.getValue(), value.get(property.getKey()),
                        path + "/" + property.getKey()));
            }
        }
        if (schema.has("anyOf") || schema.has("oneOf")) {
            boolean oneOf = schema.has("oneOf");
            long matching = 0;
            for (JsonNode alternative : schema.get(oneOf ? "oneOf" : "anyOf")) {
                if (problems(alternative, value, path).isEmpty()) {
                    matching++;
                }
            }
            if (oneOf ? matching != 1 : matching == 0) {
                problems.add(at + " matches " + matching + " of its alternatives");
            }
        }
        return problems;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "array" -> value.isArray();
            case "boolean" -> value.isBoolean();
            default -> throw new IllegalArgumentException("type " + type + " is not checked by this test");
        };
    }
}
