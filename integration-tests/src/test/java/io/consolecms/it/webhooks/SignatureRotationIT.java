package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.Receiver;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code webhook-signature} and secret rotation from the built jars: a receiver checks each delivery with the official
 * Standard Webhooks library and with an HMAC computed here, never with the product's code.
 */
class SignatureRotationIT {

    private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OLD = "old-secret-of-the-receiver";
    private static final String NEW = "whsec_" + Base64.getEncoder().encodeToString(
            "a new 32-byte key for the hook!!".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path tmp;

    @Test
    void aRealReceiverVerifiesWebhookSignatureWithTheStandardWebhooksLibrary() throws Exception {
        try (Receiver receiver = Receiver.start(WHSEC);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")) {
            host.start();
            Api api = host.api();
            create(api, webhook(receiver, WHSEC));

            Receiver.Request request = deliverOne(api, receiver, 1);

            assertThat(request.signatureValid()).as("X-Mia-Signature, unchanged").isTrue();
            new Webhook(WHSEC).verify(request.bodyText(), headers(request));
            assertThat(request.header("webhook-signature")).isEqualTo(hmac(request, Base64.getDecoder()
                    .decode(WHSEC.substring("whsec_".length()))));
            assertThatThrownBy(() -> new Webhook(WHSEC).verify(request.bodyText().replace("p1", "p2"),
                    headers(request))).isInstanceOf(WebhookVerificationException.class);
        }
    }

    @Test
    void aRotationSignsWithBothSecretsDuringTheOverlapAndOnlyWithTheNewOneAfterIt() throws Exception {
        try (Receiver receiver = Receiver.start(null);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")) {
            host.start();
            Api api = host.api();
            String id = create(api, webhook(receiver, OLD));
            Receiver.Request before = deliverOne(api, receiver, 1);
            assertThat(signatures(before)).containsExactly(hmac(before, OLD.getBytes(StandardCharsets.UTF_8)));

            Reply refused = api.post("/api/webhooks/" + id + "/secret",
                    "{\"secret\":\"" + NEW + "\",\"keepPreviousFor\":\"1y\"}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("keepPreviousFor");
            Reply rotated = api.post("/api/webhooks/" + id + "/secret",
                    "{\"secret\":\"" + NEW + "\",\"keepPreviousFor\":\"10s\"}");
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            Instant until = Instant.parse(rotated.json().get("previousSecretUntil").asText());

            Receiver.Request during = deliverOne(api, receiver, 2);
            assertThat(Instant.ofEpochSecond(Long.parseLong(during.header("webhook-timestamp")))).isBefore(until);
            assertThat(signatures(during)).containsExactly(hmac(during, key(NEW)), hmac(during, OLD.getBytes(
                    StandardCharsets.UTF_8)));
            new Webhook(NEW).verify(during.bodyText(), headers(during));
            new Webhook(OLD.getBytes(StandardCharsets.UTF_8)).verify(during.bodyText(), headers(during));
            assertThat(during.header("X-Mia-Signature")).isEqualTo(Receiver.sign(during.body(), NEW));

            await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(until.plusSeconds(1)));
            Receiver.Request after = deliverOne(api, receiver, 3);
            assertThat(signatures(after)).containsExactly(hmac(after, key(NEW)));
            new Webhook(NEW).verify(after.bodyText(), headers(after));
            assertThatThrownBy(() -> new Webhook(OLD.getBytes(StandardCharsets.UTF_8)).verify(after.bodyText(),
                    headers(after))).isInstanceOf(WebhookVerificationException.class);

            assertThat(rotated.text()).doesNotContain(OLD, NEW);
            assertThat(api.get("/api/webhooks/" + id).text()).doesNotContain(OLD, NEW);
            assertThat(host.logText()).doesNotContain(OLD, NEW).contains("rotated the secret of webhook " + id);
        }
    }

    private static String webhook(Receiver receiver, String secret) {
        return "{\"eventName\":\"project_created\",\"target\":\"" + receiver.url("/hook") + "\",\"secret\":\""
                + secret + "\"}";
    }

    private static Receiver.Request deliverOne(Api api, Receiver receiver, int nth) {
        Reply published = api.publish("{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
                + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\"}}");
        assertThat(published.status()).as(published.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests().size() >= nth);
        return receiver.requests().get(nth - 1);
    }

    private static List<String> signatures(Receiver.Request request) {
        return List.of(request.header("webhook-signature").split(" "));
    }

    private static byte[] key(String whsec) {
        return Base64.getDecoder().decode(whsec.substring("whsec_".length()));
    }

    /** {@code v1,} and base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), computed here. */
    private static String hmac(Receiver.Request request, byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((request.header("webhook-id") + "." + request.header("webhook-timestamp") + ".")
                .getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(request.body()));
    }

    private static HttpHeaders headers(Receiver.Request request) {
        return HttpHeaders.of(request.headers(), (name, value) -> true);
    }
}
