package io.consolecms.webhooks.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.delivery.AttemptResult;
import io.consolecms.webhooks.delivery.DeliveryRequest;
import io.consolecms.webhooks.delivery.http.Receiver.Answer;
import io.consolecms.webhooks.delivery.http.Receiver.Received;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.utils.DateUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpDeliverySenderTest {

    static final TargetPolicy LOOPBACK_ALLOWED = TargetPolicy.parse(List.of("127.0.0.0/8", "::1/128"), null);
    static final byte[] BODY = """
            {"eventName":"project_created","eventTimestamp":1732780800000,"payload":{"tenantId":"acme","projectId":"p1"}}\
            """.getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-28T09:00:00Z");

    private final Receiver receiver = Receiver.http();
    private HttpDeliverySender sender = new HttpDeliverySender(Duration.ofSeconds(5), LOOPBACK_ALLOWED);

    @AfterEach
    void close() {
        sender.close();
        receiver.close();
    }

    static DeliveryRequest request(URI target, String secret) {
        return new DeliveryRequest("6748a1b2c3d4e5f601234567", target, BODY, secret, null, null, null);
    }

    @Test
    void postsTheEventSignedOverItsRawBodyWithEveryDeliveryHeader() throws Exception {
        AttemptResult result = sender.send(request(receiver.uri("/console-webhook"), "It's a Secret to Everybody"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.error()).isNull();
        assertThat(result.responseBody()).isEqualTo("ok");
        Received received = receiver.next();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/console-webhook");
        assertThat(received.body()).isEqualTo(BODY);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(received.body());
        sha256.update("It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8));
        assertThat(received.all("X-Mia-Signature")).containsExactly(HexFormat.of().formatHex(sha256.digest()));
        assertThat(received.header("Content-Type")).isEqualTo("application/json");
        assertThat(received.header("webhook-id")).isEqualTo("6748a1b2c3d4e5f601234567");
        assertThat(Long.parseLong(received.header("webhook-timestamp")))
                .isBetween(Instant.now().getEpochSecond() - 5, Instant.now().getEpochSecond() + 1);
        assertThat(received.header("User-Agent")).isEqualTo("ConsoleCMSWebhooks/dev");
        assertThat(received.header("Cookie")).isNull();
        // one Host header, the target's authority, on the first attempt and on the next (worked out once)
        assertThat(received.all("Host")).containsExactly(receiver.uri("/").getRawAuthority());
        sender.send(request(receiver.uri("/again"), null));
        assertThat(receiver.next().all("Host")).containsExactly(receiver.uri("/").getRawAuthority());
    }

    @Test
    void sendsNoSignatureWhenTheWebhookHasNoSecret() {
        assertThat(sender.send(request(receiver.uri("/"), null)).succeeded()).isTrue();

        Received received = receiver.next();
        assertThat(received.all("X-Mia-Signature")).isEmpty();
        assertThat(received.header("webhook-id")).isEqualTo("6748a1b2c3d4e5f601234567");
    }

    @Test
    void stampsEachAttemptWithTheClocksUnixSeconds() {
        sender.close();
        sender = new HttpDeliverySender(Duration.ofSeconds(5), LOOPBACK_ALLOWED, Clock.fixed(NOW, ZoneOffset.UTC),
                "ConsoleCMSWebhooks/1.2.3");

        sender.send(request(receiver.uri("/"), "s"));

        Received received = receiver.next();
        assertThat(received.header("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(received.header("User-Agent")).isEqualTo("ConsoleCMSWebhooks/1.2.3");
    }

    @Test
    void reusesThePooledConnectionForTheSameTarget() {
        sender.send(request(receiver.uri("/a"), null));
        sender.send(request(receiver.uri("/b"), null));

        assertThat(receiver.next().clientPort()).isEqualTo(receiver.next().clientPort());
    }

    @Test
    void sendsFromManyThreadsAtOnce() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<AttemptResult>> attempts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                URI target = receiver.uri("/" + i);
                attempts.add(() -> sender.send(request(target, "s")));
            }
            for (Future<AttemptResult> attempt : workers.invokeAll(attempts)) {
                assertThat(attempt.get().succeeded()).isTrue();
            }
        } finally {
            workers.shutdownNow();
        }
        assertThat(receiver.pending()).isEqualTo(40);
    }

    @Test
    void doesNotFollowRedirects() {
        receiver.answering(received -> received.path().equals("/moved")
                ? Answer.of(302).with("Location", "/elsewhere") : Answer.of(200));

        AttemptResult result = sender.send(request(receiver.uri("/moved"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isEqualTo(302);
        assertThat(result.error()).startsWith("HTTP 302 ")
                .endsWith(": redirects are not followed (Location: /elsewhere)");
        assertThat(receiver.next().path()).isEqualTo("/moved");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void reportsAServerErrorWithTheReceiversAnswerAndDoesNotRetryItself() {
        receiver.answering(Answer.of(500, "database down"));

        AttemptResult result = sender.send(request(receiver.uri("/"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.error()).isEqualTo("HTTP 500 Internal Server Error");
        assertThat(result.responseBody()).isEqualTo("database down");
        assertThat(result.retryAfter()).isNull();
        receiver.next();
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void readsRetryAfterInSecondsOnTooManyRequests() {
        receiver.answering(Answer.of(429).with("Retry-After", "120"));

        AttemptResult result = sender.send(request(receiver.uri("/"), null));

        assertThat(result.statusCode()).isEqualTo(429);
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void readsRetryAfterAsAnHttpDateOnServiceUnavailable() {
        sender.close();
        sender = new HttpDeliverySender(Duration.ofSeconds(5), LOOPBACK_ALLOWED, Clock.fixed(NOW, ZoneOffset.UTC),
                "ua");
        receiver.answering(Answer.of(503).with("Retry-After",
                DateUtils.formatStandardDate(NOW.plus(Duration.ofMinutes(90)))));

        AttemptResult result = sender.send(request(receiver.uri("/"), null));

        assertThat(result.statusCode()).isEqualTo(503);
        assertThat(result.retryAfter()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void ignoresRetryAfterOnOtherStatuses() {
        receiver.answering(Answer.of(500).with("Retry-After", "120"));

        assertThat(sender.send(request(receiver.uri("/"), null)).retryAfter()).isNull();
    }

    @Test
    void keepsOnlyTheFirst4KiBOfTheAnswer() {
        receiver.answering(Answer.of(400, "x".repeat(10_000)));

        AttemptResult result = sender.send(request(receiver.uri("/"), null));

        assertThat(result.responseBody()).hasSize(AttemptResult.MAX_BODY_BYTES).matches("x+");
    }

    @Test
    void cutsTheAnswerOnACharacterBoundary() {
        // "x" then 2-byte characters: byte 4096 is the first half of an "é"
        receiver.answering(Answer.of(200, "x" + "é".repeat(3000)));

        AttemptResult result = sender.send(request(receiver.uri("/"), null));

        assertThat(result.responseBody()).isEqualTo("x" + "é".repeat(2047));
        assertThat(result.responseBody().getBytes(StandardCharsets.UTF_8)).hasSize(4095);
    }

    @Test
    void keepsAnAnswerOfExactly4KiBWhole() {
        receiver.answering(Answer.of(200, "y".repeat(AttemptResult.MAX_BODY_BYTES)));

        assertThat(sender.send(request(receiver.uri("/"), null)).responseBody())
                .hasSize(AttemptResult.MAX_BODY_BYTES);
    }

    @Test
    void givesUpOnAReceiverThatNeverAnswersAfterTheWholeRequestTimeout() {
        sender.close();
        sender = new HttpDeliverySender(Duration.ofMillis(500), LOOPBACK_ALLOWED);
        receiver.hanging();

        long started = System.nanoTime();
        AttemptResult result = sender.send(request(receiver.uri("/"), null));
        long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).isEqualTo("timed out after 500ms");
        assertThat(tookMs).isBetween(400L, 2_500L);
        assertThat(receiver.next().body()).isEqualTo(BODY);
    }

    @Test
    void givesUpOnAReceiverThatTricklesItsAnswerAfterTheWholeRequestTimeoutNotPerRead() throws Exception {
        sender.close();
        sender = new HttpDeliverySender(Duration.ofMillis(500), LOOPBACK_ALLOWED);
        ExecutorService trickler = Executors.newSingleThreadExecutor();
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            trickler.execute(() -> trickle(slow));

            long started = System.nanoTime();
            AttemptResult result = sender.send(request(URI.create("http://127.0.0.1:" + slow.getLocalPort() + "/"),
                    null));
            long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

            assertThat(result.error()).isEqualTo("timed out after 500ms");
            assertThat(tookMs).isLessThan(2_500L);
        } finally {
            trickler.shutdownNow();
        }
    }

    /** Answers one byte of a never-ending header every 100 ms: each read succeeds, the whole never ends. */
    private static void trickle(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            in.read(new byte[8192]);
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100 && !Thread.currentThread().isInterrupted(); i++) {
                out.write('z');
                out.flush();
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException done) {
            // the client hung up or the test ended
        }
    }

    @Test
    void reportsARefusedConnection() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        AttemptResult result = sender.send(request(URI.create("http://127.0.0.1:" + port + "/"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).isEqualTo("connection refused by 127.0.0.1:" + port);
    }

    @Test
    void reportsANameThatDoesNotResolve() {
        AttemptResult result = sender.send(request(URI.create("http://no-such-host.invalid/hook"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isEqualTo("DNS: cannot resolve no-such-host.invalid");
    }

    @Test
    void answersNonsenseWithAResultNotAnException() {
        assertThat(sender.send(request(URI.create("ftp://example.com/"), null)).error())
                .isEqualTo("target must be an absolute http or https URL");
        assertThat(sender.send(new DeliveryRequest("d", receiver.uri("/"), BODY, null, null, "%%%", null)).error())
                .startsWith("base64CA is not base64");
        assertThat(sender.send(new DeliveryRequest("d", receiver.uri("/"), BODY, null, null, null, "socks5://proxy:1080"))
                .error()).isEqualTo("proxy URL must be an absolute http or https URL with a host");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void failsAttemptsMadeAfterClose() {
        sender.close();

        AttemptResult result = sender.send(request(receiver.uri("/"), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isEqualTo("the delivery sender is closed");
        assertThat(receiver.pending()).isZero();
    }
}
