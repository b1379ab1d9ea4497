package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.plugin.PluginSettings;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.test.JerseyTest;
import org.glassfish.jersey.test.TestProperties;
import org.glassfish.jersey.test.jetty.JettyTestContainerFactory;
import org.glassfish.jersey.test.spi.TestContainerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/webhooks/{id}/test}, on Jetty as in the host (the JDK's test server cannot suspend a request): the
 * test event is sent now, on threads of its own, a bounded number at once; one more than the bound is refused at once
 * with 429 rather than left to wait, and those in flight still answer their outcome.
 */
class WebhookTestResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IN_FLIGHT = 2;

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final List<ScriptedReceiver> receivers = new ArrayList<>();
    private WebhookPing ping;
    private DeliverySender sender;
    private JerseyTest server;

    @BeforeEach
    void start() throws Exception {
        DeliverySettings settings = DeliverySettings.from(PluginSettings.forPlugin("webhooks",
                Map.of("CMS_WEBHOOKS_TIMEOUT", "1s")));
        sender = LoopbackSender.create(settings.timeout());
        ping = new WebhookPing(db.dataSource, new Outbox(db.dataSource, Clock.systemUTC()), sender, settings,
                Clock.systemUTC(), IN_FLIGHT);
        DeliveryLog log = new DeliveryLog(db.dataSource, Clock.systemUTC());
        server = new JerseyTest() {
            @Override
            protected TestContainerFactory getTestContainerFactory() {
                return new JettyTestContainerFactory();
            }

            @Override
            protected Application configure() {
                forceSet(TestProperties.CONTAINER_PORT, "0"); // a free port: other builds may run alongside
                return new ResourceConfig().register(JacksonFeature.class).register(new WebhookTestResource(ping))
                        .register(new WebhookDeliveriesResource(log)).register(new DeliveriesResource(log, () -> { }));
            }
        };
        server.setUp();
    }

    @AfterEach
    void stop() throws Exception {
        receivers.forEach(ScriptedReceiver::close);
        server.tearDown();
        ping.close();
        sender.close();
    }

    private ScriptedReceiver receiver(ScriptedReceiver receiver) {
        receivers.add(receiver);
        return receiver;
    }

    @Test
    void oneTestEventMoreThanTheBoundIsRefusedAt429WhileThoseInFlightAnswerTheirTimeout() throws Exception {
        ScriptedReceiver hung = receiver(ScriptedReceiver.hanging());
        String webhook = db.webhook("project_created", hung.url()).insert();
        List<Future<Response>> inFlight = List.of(postAsync(webhook), postAsync(webhook));
        await().atMost(Duration.ofSeconds(5)).until(() -> hung.requests().size() == IN_FLIGHT);

        Response refused = post("api/webhooks/" + webhook + "/test");

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeaderString("Retry-After")).isEqualTo("5");
        assertThat(body(refused).at("/errors/0/message").asText()).contains("2 test events are in flight");
        for (Future<Response> answer : inFlight) {
            Response response = answer.get(10, TimeUnit.SECONDS);
            assertThat(response.getStatus()).isEqualTo(200);
            JsonNode outcome = body(response);
            assertThat(outcome.get("succeeded").asBoolean()).isFalse();
            assertThat(outcome.get("error").asText()).isEqualTo("timed out after 1s");
            assertThat(db.delivery(outcome.get("deliveryId").asText())).containsEntry("status", "failed");
        }
        assertThat(hung.requests()).hasSize(IN_FLIGHT); // the refused one was not sent

        // once those answered, there is room again
        assertThat(postAsync(webhook).get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
    }

    @Test
    void answers404NamingTheIdForIdsThatAreNotIdsAndWebhooksThatDoNotExist() throws Exception {
        List<String> ids = new ArrayList<>(List.of(DeliveryResourcesTest.NOT_IDS));
        ids.add("000000000000000000000000");
        for (String id : ids) {
            if (id.contains("%00")) {
                continue; // Jetty itself refuses an encoded NUL in a path (400), before any resource
            }
            Response response = post("api/webhooks/" + id + "/test");
            assertThat(response.getStatus()).as(id).isEqualTo(404);
            assertThat(body(response).at("/errors/0/field").asText()).as(id).isEqualTo("_id");
        }
    }

    @Test
    void sendsATestEventNowEvenToADraftWebhookAndRecordsIt() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(new ScriptedReceiver.Reply(200, Map.of(), "pong")));
        String webhook = db.webhook("project_created", receiver.url()).state("DRAFT").secret("k").insert();

        Response response = post("api/webhooks/" + webhook + "/test");

        assertThat(response.getStatus()).isEqualTo(200);
        JsonNode outcome = body(response);
        assertThat(outcome.get("succeeded").asBoolean()).isTrue();
        assertThat(outcome.get("statusCode").asInt()).isEqualTo(200);
        assertThat(outcome.get("responseBody").asText()).isEqualTo("pong");
        assertThat(outcome.has("error")).isTrue();
        assertThat(outcome.get("durationMs").isIntegralNumber()).isTrue();
        String deliveryId = outcome.get("deliveryId").asText();
        ScriptedReceiver.Request request = receiver.requests().get(0);
        assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
        JsonNode sent = JSON.readTree(request.body());
        assertThat(sent.get("eventName").asText()).isEqualTo("webhook_ping");
        assertThat(sent.get("eventTimestamp").isIntegralNumber()).isTrue();
        assertThat(sent.at("/payload/webhookId").asText()).isEqualTo(webhook);
        assertThat(request.header(MiaSignature.HEADER)).isEqualTo(MiaSignature.sign(request.body(), "k"));

        JsonNode listed = get("api/webhooks/" + webhook + "/deliveries").get(0);
        assertThat(listed.get("_id").asText()).isEqualTo(deliveryId);
        assertThat(listed.get("eventName").asText()).isEqualTo("webhook_ping");
        assertThat(listed.get("status").asText()).isEqualTo("succeeded");
        assertThat(get("api/deliveries/" + deliveryId).get("attempts")).hasSize(1);
        assertThat(db.webhookRow(webhook)).containsEntry("state", "DRAFT")
                .containsEntry("last_delivery_event", "webhook_ping").containsEntry("last_delivery_status", "succeeded");
    }

    @Test
    void aFailedTestEventIsAnsweredAndNotRetried() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(503));
        String webhook = db.webhook("project_created", receiver.url()).insert();

        JsonNode outcome = body(post("api/webhooks/" + webhook + "/test"));

        assertThat(outcome.get("succeeded").asBoolean()).isFalse();
        assertThat(outcome.get("statusCode").asInt()).isEqualTo(503);
        assertThat(outcome.get("error").asText()).contains("503");
        assertThat(db.delivery(outcome.get("deliveryId").asText())).containsEntry("status", "failed")
                .containsEntry("lease_owner", null);
        assertThat(db.webhookRow(webhook)).containsEntry("last_delivery_status", "failed")
                .containsEntry("last_delivery_code", 503);
        assertThat(receiver.requests()).hasSize(1);
        assertThat(post("api/webhooks/000000000000000000000000/test").getStatus()).isEqualTo(404);
    }

    private Future<Response> postAsync(String webhook) {
        return server.target("api/webhooks/" + webhook + "/test").request().async().post(Entity.json(""));
    }

    private Response post(String path) {
        Response response = server.target(path).request().post(Entity.json(""));
        response.bufferEntity();
        return response;
    }

    private JsonNode get(String path) throws Exception {
        Response response = server.target(path).request().get();
        assertThat(response.getStatus()).as("GET " + path).isEqualTo(200);
        return JSON.readTree(response.readEntity(String.class));
    }

    private static JsonNode body(Response response) throws Exception {
        return JSON.readTree(response.readEntity(String.class));
    }
}
