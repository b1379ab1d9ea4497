package io.consolecms.host.http;

import io.consolecms.host.events.EventsHandler;
import static io.consolecms.host.RunningHost.CORE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.consolecms.host.RunningHost;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The host's Jetty over real sockets: clients that stall or vanish neither starve it nor fill its log. */
class HttpApiTest {

    private static final String EVENT = "{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
            + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\"}}";
    private static final Duration QUICKLY = Duration.ofSeconds(1);
    /** Well under {@link HttpApi#MAX_CONNECTIONS}, and about 2,000 descriptors in this JVM with the server's ends. */
    private static final int SLOW_CLIENTS = 1_000;

    @TempDir
    Path home;

    @RegisterExtension
    final CapturedLog log = new CapturedLog();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void routeJerseyLoggingToLogback() {
        // As Main does: Jersey logs through java.util.logging.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    @BeforeEach
    void captureLog() {
        // Where the host says, in one line, that a client went away.
        logger(UnexpectedErrorMapper.class).setLevel(Level.DEBUG);
        logger(ClientDisconnectLogFilter.class).setLevel(Level.DEBUG);
        logger(EventsHandler.class).setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() throws IOException {
        logger(UnexpectedErrorMapper.class).setLevel(null);
        logger(ClientDisconnectLogFilter.class).setLevel(null);
        logger(EventsHandler.class).setLevel(null);
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void healthAndEventsAnswerWithinASecondWhileAThousandSlowClientsHoldHalfARequestHead() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        Plugin listening = new ListeningPlugin(heard);
        try (RunningHost host = RunningHost.start(home, listening)) {
            URI base = host.host().baseUri();
            byte[] halfAHead = "GET /health HTTP/1.1\r\nHost: localhost\r\n".getBytes(US_ASCII);
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket slow = open(base);
                slow.getOutputStream().write(halfAHead);
                slow.getOutputStream().flush();
            }

            for (int i = 0; i < 10; i++) {
                long started = System.nanoTime();
                HttpResponse<String> health = host.get("/health", null);
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICKLY);

                started = System.nanoTime();
                HttpResponse<String> event = host.postJson("/api/events", EVENT, CORE);
                assertThat(event.statusCode()).isEqualTo(202);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICKLY);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(heard).hasValue(10));
            // The half heads were kept, not dropped: each completes into an answer.
            for (Socket slow : sockets) {
                slow.getOutputStream().write("Connection: close\r\n\r\n".getBytes(US_ASCII));
                assertThat(statusLine(slow)).isEqualTo("HTTP/1.1 200 OK");
            }
        }
    }

    @Test
    void aClientGoneInTheMiddleOfARequestBodyLeavesNoStackTrace() throws Exception {
        try (RunningHost host = RunningHost.start(home)) {
            Socket client = open(host.host().baseUri());
            OutputStream out = client.getOutputStream();
            out.write(("POST /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + CORE + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"eventNa").getBytes(US_ASCII));
            out.flush();
            client.close();

            awaitClientWentAway();
            assertThat(host.postJson("/api/events", EVENT, CORE).statusCode()).isEqualTo(202);
            assertNoStackTrace();
        }
    }

    @Test
    void aClientGoneRightAfterItsRequestLeavesNoStackTrace() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch clientGone = new CountDownLatch(1);
        Plugin holding = new HoldingPlugin(received, clientGone);
        try (RunningHost host = RunningHost.start(home, holding)) {
            Socket client = open(host.host().baseUri());
            byte[] body = EVENT.getBytes(US_ASCII);
            client.getOutputStream().write(("POST /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + CORE + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(US_ASCII));
            client.getOutputStream().write(body);
            client.getOutputStream().flush();
            assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
            client.close();
            clientGone.countDown();

            // The answer to the held request now meets a reset connection.
            awaitClientWentAway();
            assertThat(host.postJson("/api/events", EVENT, CORE).statusCode()).isEqualTo(202);
            assertNoStackTrace();

            // The failed request ended: a graceful stop does not wait for it until its timeout.
            long stopping = System.nanoTime();
            host.close();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(HttpApi.STOP_TIMEOUT);
        }
    }

    @Test
    void manyClientsGoneInTheMiddleOfALargeAnswerLeaveNoStackTrace() throws Exception {
        try (RunningHost host = RunningHost.start(home, new LargeAnswerPlugin())) {
            URI base = host.host().baseUri();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(16);
            java.util.Random random = new java.util.Random(8);
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int readFirst = random.nextInt(3) == 0 ? 0 : random.nextInt(64 * 1024);
                done.add(clients.submit(() -> {
                    // a socket of its own, not kept in the list: it is reset here, while the answer is written
                    try (Socket client = new Socket(base.getHost(), base.getPort())) {
                        client.setSoLinger(true, 0);
                        client.setReceiveBufferSize(4096);
                        client.getOutputStream().write(("GET /api/large HTTP/1.1\r\nHost: localhost\r\n"
                                + "Authorization: Bearer " + RunningHost.ADMIN + "\r\n\r\n").getBytes(US_ASCII));
                        client.getOutputStream().flush();
                        client.getInputStream().readNBytes(readFirst);
                    }
                    return null;
                }));
            }
            for (var future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();

            assertThat(host.get("/api/large", RunningHost.ADMIN).body()).hasSize(LargeAnswerPlugin.SIZE);
            assertNoStackTrace();
            long stopping = System.nanoTime();
            host.close();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(HttpApi.STOP_TIMEOUT);
            assertNoStackTrace();
        }
    }

    @Test
    void aClientStillSendingABodyTheEndpointDoesNotReadGetsItsWholeAnswer() throws Exception {
        try (RunningHost host = RunningHost.start(home)) {
            URI base = host.host().baseUri();
            byte[] body = ("{\"x\":\"" + "x".repeat(EventPublisher.MAX_EVENT_BYTES + 1000) + "\"}")
                    .getBytes(US_ASCII);
            // Each answers before it has read the body: a GET that ignores it, a 404, a 401 and a 413.
            assertThat(sentSlowly(base, "GET /health", null, body)).startsWith("HTTP/1.1 200 ").contains("\"UP\"");
            assertThat(sentSlowly(base, "GET /nowhere", null, body)).startsWith("HTTP/1.1 404 ");
            assertThat(sentSlowly(base, "POST /api/events", null, body)).startsWith("HTTP/1.1 401 ");
            assertThat(sentSlowly(base, "POST /api/events", CORE, body)).startsWith("HTTP/1.1 413 ")
                    .contains("larger than");
            assertNoStackTrace();
        }
    }

    @Test
    void aRequestThatExpectsContinueAndIsAnsweredWithoutItsBodyEndsWithoutWaitingForIt() throws Exception {
        try (RunningHost host = RunningHost.start(home)) {
            Socket client = open(host.host().baseUri());
            client.getOutputStream().write(("POST /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + CORE + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                    + 2 * EventPublisher.MAX_EVENT_BYTES + "\r\n\r\n").getBytes(US_ASCII));
            client.getOutputStream().flush();
            assertThat(statusLine(client)).isEqualTo("HTTP/1.1 413 Payload Too Large");

            // The body never comes, and nothing waits for it: a graceful stop finds no request still running.
            long stopping = System.nanoTime();
            host.close();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(HttpApi.STOP_TIMEOUT);
        }
    }

    /**
     * Sends {@code body} in 64 KiB pieces a few milliseconds apart, as a client on a busy machine does, then reads the
     * whole answer; a write or read that fails on a reset connection fails the test.
     */
    private String sentSlowly(URI base, String requestLine, String token, byte[] body) throws Exception {
        Socket client = open(base);
        client.setSoLinger(false, 0);
        OutputStream out = client.getOutputStream();
        out.write((requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(US_ASCII));
        for (int at = 0; at < body.length; at += 64 * 1024) {
            out.write(body, at, Math.min(64 * 1024, body.length - at));
            out.flush();
            Thread.sleep(5);
        }
        return new String(client.getInputStream().readAllBytes(), US_ASCII);
    }

    private void awaitClientWentAway() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(log.events()).extracting(
                ILoggingEvent::getFormattedMessage).anySatisfy(line -> assertThat(line).contains("client went away")));
    }

    private void assertNoStackTrace() {
        assertThat(log.events()).allSatisfy(event -> assertThat(event.getThrowableProxy())
                .as("%s %s: %s", event.getLevel(), event.getLoggerName(), event.getFormattedMessage()).isNull());
    }

    /** A socket whose close resets the connection, as a killed load generator's do. */
    private Socket open(URI base) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoLinger(true, 0);
        socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        sockets.add(socket);
        return socket;
    }

    private static String statusLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII)).readLine();
    }

    private static Logger logger(Class<?> type) {
        return (Logger) LoggerFactory.getLogger(type);
    }

    /** Counts the events it hears. */
    private record ListeningPlugin(AtomicInteger heard) implements Plugin {
        @Override
        public void start(PluginContext context) {
            context.addEventListener(event -> {
                heard.incrementAndGet();
                return 0;
            });
        }

        @Override
        public String id() {
            return "listening";
        }
    }

    /** Answers {@code GET /api/large} with half a megabyte, written in many pieces. */
    private static final class LargeAnswerPlugin implements Plugin {
        static final int SIZE = 512 * 1024;

        @Override
        public void start(PluginContext context) {
            context.addResource(new LargeAnswer());
        }

        @Override
        public String id() {
            return "large";
        }
    }

    @jakarta.ws.rs.Path("api/large")
    public static final class LargeAnswer {
        @jakarta.ws.rs.GET
        @jakarta.ws.rs.Produces("text/plain")
        public jakarta.ws.rs.core.StreamingOutput get() {
            return out -> {
                byte[] piece = "x".repeat(1000).getBytes(US_ASCII);
                for (int written = 0; written < LargeAnswerPlugin.SIZE; written += piece.length) {
                    out.write(piece, 0, Math.min(piece.length, LargeAnswerPlugin.SIZE - written));
                }
            };
        }
    }

    /** Listens to events and holds the first one until the test says its client is gone. */
    private record HoldingPlugin(CountDownLatch received, CountDownLatch clientGone) implements Plugin {
        @Override
        public void start(PluginContext context) {
            context.addEventListener(event -> {
                if (received.getCount() > 0) {
                    received.countDown();
                    clientGone.await(5, TimeUnit.SECONDS);
                }
                return 0;
            });
        }

        @Override
        public String id() {
            return "holding";
        }
    }
}
