package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.plugin.EventListener;
import io.consolecms.webhooks.TestPostgres;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.test.JerseyTest;
import org.glassfish.jersey.test.TestProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The delivery log's API and event ingest on a real PostgreSQL, which refuses a NUL character in a statement's text
 * parameters (H2 takes it): an id that is not one, or an event's company or project that no webhook can have, must
 * never get that far.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryResourcesPostgresTest {

    private TestPostgres postgres;
    private DeliveryModule module;
    private JerseyTest server;
    private DeliveryDatabase db;
    private RecordingPluginContext context;

    @BeforeAll
    void start() throws Exception {
        postgres = TestPostgres.start();
        db = new DeliveryDatabase(postgres.newDatabase());
        context = new RecordingPluginContext(Map.of(), db.dataSource);
        module = DeliveryModule.start(context, settings -> LoopbackSender.create(settings.timeout()));
        server = new JerseyTest() {
            @Override
            protected Application configure() {
                forceSet(TestProperties.CONTAINER_PORT, "0");
                ResourceConfig config = new ResourceConfig().register(JacksonFeature.class);
                context.resources.forEach(config::register);
                return config;
            }
        };
        server.setUp();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.tearDown();
        }
        if (module != null) {
            module.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void answers404ForIdsThatAreNotIdsWithoutAskingTheDatabase() throws Exception {
        DeliveryResourcesTest.assertIdsThatAreNotIdsAreNotFound(server);
    }

    @Test
    void anEventWhoseCompanyOrProjectHoldsANulIsStoredForTheWebhooksItCanReach() throws Exception {
        String instance = db.webhook("project_created", "http://127.0.0.1:9/nul").insert();
        db.webhook("project_created", "http://127.0.0.1:9/nul-acme").tenant("acme").insert();
        EventListener ingest = context.listeners.get(0);

        for (String json : List.of("{\"tenantId\":\"ac\\u0000me\",\"projectId\":\"p1\"}",
                "{\"tenantId\":\"acme\",\"projectId\":\"p\\u00001\"}", "{\"companyId\":\"\\u0000\"}")) {
            ConsoleEvent event = Events.event("{\"eventName\":\"project_created\",\"eventTimestamp\":1,"
                    + "\"payload\":" + json + "}");
            int stored = ingest.onEvent(event);
            assertThat(db.deliveredWebhooks(event.id())).as(json).contains(instance).hasSize(stored);
        }
    }

    @Test
    void rejectsARedeliverySinceThatTheLogCannotHoldNamingIt() {
        String webhook = db.webhook("project_created", "http://127.0.0.1:9/").insert();

        for (String since : DeliveryResourcesTest.UNREPRESENTABLE_SINCE) {
            Response response = DeliveryResourcesTest.target(server, "api/webhooks/" + webhook + "/redeliver?since="
                    + since).request().post(Entity.json(""));
            assertThat(response.getStatus()).as(since).isEqualTo(400);
            assertThat(response.readEntity(String.class)).as(since).contains("\"field\":\"since\"");
        }
    }
}
