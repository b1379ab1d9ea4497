package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.ReadmeReceiver;
import io.consolecms.it.ReadmeReceiver.Language;
import io.consolecms.it.Receiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * README's receivers (Node, Python, Java), taken from README.md as they are written there and run as processes against
 * real deliveries of the built host: a delivery is processed once, its redelivery answered 2xx without being processed
 * again, a tampered body and an old timestamp are refused, and a receiver that knows only the old secret keeps
 * accepting during a rotation. The test's own signatures are computed here, never with the product's code.
 */
class ReadmeReceiversIT {

    private static final String OLD = "the receiver's old secret";
    private static final String NEW = "whsec_" + Base64.getEncoder().encodeToString(
            "a 32-byte key the README checks!".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    static Path tmp;
    private static HostProcess host;
    private static Api api;

    @BeforeAll
    static void startHost() throws Exception {
        host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8").start();
        api = host.api();
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Language.class)
    void theReadmeReceiverProcessesEachDeliveryOnceRefusesTamperingAndReplaysAndSurvivesARotation(Language language)
            throws Exception {
        String tenant = "readme-" + language.name().toLowerCase();
        try (ReadmeReceiver receiver = ReadmeReceiver.start(language, tmp, OLD);
             Receiver recorder = Receiver.start(OLD)) {
            String webhook = create(api, webhook(tenant, receiver.url("/hook"), OLD));
            // the same deliveries to a recording receiver, for genuine headers to send with a tampered body
            create(api, webhook(tenant, recorder.url("/hook"), OLD));

            // a genuine delivery is accepted and processed once
            String first = publishAndAwaitDelivery(webhook, tenant, 1);
            awaitLine(receiver, "accepted " + first + " x-mia-signature=valid");

            // redelivered with the same webhook-id: answered 2xx, not processed again
            assertThat(api.post("/api/deliveries/" + first + "/redeliver", "{}").status()).isEqualTo(202);
            awaitLine(receiver, "duplicate " + first);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode delivery = api.get("/api/deliveries/" + first).json();
                assertThat(delivery.get("attempts")).hasSize(2);
                assertThat(delivery.get("attempts").get(1).get("statusCode").asInt()).isEqualTo(200);
            });
            assertThat(receiver.count("accepted " + first + " x-mia-signature=valid")).isEqualTo(1);

            // a tampered body with the genuine headers of another real delivery is refused, the genuine one is not
            await().atMost(Duration.ofSeconds(15)).until(() -> !recorder.requests().isEmpty());
            Receiver.Request genuine = recorder.requests().get(0);
            byte[] tampered = genuine.bodyText().replace("\"p1\"", "\"p2\"").getBytes(StandardCharsets.UTF_8);
            assertThat(tampered).isNotEqualTo(genuine.body());
            assertThat(send(receiver, tampered, genuine.header("webhook-id"), genuine.header("webhook-timestamp"),
                    genuine.header("webhook-signature"), genuine.header("X-Mia-Signature"))).isEqualTo(401);
            awaitLine(receiver, "refused: signature");
            String genuineId = genuine.header("webhook-id");
            assertThat(send(receiver, genuine.body(), genuineId, genuine.header("webhook-timestamp"),
                    genuine.header("webhook-signature"), genuine.header("X-Mia-Signature"))).isEqualTo(200);
            awaitLine(receiver, "accepted " + genuineId + " x-mia-signature=valid");

            // a timestamp more than 5 minutes old, or ahead, is refused although correctly signed; a fresh one is not
            String replayed = "msg_" + UUID.randomUUID();
            byte[] body = event(tenant).getBytes(StandardCharsets.UTF_8);
            long now = Instant.now().getEpochSecond();
            assertThat(signedSend(receiver, body, replayed, now - 6 * 60)).isEqualTo(401);
            assertThat(signedSend(receiver, body, replayed, now + 6 * 60)).isEqualTo(401);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.count("refused: timestamp") == 2);
            assertThat(signedSend(receiver, body, replayed, now)).isEqualTo(200);
            awaitLine(receiver, "accepted " + replayed + " x-mia-signature=valid");

            // a rotation: the receiver that knows only the old secret keeps accepting (through the second signature),
            // while X-Mia-Signature already uses the new secret
            Reply rotated = api.post("/api/webhooks/" + webhook + "/secret",
                    "{\"secret\":\"" + NEW + "\",\"keepPreviousFor\":\"1h\"}");
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            String during = publishAndAwaitDelivery(webhook, tenant, 2);
            awaitLine(receiver, "accepted " + during + " x-mia-signature=invalid");

            // and one given the new (whsec_) secret accepts the same kind of delivery through the first signature
            try (ReadmeReceiver updated = ReadmeReceiver.start(language, tmp, NEW)) {
                Reply moved = api.patch("/api/webhooks/" + webhook,
                        "{\"$set\":{\"target\":\"" + updated.url("/hook") + "\"}}");
                assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
                String next = publishAndAwaitDelivery(webhook, tenant, 3);
                awaitLine(updated, "accepted " + next + " x-mia-signature=valid");
            }
            assertThat(receiver.lines()).as("every line of the receiver").filteredOn(line -> line.startsWith("accepted"))
                    .hasSize(4);
        }
    }

    private static String webhook(String tenant, String target, String secret) {
        return "{\"eventName\":\"project_created\",\"tenantId\":\"" + tenant + "\",\"target\":\"" + target
                + "\",\"secret\":\"" + secret + "\"}";
    }

    private static String event(String tenant) {
        return "{\"eventName\":\"project_created\",\"eventTimestamp\":" + System.currentTimeMillis()
                + ",\"payload\":{\"tenantId\":\"" + tenant + "\",\"projectId\":\"p1\"}}";
    }

    /** Publishes an event and returns the id of the webhook's newest delivery once it is its {@code nth}, settled. */
    private static String publishAndAwaitDelivery(String webhook, String tenant, int nth) {
        Reply published = api.publish(event(tenant));
        assertThat(published.status()).as(published.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode deliveries = api.get("/api/webhooks/" + webhook + "/deliveries").json();
            assertThat(deliveries).hasSize(nth);
            assertThat(deliveries.get(0).get("status").asText()).as(deliveries.toString()).isEqualTo("succeeded");
        });
        return api.get("/api/webhooks/" + webhook + "/deliveries").json().get(0).get("_id").asText();
    }

    private static void awaitLine(ReadmeReceiver receiver, String line) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(receiver.count(line)).as(receiver.output()).isEqualTo(1));
    }

    /** Sends {@code body} signed here with the old secret, as the host would for that id and timestamp. */
    private static int signedSend(ReadmeReceiver receiver, byte[] body, String id, long timestamp) throws Exception {
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(OLD.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        hmac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String signature = "v1," + Base64.getEncoder().encodeToString(hmac.doFinal(body));
        return send(receiver, body, id, Long.toString(timestamp), signature, Receiver.sign(body, OLD));
    }

    private static int send(ReadmeReceiver receiver, byte[] body, String id, String timestamp, String signature,
                            String miaSignature) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url("/hook")))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", timestamp)
                .header("webhook-signature", signature)
                .header("X-Mia-Signature", miaSignature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        // a client per request: README's Python receiver answers HTTP/1.0 and closes the connection after each answer,
        // and a shared JDK client could send the next request on that connection before it saw the close (a CI run
        // failed once so: "HTTP/1.1 header parser received no bytes")
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
