package io.consolecms.webhooks.delivery.http;

import static io.consolecms.webhooks.delivery.http.HttpDeliverySenderTest.BODY;
import static io.consolecms.webhooks.delivery.http.HttpDeliverySenderTest.LOOPBACK_ALLOWED;
import static io.consolecms.webhooks.delivery.http.HttpDeliverySenderTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.delivery.AttemptResult;
import io.consolecms.webhooks.delivery.DeliveryRequest;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Receivers and proxies that answer more than any webhook receiver needs to: each attempt ends well before its timeout,
 * with an error that says which limit the answer broke, and without reading what the receiver goes on sending.
 */
class HttpDeliverySenderHostileReceiverTest {

    /** Far longer than any of these attempts may take: an attempt that needs it has failed the test. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long QUICKLY_MS = 3_000;

    private final HttpDeliverySender sender = new HttpDeliverySender(TIMEOUT, LOOPBACK_ALLOWED);
    private HostileServer server;

    @AfterEach
    void close() {
        sender.close();
        server.close();
    }

    private AttemptResult sendTimed(DeliveryRequest request) {
        long started = System.nanoTime();
        AttemptResult result = sender.send(request);
        assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis()).as("attempt duration in ms")
                .isLessThan(QUICKLY_MS);
        return result;
    }

    @Test
    void cutsOffAnEndlessStatusLineAt8KiB() throws Exception {
        server = new HostileServer(HostileServer.endlessStatusLine());

        AttemptResult result = sendTimed(request(server.uri("http", "/"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).isEqualTo("the receiver answered with a status line longer than 8192 bytes");
        assertThat(server.sawHangUp(QUICKLY_MS)).isTrue();
        assertThat(server.written()).isLessThan(10L * 1024 * 1024);
    }

    @Test
    void cutsOffAnEndlessHeaderLineAt8KiB() throws Exception {
        server = new HostileServer(HostileServer.endlessHeaderLine());

        AttemptResult result = sendTimed(request(server.uri("http", "/"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).isEqualTo("the receiver answered with a header line longer than 8192 bytes");
        assertThat(server.sawHangUp(QUICKLY_MS)).isTrue();
        assertThat(server.written()).isLessThan(10L * 1024 * 1024);
    }

    @Test
    void refusesAnAnswerWithMoreThan100Headers() {
        server = new HostileServer(HostileServer.manyHeaders("HTTP/1.1 200 OK", 10_000));

        AttemptResult result = sendTimed(request(server.uri("http", "/"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).isEqualTo("the receiver answered with more than 100 headers");
    }

    @Test
    void acceptsAnAnswerWithExactly100Headers() {
        // 99 of the script's own and its Content-Length
        server = new HostileServer(HostileServer.manyHeaders("HTTP/1.1 204 No Content", 99));

        AttemptResult result = sendTimed(request(server.uri("http", "/"), null));

        assertThat(result.error()).isNull();
        assertThat(result.statusCode()).isEqualTo(204);
    }

    @Test
    void keeps4KiBOfAHugeSlowBodyAndHangsUpInsteadOfReadingTheRest() throws Exception {
        // 100 MB, 64 KiB every 20 ms: about 30 s to read it all, longer than the attempt's timeout
        server = new HostileServer(HostileServer.slowHugeBody(100L * 1024 * 1024, 20));

        AttemptResult result = sendTimed(request(server.uri("http", "/"), null));

        assertThat(result.error()).isNull();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.responseBody()).hasSize(AttemptResult.MAX_BODY_BYTES).matches("b+");
        assertThat(server.sawHangUp(QUICKLY_MS)).as("the receiver saw the connection closed").isTrue();
        assertThat(server.written()).isLessThan(10L * 1024 * 1024);
    }

    @Test
    void hangsUpOnAHugeErrorBodyToo() throws Exception {
        server = new HostileServer(out -> {
            out.write(HostileServer.ascii("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 104857600\r\n\r\n"));
            byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, (byte) 'e');
            for (int i = 0; i < 1600; i++) {
                out.write(block);
                out.flush();
                Thread.sleep(20);
            }
        });

        AttemptResult result = sendTimed(request(server.uri("http", "/"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.error()).isEqualTo("HTTP 500 Internal Server Error");
        assertThat(result.responseBody()).hasSize(AttemptResult.MAX_BODY_BYTES).matches("e+");
        assertThat(server.sawHangUp(QUICKLY_MS)).isTrue();
    }

    @Test
    void refusesAProxyWhoseAnswerToConnectFloodsHeaders() {
        server = new HostileServer(HostileServer.manyHeaders("HTTP/1.1 200 Connection established", 10_000));

        AttemptResult result = sendTimed(new DeliveryRequest("d1", URI.create("https://localhost:9/hook"), BODY, null, null,
                null, server.uri("http", "").toString()));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error())
                .isEqualTo("proxy 127.0.0.1:" + server.port() + " answered CONNECT with more than 100 headers");
    }

    @Test
    void cutsOffAProxyWhoseAnswerToConnectHasAnEndlessHeaderLine() {
        server = new HostileServer(HostileServer.endlessHeaderLine());

        AttemptResult result = sendTimed(new DeliveryRequest("d1", URI.create("https://localhost:9/hook"), BODY, null, null,
                null, server.uri("http", "").toString()));

        assertThat(result.error()).isEqualTo("proxy 127.0.0.1:" + server.port()
                + " answered CONNECT with a header line longer than 8192 bytes");
    }
}
