package io.consolecms.webhooks.delivery.http;

import static io.consolecms.webhooks.delivery.http.HttpDeliverySenderTest.BODY;
import static io.consolecms.webhooks.delivery.http.HttpDeliverySenderTest.LOOPBACK_ALLOWED;
import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.delivery.AttemptResult;
import io.consolecms.webhooks.delivery.DeliveryRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpDeliverySenderProxyTest {

    private static final TestCa CA = TestCa.create("Webhook Test CA");
    /** "hook user" / "p@ss:word+1", percent-encoded as user-info. */
    private static final String USER_INFO = "hook%20user:p%40ss%3Aword+1";

    private final HttpDeliverySender sender = new HttpDeliverySender(Duration.ofSeconds(5), LOOPBACK_ALLOWED);
    private final Receiver http = Receiver.http();
    private final Receiver https = Receiver.https(CA.serverContext("localhost"));
    private TestProxy proxy;

    @AfterEach
    void close() {
        sender.close();
        http.close();
        https.close();
        proxy.close();
    }

    private static DeliveryRequest request(URI target, String proxyUrl) {
        return new DeliveryRequest("d1", target, BODY, "s", null, target.getScheme().equals("https")
                ? CA.base64Pem() : null, proxyUrl);
    }

    @Test
    void sendsPlainHttpThroughTheProxyInAbsoluteForm() {
        proxy = TestProxy.open();

        AttemptResult result = sender.send(request(http.uri("/hook"), proxy.url()));

        assertThat(result.succeeded()).isTrue();
        assertThat(proxy.requestLines()).containsExactly("POST " + http.uri("/hook") + " HTTP/1.1");
        assertThat(http.next().header("webhook-id")).isEqualTo("d1");
    }

    @Test
    void tunnelsHttpsThroughTheProxyWithConnect() {
        proxy = TestProxy.open();

        AttemptResult result = sender.send(request(https.uri("localhost", "/hook"), proxy.url()));

        assertThat(result.error()).isNull();
        assertThat(result.succeeded()).isTrue();
        assertThat(proxy.requestLines()).containsExactly("CONNECT localhost:" + https.port() + " HTTP/1.1");
        assertThat(https.next().body()).isEqualTo(BODY);
    }

    @Test
    void authenticatesToTheProxyWithTheDecodedUserInfoForPlainHttp() {
        proxy = TestProxy.withBasicAuth("hook user", "p@ss:word+1");

        AttemptResult result = sender.send(request(http.uri("/hook"), proxy.url(USER_INFO)));

        assertThat(result.error()).isNull();
        assertThat(result.succeeded()).isTrue();
        assertThat(proxy.forwardedLines()).containsExactly("POST " + http.uri("/hook") + " HTTP/1.1");
        assertThat(http.next().header("Proxy-Authorization")).isNull();
    }

    @Test
    void authenticatesToTheProxyForATunnel() {
        proxy = TestProxy.withBasicAuth("hook user", "p@ss:word+1");

        AttemptResult result = sender.send(request(https.uri("localhost", "/hook"), proxy.url(USER_INFO)));

        assertThat(result.error()).isNull();
        assertThat(result.succeeded()).isTrue();
        assertThat(proxy.forwardedLines()).containsExactly("CONNECT localhost:" + https.port() + " HTTP/1.1");
    }

    @Test
    void failsClearlyWithWrongProxyCredentials() {
        proxy = TestProxy.withBasicAuth("hook user", "p@ss:word+1");

        AttemptResult plain = sender.send(request(http.uri("/hook"), proxy.url("hook%20user:wrong")));
        AttemptResult tunnel = sender.send(request(https.uri("localhost", "/hook"), proxy.url("hook%20user:wrong")));

        for (AttemptResult result : List.of(plain, tunnel)) {
            assertThat(result.succeeded()).isFalse();
            assertThat(result.statusCode()).isNull();
            assertThat(result.error()).isEqualTo("proxy 127.0.0.1:" + proxyPort()
                    + " rejected the credentials of the proxy URL (HTTP 407 Proxy Authentication Required)");
            assertThat(result.error()).doesNotContain("wrong");
        }
        assertThat(proxy.forwardedLines()).isEmpty();
        assertThat(http.pending()).isZero();
        assertThat(https.pending()).isZero();
    }

    @Test
    void saysWhenTheProxyWantsCredentialsTheUrlDoesNotHave() {
        proxy = TestProxy.withBasicAuth("hook user", "p@ss:word+1");

        AttemptResult result = sender.send(request(http.uri("/hook"), proxy.url()));

        assertThat(result.error()).startsWith("proxy 127.0.0.1:" + proxyPort() + " requires authentication");
    }

    @Test
    void neverReusesATunnelOpenedWithOtherCredentials() {
        proxy = TestProxy.withBasicAuth("hook user", "p@ss:word+1");
        assertThat(sender.send(request(https.uri("localhost", "/first"), proxy.url(USER_INFO))).succeeded()).isTrue();

        AttemptResult result = sender.send(request(https.uri("localhost", "/second"), proxy.url("hook%20user:wrong")));

        assertThat(result.succeeded()).isFalse();
        assertThat(https.next().path()).isEqualTo("/first");
        assertThat(https.pending()).isZero();
    }

    @Test
    void saysWhenTheProxyRefusesTheTunnelRatherThanBlamingTheReceiver() {
        proxy = TestProxy.open().refusingTunnels();

        AttemptResult result = sender.send(request(https.uri("localhost", "/hook"), proxy.url()));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).isEqualTo("proxy 127.0.0.1:" + proxyPort() + " refused the tunnel (CONNECT):"
                + " HTTP 403 Forbidden");
        assertThat(https.pending()).isZero();
    }

    @Test
    void checksTheProxyAddressAgainstThePolicy() {
        proxy = TestProxy.open();
        try (HttpDeliverySender strict = new HttpDeliverySender(Duration.ofSeconds(5), TargetPolicy.DEFAULT)) {

            AttemptResult result = strict.send(request(URI.create("http://93.184.216.34/hook"), proxy.url()));

            assertThat(result.error()).isEqualTo("proxy address 127.0.0.1 is not allowed"
                    + " (loopback); allow it with CMS_WEBHOOKS_ALLOW_NETWORKS");
        }
        assertThat(proxy.requestLines()).isEmpty();
    }

    @Test
    void checksTheTargetAddressBeforeSendingItToTheProxy() {
        proxy = TestProxy.open();

        AttemptResult result = sender.send(request(URI.create("http://169.254.169.254/latest/meta-data/"),
                proxy.url()));

        assertThat(result.error()).isEqualTo("target address 169.254.169.254 is not allowed"
                + " (cloud metadata); allow it with CMS_WEBHOOKS_ALLOW_NETWORKS");
        assertThat(proxy.requestLines()).isEmpty();
    }

    private int proxyPort() {
        return URI.create(proxy.url()).getPort();
    }
}
