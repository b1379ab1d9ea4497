package io.consolecms.webhooks.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.consolecms.webhooks.delivery.DeliveryRequest;
import io.consolecms.webhooks.delivery.http.Receiver.Received;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a receiver using the official Standard Webhooks library ({@code com.standardwebhooks:standardwebhooks}) makes
 * of a real delivery: the library, not this project's code, decides whether {@code webhook-signature} is valid.
 */
class StandardWebhooksVerificationTest {

    private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String PLAIN = "It's a Secret to Everybody";

    private final Receiver receiver = Receiver.http();
    private HttpDeliverySender sender = new HttpDeliverySender(Duration.ofSeconds(5),
            HttpDeliverySenderTest.LOOPBACK_ALLOWED);

    @AfterEach
    void close() {
        sender.close();
        receiver.close();
    }

    @Test
    void theLibraryAcceptsADeliverySignedWithAWhsecSecret() throws Exception {
        Received received = deliver(WHSEC, null);

        new Webhook(WHSEC).verify(body(received), headers(received));
    }

    @Test
    void theLibraryAcceptsADeliverySignedWithAPlainSecretGivenAsItsUtf8Bytes() throws Exception {
        Received received = deliver(PLAIN, null);

        new Webhook(PLAIN.getBytes(StandardCharsets.UTF_8)).verify(body(received), headers(received));
    }

    @Test
    void theLibraryRejectsATamperedBodyOrAnotherSecret() {
        Received received = deliver(WHSEC, null);
        String tampered = body(received).replace("acme", "acmf");

        assertThatThrownBy(() -> new Webhook(WHSEC).verify(tampered, headers(received)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook("whsec_" + "A".repeat(32)).verify(body(received), headers(received)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void theLibraryRejectsADeliveryWhoseTimestampIsOld() {
        sender.close();
        // an attempt stamped ten minutes ago, as a replayed request would be: the library allows five
        sender = new HttpDeliverySender(Duration.ofSeconds(5), HttpDeliverySenderTest.LOOPBACK_ALLOWED,
                Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC), "ConsoleCMSWebhooks/test");
        Received received = deliver(WHSEC, null);

        assertThatThrownBy(() -> new Webhook(WHSEC).verify(body(received), headers(received)))
                .isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining("too old");
    }

    @Test
    void duringARotationTheLibraryAcceptsTheDeliveryWithTheNewSecretAndWithTheOldOne() throws Exception {
        String previous = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY";
        Received received = deliver(WHSEC, previous);

        new Webhook(WHSEC).verify(body(received), headers(received));
        new Webhook(previous).verify(body(received), headers(received));
        String[] signatures = received.header("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        // the new secret's signature first: only it verifies alone
        Received first = withSignature(received, signatures[0]);
        new Webhook(WHSEC).verify(body(first), headers(first));
        assertThatThrownBy(() -> new Webhook(previous).verify(body(first), headers(first)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThat(received.all("X-Mia-Signature")).hasSize(1);
    }

    @Test
    void sendsNoWebhookSignatureWithoutASecret() {
        Received received = deliver(null, null);

        assertThat(received.all("webhook-signature")).isEmpty();
        assertThatThrownBy(() -> new Webhook(WHSEC).verify(body(received), headers(received)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    private Received deliver(String secret, String previousSecret) {
        DeliveryRequest request = new DeliveryRequest("6748a1b2c3d4e5f601234567", receiver.uri("/hook"),
                HttpDeliverySenderTest.BODY, secret, previousSecret, null, null);
        assertThat(sender.send(request).succeeded()).isTrue();
        return receiver.next();
    }

    private static String body(Received received) {
        return new String(received.body(), StandardCharsets.UTF_8);
    }

    /** The request's headers as the JDK's {@link HttpHeaders}, which the library reads. */
    private static HttpHeaders headers(Received received) {
        Map<String, List<String>> all = received.headers().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return HttpHeaders.of(all, (name, value) -> true);
    }

    private static Received withSignature(Received received, String signature) {
        com.sun.net.httpserver.Headers headers = new com.sun.net.httpserver.Headers();
        headers.putAll(received.headers());
        headers.put("webhook-signature", List.of(signature));
        return new Received(received.method(), received.path(), headers, received.body(), received.clientPort());
    }
}
