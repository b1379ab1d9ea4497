package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.Receiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk recovery ({@code POST /api/deliveries/redeliver}) and webhook health ({@code GET /api/webhooks/{id}/stats})
 * from the built jars, on the embedded H2, with known sequences of deliveries to a receiver whose answer and delay the
 * test sets.
 */
class RecoveryAndHealthIT {

    @TempDir
    static Path tmp;

    private static Receiver receiver;
    private static HostProcess host;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        receiver = Receiver.start(null);
        host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "100ms") // two attempts per delivery
                // every path is one target: its breaker, open after 10 failures in a row, would hold back the
                // redeliveries whose attempts this test counts (the breaker has tests of its own)
                .env("CMS_WEBHOOKS_BREAKER_FAILURES", "1000000").start();
        api = host.api();
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void recoversFailedDeliveriesByTimeEventAndWebhookAndCountsEveryAttemptInTheWebhooksHealth() throws Exception {
        receiver.answer(500);
        String a = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + receiver.url("/a") + "\"}");
        String b = create(api, "{\"eventName\":\"service_created\",\"target\":\"" + receiver.url("/b") + "\"}");
        Instant since = Instant.now().minusSeconds(1);
        for (int i = 0; i < 3; i++) {
            publish("project_created");
        }
        awaitStatus(a, "failed", 3);
        Thread.sleep(5); // created_at of A's deliveries < between <= created_at of B's
        Instant between = Instant.now();
        Thread.sleep(5);
        publish("service_created");
        publish("service_created");
        awaitStatus(b, "failed", 2);
        assertThat(requestsTo("/a")).isEqualTo(6);

        JsonNode failing = stats(a, 24);
        assertThat(failing.path("hours").asInt()).isEqualTo(24);
        assertThat(failing.path("hourly")).hasSize(24);
        assertThat(sum(failing.path("hourly"), "failed")).isEqualTo(6);
        assertThat(failing.path("attempts").path("total").asInt()).isEqualTo(6);
        assertThat(failing.path("attempts").path("failed").asInt()).isEqualTo(6);
        assertThat(failing.path("attempts").path("succeeded").asInt()).isZero();
        assertThat(failing.path("attempts").path("successRate").asDouble()).isZero();
        assertThat(failing.path("deliveries").path("failed").asInt()).isEqualTo(3);
        assertThat(failing.path("deliveries").path("total").asInt()).isEqualTo(3);

        // The receiver is back, slower: the deliveries created before `between` (A's three) are redelivered.
        receiver.answer(200).delay(Duration.ofMillis(150));
        Reply recovered = api.post("/api/deliveries/redeliver", "{\"since\":\"" + since + "\",\"until\":\"" + between
                + "\",\"status\":\"failed\"}");
        assertThat(recovered.status()).as(recovered.toString()).isEqualTo(202);
        assertThat(recovered.json().path("queued").asInt()).isEqualTo(3);
        awaitStatus(a, "succeeded", 3);
        assertThat(requestsTo("/a")).isEqualTo(9);
        assertThat(api.get("/api/webhooks/" + b + "/deliveries?status=failed").json()).hasSize(2);

        JsonNode healthy = stats(a, 1);
        assertThat(healthy.path("hourly")).hasSizeGreaterThanOrEqualTo(1);
        JsonNode day = stats(a, 24).path("attempts");
        assertThat(day.path("total").asInt()).isEqualTo(9);
        assertThat(day.path("succeeded").asInt()).isEqualTo(3);
        assertThat(day.path("failed").asInt()).isEqualTo(6);
        assertThat(day.path("error").asInt()).isZero();
        assertThat(day.path("successRate").asDouble()).isEqualTo(0.3333);
        assertThat(day.path("p95Ms").asLong()).as("the 9th of 9 attempts: one the receiver held 150 ms")
                .isGreaterThanOrEqualTo(150);
        assertThat(day.path("p50Ms").asLong()).isLessThanOrEqualTo(day.path("p95Ms").asLong());

        // The query form, by event name and webhook: B's two; nothing else matches.
        Reply byEvent = api.post("/api/deliveries/redeliver?since=" + since.toEpochMilli()
                + "&eventName=service_created&webhookId=" + b, null);
        assertThat(byEvent.status()).as(byEvent.toString()).isEqualTo(202);
        assertThat(byEvent.json().path("queued").asInt()).isEqualTo(2);
        awaitStatus(b, "succeeded", 2);
        assertThat(api.post("/api/deliveries/redeliver", "{\"since\":" + since.toEpochMilli() + "}").json()
                .path("queued").asInt()).as("nothing failed is left").isZero();

        // Succeeded ones too, when asked: A's three are sent once more, with the same webhook-ids.
        Reply again = api.post("/api/deliveries/redeliver", "{\"since\":\"" + since + "\",\"status\":\"succeeded\","
                + "\"webhookId\":\"" + a + "\"}");
        assertThat(again.json().path("queued").asInt()).as(again.toString()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo("/a") == 12);
        assertThat(receiver.requests().stream().filter(r -> r.path().equals("/a")).map(r -> r.header("webhook-id"))
                .distinct()).hasSize(3);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> stats(a, 24).path("attempts").path("succeeded").asInt() == 6);
    }

    @Test
    void refusesEveryMalformedFilterNamingTheMember() throws Exception {
        String draft = create(api, "{\"eventName\":\"tag_created\",\"target\":\"" + receiver.url("/draft")
                + "\",\"__STATE__\":\"DRAFT\"}");
        String since = "\"since\":\"2026-01-01T00:00:00Z\"";
        List<Object[]> cases = List.of(
                new Object[] {"{}", 400, "since"},
                new Object[] {"{\"since\":\"yesterday\"}", 400, "since"},
                new Object[] {"{\"since\":\"+999999999-01-01T00:00:00Z\"}", 400, "since"},
                new Object[] {"{\"since\":1e300}", 400, "since"},
                new Object[] {"{\"since\":-1}", 400, "since"},
                new Object[] {"{\"since\":true}", 400, "since"},
                new Object[] {"{" + since + ",\"until\":\"2025-12-31T23:59:59Z\"}", 400, "until"},
                new Object[] {"{" + since + ",\"until\":\"2026-01-01T00:00:00Z\"}", 400, "until"},
                new Object[] {"{" + since + ",\"status\":\"pending\"}", 400, "status"},
                new Object[] {"{" + since + ",\"status\":\"lost\"}", 400, "status"},
                new Object[] {"{" + since + ",\"status\":7}", 400, "status"},
                new Object[] {"{" + since + ",\"eventName\":\"nope\"}", 400, "eventName"},
                new Object[] {"{" + since + ",\"webhookId\":\"xyz\"}", 400, "webhookId"},
                new Object[] {"{" + since + ",\"webhookId\":\"000000000000000000000000\"}", 404, "webhookId"},
                new Object[] {"{" + since + ",\"webhookId\":\"" + draft + "\"}", 409, "webhookId"},
                new Object[] {"{" + since + ",\"colour\":\"red\"}", 400, "colour"},
                new Object[] {"[1,2]", 400, "body"},
                new Object[] {"{", 400, "body"});
        for (Object[] c : cases) {
            Reply reply = api.post("/api/deliveries/redeliver", (String) c[0]);
            assertThat(reply.status()).as(c[0] + " → " + reply).isEqualTo(c[1]);
            assertThat(reply.json().at("/errors/0/field").asText()).as(c[0] + " → " + reply).isEqualTo(c[2]);
            assertThat(reply.json().at("/errors/0/message").asText()).as(c[0] + " → " + reply).isNotBlank();
        }
        for (String[] query : new String[][] {{"?since=abc", "since"}, {"?since=0&colour=red", "colour"},
                {"?since=0&since=1", "since"}, {"?since=0&status=", "status"}, {"", "since"}}) {
            Reply reply = api.post("/api/deliveries/redeliver" + query[0], null);
            assertThat(reply.status()).as(query[0] + " → " + reply).isEqualTo(400);
            assertThat(reply.json().at("/errors/0/field").asText()).as(query[0]).isEqualTo(query[1]);
        }
        HttpResponse<String> text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(host.baseUri() + "/api/deliveries/redeliver"))
                .header("Authorization", "Bearer " + host.adminToken()).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("since=0")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).as(text.body()).isEqualTo(415);
        assertThat(text.body()).contains("\"field\":\"body\"");

        for (String hours : new String[] {"0", "169", "abc", "1.5", "-3"}) {
            Reply reply = api.get("/api/webhooks/" + draft + "/stats?hours=" + hours);
            assertThat(reply.status()).as(hours + " → " + reply).isEqualTo(400);
            assertThat(reply.json().at("/errors/0/field").asText()).isEqualTo("hours");
        }
        assertThat(api.get("/api/webhooks/" + draft + "/stats?hours=168").json().path("hourly")).hasSize(168);
        assertThat(api.get("/api/webhooks/000000000000000000000000/stats").status()).isEqualTo(404);
        assertThat(api.get("/api/webhooks/not-an-id/stats").status()).isEqualTo(404);
        assertThat(api.send("GET", "/api/webhooks/" + draft + "/stats", null, null).status()).isEqualTo(401);
        assertThat(api.send("POST", "/api/deliveries/redeliver", "{\"since\":0}", host.coreToken()).status())
                .as("Console core's token is not an administrator's").isIn(401, 403);
    }

    private JsonNode stats(String webhook, int hours) {
        Reply reply = api.get("/api/webhooks/" + webhook + "/stats?hours=" + hours);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }

    private void publish(String eventName) {
        Reply reply = api.publish("{\"eventName\":\"" + eventName + "\",\"eventTimestamp\":1732780800000,"
                + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\"}}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
    }

    private void awaitStatus(String webhook, String status, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/api/webhooks/" + webhook + "/deliveries?status=" + status).json().size() == count);
    }

    private long requestsTo(String path) {
        return receiver.requests().stream().filter(request -> request.path().equals(path)).count();
    }

    private static int sum(JsonNode hourly, String outcome) {
        int total = 0;
        for (JsonNode hour : hourly) {
            total += hour.path(outcome).asInt();
        }
        return total;
    }
}
