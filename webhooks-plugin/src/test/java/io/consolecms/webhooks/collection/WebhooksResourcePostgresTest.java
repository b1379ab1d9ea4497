package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.TestPostgres;
import io.consolecms.webhooks.secrets.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.Migrations;
import io.consolecms.webhooks.catalog.EventCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The collection's API on a real PostgreSQL, which refuses a NUL character in a statement's text parameters (H2 takes
 * it): ids, filters and document fields carrying one are answered before any SQL, with a 4xx naming them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksResourcePostgresTest {

    private TestPostgres postgres;
    private WebhookValidator validator;
    private CollectionServer server;

    @BeforeAll
    void start() throws Exception {
        postgres = TestPostgres.start();
        DataSource database = postgres.newDatabase();
        Migrations.migrate(database);
        validator = new WebhookValidator(EventCatalog.standard());
        server = CollectionServer.start(new WebhooksResource(new WebhookStore(database, TestKeys.box()), validator,
                TargetHealth.ALWAYS_HEALTHY));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (validator != null) {
            validator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void answers404ForIdsWithANulCharacter() {
        for (String id : List.of("%00", "%00abc", "00000000000000000000000%00")) {
            for (CollectionServer.Reply reply : List.of(server.get("/api/webhooks/" + id),
                    server.patch("/api/webhooks/" + id, "{\"$set\":{\"target\":\"https://x.example.com/\"}}"),
                    server.delete("/api/webhooks/" + id),
                    server.post("/api/webhooks/" + id + "/state", "{\"stateTo\":\"DRAFT\"}"))) {
                assertThat(reply.status()).as(id + ": " + reply).isEqualTo(404);
                assertThat(reply.json().at("/errors/0/message").asText()).as(id).isNotBlank();
            }
        }
    }

    @Test
    void refusesFiltersWithANulCharacterNamingThem() {
        for (String field : WebhookQuery.FILTER_COLUMNS.keySet()) {
            for (String path : List.of("/api/webhooks/?", "/api/webhooks/count?")) {
                CollectionServer.Reply reply = server.get(path + field + "=a%00b");
                assertThat(reply.status()).as(path + field + ": " + reply).isEqualTo(400);
                assertThat(reply.json().at("/errors/0/field").asText()).isEqualTo(field);
            }
        }
    }

    @Test
    void refusesDocumentFieldsWithANulCharacterNamingThem() {
        for (String field : List.of("tenantId", "projectId", "eventName", "target", "secret")) {
            Map<String, String> document = new LinkedHashMap<>(Map.of("eventName", "project_created",
                    "target", "https://x.example.com/"));
            document.put(field, "a\u0000b");
            String body = CollectionServer.JSON.valueToTree(document).toString();
            CollectionServer.Reply reply = server.post("/api/webhooks/", body);
            assertThat(reply.status()).as(field + ": " + reply).isEqualTo(400);
            assertThat(reply.json().at("/errors/0/field").asText()).as(field).isEqualTo(field);
        }
        CollectionServer.Reply proxy = server.post("/api/webhooks/", "{\"eventName\":\"project_created\","
                + "\"target\":\"https://x.example.com/\",\"proxy\":{\"url\":\"http://p\\u0000.example.com/\"}}");
        assertThat(proxy.status()).as(proxy.toString()).isEqualTo(400);
    }
}
