package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Events.projectCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.plugin.ConsoleEvent;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.test.JerseyTest;
import org.glassfish.jersey.test.TestProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;

/**
 * One module and one server for the class (stopping the test server takes seconds); each test makes webhooks of its
 * own, so tests do not see each other's deliveries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryResourcesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final List<ScriptedReceiver> receivers = new ArrayList<>();
    private RecordingPluginContext context;
    private DeliveryModule module;
    private JerseyTest server;

    /** Stands in for the collection's own resource, which shares the {@code api/webhooks} prefix. */
    @Path("api/webhooks")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class CollectionStandIn {
        @GET
        @Path("{id}")
        public Map<String, String> get(@PathParam("id") String id) {
            return Map.of("collection", id);
        }
    }

    @BeforeAll
    void start() throws Exception {
        context = new RecordingPluginContext(Map.of("CMS_WEBHOOKS_RETRY_SCHEDULE", "50ms,50ms",
                "CMS_WEBHOOKS_TIMEOUT", "3s"), db.dataSource);
        module = DeliveryModule.start(context, settings -> LoopbackSender.create(settings.timeout()));
        server = new JerseyTest() {
            @Override
            protected Application configure() {
                forceSet(TestProperties.CONTAINER_PORT, "0"); // a free port: other builds may run alongside
                ResourceConfig config = new ResourceConfig().register(JacksonFeature.class)
                        .register(new CollectionStandIn());
                context.resources.forEach(config::register);
                return config;
            }
        };
        server.setUp();
    }

    @AfterAll
    void stop() throws Exception {
        server.tearDown();
        module.close();
    }

    @AfterEach
    void closeReceivers() {
        receivers.forEach(ScriptedReceiver::close);
        receivers.clear();
    }

    private ScriptedReceiver receiver(ScriptedReceiver receiver) {
        receivers.add(receiver);
        return receiver;
    }

    private ConsoleEvent publish(ConsoleEvent event) throws Exception {
        for (var listener : context.listeners) {
            listener.onEvent(event);
        }
        return event;
    }

    private WebTarget target(String pathAndQuery) {
        return target(server, pathAndQuery);
    }

    /** A target of {@code server} for a path that may carry a query string. */
    static WebTarget target(JerseyTest server, String pathAndQuery) {
        int question = pathAndQuery.indexOf('?');
        if (question < 0) {
            return server.target(pathAndQuery);
        }
        WebTarget target = server.target(pathAndQuery.substring(0, question));
        for (String pair : pathAndQuery.substring(question + 1).split("&")) {
            String[] nameValue = pair.split("=", 2);
            target = target.queryParam(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
        }
        return target;
    }

    private JsonNode get(String path) throws Exception {
        Response response = target(path).request().get();
        assertThat(response.getStatus()).as("GET " + path).isEqualTo(200);
        return JSON.readTree(response.readEntity(String.class));
    }

    private Response post(String path) {
        Response response = target(path).request().post(Entity.json(""));
        response.bufferEntity(); // frees the connection, so that the server stops at once
        return response;
    }

    private static JsonNode body(Response response) throws Exception {
        return JSON.readTree(response.readEntity(String.class));
    }

    private void awaitStatuses(String webhook, String status, int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> db.deliveriesOf(webhook).stream()
                .filter(row -> status.equals(row.get("status"))).count() == count);
    }

    @Test
    void listsAWebhooksDeliveriesNewestFirstWithTheirAttemptCount() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        ConsoleEvent first = publish(projectCreated("acme", "p1"));
        awaitStatuses(webhook, "succeeded", 1);
        db.update("UPDATE webhook_deliveries SET created_at = created_at - 1000 WHERE webhook_id = ?", webhook);
        ConsoleEvent second = publish(projectCreated("acme", "p2"));
        awaitStatuses(webhook, "succeeded", 2);

        JsonNode list = get("api/webhooks/" + webhook + "/deliveries");

        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("eventId").asText()).isEqualTo(second.id());
        assertThat(list.get(1).get("eventId").asText()).isEqualTo(first.id());
        JsonNode item = list.get(0);
        assertThat(item.get("_id").asText()).matches("[0-9a-f]{24}");
        assertThat(item.get("eventName").asText()).isEqualTo("project_created");
        assertThat(item.get("status").asText()).isEqualTo("succeeded");
        assertThat(item.get("attempts").isInt()).isTrue();
        assertThat(item.get("attempts").asInt()).isEqualTo(1);
        assertThat(item.get("lastStatusCode").asInt()).isEqualTo(200);
        assertThat(item.has("nextAttemptAt")).isFalse();
        assertThat(item.has("lastError")).isFalse();
        assertThat(Instant.parse(item.get("createdAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(Instant.parse(item.get("updatedAt").asText())).isBeforeOrEqualTo(Instant.now());

        assertThat(get("api/webhooks/" + webhook + "/deliveries?_l=1")).hasSize(1);
        assertThat(get("api/webhooks/" + webhook + "/deliveries?_l=1&_sk=1").get(0).get("eventId").asText())
                .isEqualTo(first.id());
        assertThat(get("api/webhooks/" + webhook + "/deliveries?status=failed")).isEmpty();
        assertThat(get("api/webhooks/" + webhook + "/deliveries?status=succeeded")).hasSize(2);
    }

    @Test
    void answers404ForAnUnknownWebhookAnd400NamingABadParameter() throws Exception {
        String webhook = db.webhook("project_created", "http://127.0.0.1:9/").insert();

        Response unknown = server.target("api/webhooks/000000000000000000000000/deliveries").request().get();
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(body(unknown).at("/errors/0/field").asText()).isEqualTo("_id");

        for (String[] bad : new String[][] {{"status=done", "status"}, {"_l=0", "_l"}, {"_l=abc", "_l"},
                {"_l=100000", "_l"}, {"_sk=-1", "_sk"}}) {
            Response response = target("api/webhooks/" + webhook + "/deliveries?" + bad[0]).request().get();
            response.bufferEntity();
            assertThat(response.getStatus()).as(bad[0]).isEqualTo(400);
            assertThat(body(response).at("/errors/0/field").asText()).as(bad[0]).isEqualTo(bad[1]);
        }
        Response unknownDelivery = server.target("api/deliveries/000000000000000000000000").request().get();
        assertThat(unknownDelivery.getStatus()).isEqualTo(404);
        assertThat(post("api/deliveries/000000000000000000000000/redeliver").getStatus()).isEqualTo(404);
    }

    @Test
    void showsOneDeliveryWithItsAttemptsOldestFirst() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(ScriptedReceiver.Reply.status(500),
                new ScriptedReceiver.Reply(200, Map.of(), "thanks")));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        publish(projectCreated("acme", "p1"));
        awaitStatuses(webhook, "succeeded", 1);
        String deliveryId = (String) db.deliveriesOf(webhook).get(0).get("id");

        JsonNode delivery = get("api/deliveries/" + deliveryId);

        assertThat(delivery.get("_id").asText()).isEqualTo(deliveryId);
        assertThat(delivery.get("status").asText()).isEqualTo("succeeded");
        assertThat(delivery.get("attemptCount").asInt()).isEqualTo(2);
        JsonNode attempts = delivery.get("attempts");
        assertThat(attempts.isArray()).isTrue();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("statusCode").asInt()).isEqualTo(500);
        assertThat(attempts.get(0).get("error").asText()).contains("500");
        assertThat(attempts.get(1).get("statusCode").asInt()).isEqualTo(200);
        assertThat(attempts.get(1).get("responseBody").asText()).isEqualTo("thanks");
        assertThat(attempts.get(1).has("error")).isFalse();
        assertThat(attempts.get(1).get("durationMs").isIntegralNumber()).isTrue();
        Instant.parse(attempts.get(1).get("at").asText());
    }

    @Test
    void redeliversAFailedDeliveryWithTheSameWebhookIdAndAFreshBudget() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(500, 500, 500, 500, 200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        publish(projectCreated("acme", "p1"));
        awaitStatuses(webhook, "failed", 1);
        String deliveryId = (String) db.deliveriesOf(webhook).get(0).get("id");
        assertThat(receiver.requests()).hasSize(3);

        Response response = post("api/deliveries/" + deliveryId + "/redeliver");

        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(body(response).get("_id").asText()).isEqualTo(deliveryId);
        awaitStatuses(webhook, "succeeded", 1);
        // a fresh budget: the fourth attempt failed too and the fifth was still allowed
        assertThat(receiver.requests()).hasSize(5)
                .allSatisfy(request -> assertThat(request.header("webhook-id")).isEqualTo(deliveryId));
        assertThat(get("api/deliveries/" + deliveryId).get("attemptCount").asInt()).isEqualTo(5);
    }

    @Test
    void redeliversEveryFailedDeliveryOfAWebhookSinceATime() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(500, 500, 500, 500, 500, 500, 200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        publish(projectCreated("acme", "p1"));
        publish(projectCreated("acme", "p2"));
        awaitStatuses(webhook, "failed", 2);
        long oldest = db.deliveriesOf(webhook).stream().mapToLong(row -> (Long) row.get("created_at")).min().orElseThrow();

        Response future = post("api/webhooks/" + webhook + "/redeliver?since=" + Instant.now().plusSeconds(60));
        assertThat(future.getStatus()).isEqualTo(202);
        assertThat(body(future).get("redelivered").asInt()).isZero();

        Response response = post("api/webhooks/" + webhook + "/redeliver?since=" + oldest);

        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(body(response).get("redelivered").asInt()).isEqualTo(2);
        awaitStatuses(webhook, "succeeded", 2);
        assertThat(receiver.requests()).hasSize(8);
    }

    @Test
    void rejectsARedeliverySinceThatIsNoTime() throws Exception {
        String webhook = db.webhook("project_created", "http://127.0.0.1:9/").insert();

        for (String since : new String[] {"", "?since=yesterday", "?since=2026-13-01T00:00:00Z"}) {
            Response response = post("api/webhooks/" + webhook + "/redeliver" + since);
            assertThat(response.getStatus()).as(since).isEqualTo(400);
            assertThat(body(response).at("/errors/0/field").asText()).isEqualTo("since");
        }
        assertThat(post("api/webhooks/000000000000000000000000/redeliver?since=0").getStatus()).isEqualTo(404);
    }

    /** Instants that parse, but that epoch milliseconds (what the log stores) cannot hold. */
    static final String[] UNREPRESENTABLE_SINCE = {"-1000000000-01-01T00:00:00Z", "%2B292278994-08-17T07:12:55.808Z",
        "-999999999-01-01T00:00:00-18:00", "%2B999999999-12-31T23:59:59-18:00"};

    /** Ids that are not ids: a NUL character breaks a PostgreSQL statement, so none may reach SQL. */
    static final String[] NOT_IDS = {"%00abc", "%00", "abc", "0000000000000000000000000%00",
        "ABCDEF0123456789ABCDEF01"};

    @Test
    void rejectsARedeliverySinceThatTheLogCannotHoldNamingIt() throws Exception {
        String webhook = db.webhook("project_created", "http://127.0.0.1:9/").insert();

        for (String since : UNREPRESENTABLE_SINCE) {
            Response response = post("api/webhooks/" + webhook + "/redeliver?since=" + since);
            assertThat(response.getStatus()).as(since).isEqualTo(400);
            assertThat(body(response).at("/errors/0/field").asText()).as(since).isEqualTo("since");
            assertThat(body(response).at("/errors/0/message").asText()).as(since).isNotBlank();
        }
    }

    @Test
    void answers404ForIdsThatAreNotIds() throws Exception {
        assertIdsThatAreNotIdsAreNotFound(server);
    }

    /**
     * Every endpoint that takes an id answers 404 naming {@code _id} for each of {@link #NOT_IDS} (the test event's,
     * which needs a server that suspends requests, in {@code WebhookTestResourceTest}).
     */
    static void assertIdsThatAreNotIdsAreNotFound(JerseyTest server) throws Exception {
        for (String id : NOT_IDS) {
            for (String[] request : new String[][] {{"GET", "api/deliveries/" + id},
                    {"POST", "api/deliveries/" + id + "/redeliver"}, {"GET", "api/webhooks/" + id + "/deliveries"},
                    {"POST", "api/webhooks/" + id + "/redeliver?since=0"}}) {
                var builder = target(server, request[1]).request();
                Response response = request[0].equals("POST") ? builder.post(Entity.json("")) : builder.get();
                response.bufferEntity();
                assertThat(response.getStatus()).as(request[0] + " " + request[1]).isEqualTo(404);
                assertThat(body(response).at("/errors/0/field").asText()).as(request[1]).isEqualTo("_id");
            }
        }
    }

    @Test
    void sharesTheWebhooksPrefixWithTheCollectionResource() throws Exception {
        String webhook = db.webhook("project_created", "http://127.0.0.1:9/").insert();

        assertThat(get("api/webhooks/" + webhook).get("collection").asText()).isEqualTo(webhook);
        assertThat(get("api/webhooks/" + webhook + "/deliveries").isArray()).isTrue();
        assertThat(post("api/webhooks/" + webhook + "/redeliver?since=0").getStatus()).isEqualTo(202);
        assertThat(server.target("api/deliveries/x").request().get().getStatus()).isEqualTo(404);
    }
}
