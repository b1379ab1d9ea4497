package io.consolecms.webhooks.delivery.http;

import static io.consolecms.webhooks.delivery.http.HttpDeliverySenderTest.BODY;
import static io.consolecms.webhooks.delivery.http.HttpDeliverySenderTest.LOOPBACK_ALLOWED;
import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.delivery.AttemptResult;
import io.consolecms.webhooks.delivery.DeliveryRequest;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpDeliverySenderTlsTest {

    private static final TestCa CA = TestCa.create("Webhook Test CA");
    private static final TestCa OTHER_CA = TestCa.create("Some Other CA");

    private final HttpDeliverySender sender = new HttpDeliverySender(Duration.ofSeconds(5), LOOPBACK_ALLOWED);
    private Receiver receiver;

    @AfterEach
    void close() {
        sender.close();
        receiver.close();
    }

    private static DeliveryRequest request(URI target, String base64Ca) {
        return new DeliveryRequest("d1", target, BODY, "s", null, base64Ca, null);
    }

    @Test
    void trustsTheWebhooksCaGivenAsBase64Pem() {
        receiver = Receiver.https(CA.serverContext("localhost"));

        AttemptResult result = sender.send(request(receiver.uri("localhost", "/hook"), CA.base64Pem()));

        assertThat(result.error()).isNull();
        assertThat(result.succeeded()).isTrue();
        assertThat(receiver.next().body()).isEqualTo(BODY);
    }

    @Test
    void trustsTheWebhooksCaGivenAsBase64Der() {
        receiver = Receiver.https(CA.serverContext("127.0.0.1"));

        AttemptResult result = sender.send(request(receiver.uri("127.0.0.1", "/hook"), CA.base64Der()));

        assertThat(result.succeeded()).isTrue();
    }

    @Test
    void refusesACertificateItsTrustDoesNotReach() {
        receiver = Receiver.https(CA.serverContext("localhost"));

        AttemptResult result = sender.send(request(receiver.uri("localhost", "/hook"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).startsWith("TLS: certificate not trusted");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void refusesACertificateOfAnotherCa() {
        receiver = Receiver.https(CA.serverContext("localhost"));

        AttemptResult result = sender.send(request(receiver.uri("localhost", "/hook"), OTHER_CA.base64Pem()));

        assertThat(result.error()).startsWith("TLS: certificate not trusted");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void refusesACertificateForAnotherHostname() {
        receiver = Receiver.https(CA.serverContext("other.example"));

        AttemptResult result = sender.send(request(receiver.uri("localhost", "/hook"), CA.base64Pem()));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isEqualTo("TLS: hostname localhost does not match the certificate");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void neverReusesAConnectionTrustedThroughAnotherWebhooksCa() {
        receiver = Receiver.https(CA.serverContext("localhost"));
        assertThat(sender.send(request(receiver.uri("localhost", "/trusted"), CA.base64Pem())).succeeded()).isTrue();

        AttemptResult withoutCa = sender.send(request(receiver.uri("localhost", "/untrusted"), null));

        assertThat(withoutCa.error()).startsWith("TLS: certificate not trusted");
        assertThat(receiver.next().path()).isEqualTo("/trusted");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void reusesTheConnectionForTheSameCa() {
        receiver = Receiver.https(CA.serverContext("localhost"));

        sender.send(request(receiver.uri("localhost", "/a"), CA.base64Pem()));
        sender.send(request(receiver.uri("localhost", "/b"), CA.base64Pem()));

        assertThat(receiver.next().clientPort()).isEqualTo(receiver.next().clientPort());
    }
}
