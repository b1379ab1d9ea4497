package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver that answers every delivery with headers that never end, 200 deliveries at once, against a host with a
 * small heap: the host cuts each answer off, records why, and stays healthy.
 */
class HostileReceiverIT {

    private static final int DELIVERIES = 200;

    @TempDir
    Path tmp;

    @Test
    void aReceiverFloodingHeadersOn200ConnectionsAtOnceFailsItsAttemptsAndTheHostStaysUp() throws Exception {
        try (HeaderFlood flood = new HeaderFlood();
             HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                     .jvmOptions("-Xmx128m")
                     .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1h")
                     .env("CMS_WEBHOOKS_TIMEOUT", "30s")
                     .env("CMS_WEBHOOKS_WORKERS", Integer.toString(DELIVERIES))
                     .env("CMS_WEBHOOKS_PER_TARGET", Integer.toString(DELIVERIES))
                     // every delivery must make its attempt here: the target's circuit breaker (tested in
                     // CircuitBreakerIT) would pause the attempts after 10 failures in a row
                     .env("CMS_WEBHOOKS_BREAKER_FAILURES", Integer.toString(10 * DELIVERIES))) {
            host.start();
            Api api = host.api();
            String webhook = create(api, "{\"eventName\":\"tag_created\",\"target\":\"http://127.0.0.1:"
                    + flood.port() + "/hook\"}");
            for (int i = 0; i < DELIVERIES; i++) {
                assertThat(api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i + ",\"payload\":"
                        + "{\"tenantId\":\"t\",\"projectId\":\"p\",\"tagName\":\"v" + i + "\"}}").status())
                        .isEqualTo(202);
            }

            // well under the attempts' 30 s timeout: each is cut off by the header limit, not by running out of time
            await().atMost(Duration.ofSeconds(25)).untilAsserted(() -> {
                JsonNode deliveries = api.get("/api/webhooks/" + webhook + "/deliveries?_l=" + DELIVERIES).json();
                assertThat(deliveries).hasSize(DELIVERIES);
                for (JsonNode delivery : deliveries) {
                    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
                    assertThat(delivery.path("lastError").asText())
                            .isEqualTo("the receiver answered with more than 100 headers");
                }
            });
            assertThat(flood.connections()).isGreaterThanOrEqualTo(DELIVERIES);
            assertThat(api.get("/health").status()).isEqualTo(200);
            assertThat(host.isAlive()).isTrue();
            assertThat(host.logText()).doesNotContain("OutOfMemoryError");
        }
    }

    /** Answers each request with a status line, then header lines for as long as the client reads them. */
    private static final class HeaderFlood implements AutoCloseable {

        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final AtomicInteger connections = new AtomicInteger();

        HeaderFlood() throws IOException {
            server = new ServerSocket(0, DELIVERIES, InetAddress.getLoopbackAddress());
            threads.execute(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    sockets.add(client);
                    connections.incrementAndGet();
                    threads.execute(() -> flood(client));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void flood(Socket client) {
            try (client) {
                InputStream in = client.getInputStream();
                in.read(new byte[8192]); // the request: what it says does not matter here
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] filler = "v".repeat(100).getBytes(StandardCharsets.US_ASCII);
                // bounded so that a client that never hangs up still ends: 1,000,000 headers, about 120 MB
                for (int i = 0; i < 1_000_000; i++) {
                    out.write(("X-Flood-" + i + ": ").getBytes(StandardCharsets.US_ASCII));
                    out.write(filler);
                    out.write('\r');
                    out.write('\n');
                }
            } catch (IOException hungUp) {
                // what the host should do
            } finally {
                sockets.remove(client);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            threads.shutdownNow();
        }
    }
}
