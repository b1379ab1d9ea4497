package io.consolecms.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver as a Console integration would run one: a JDK HTTP server on loopback that records every request
 * and recomputes {@code X-Mia-Signature} over the raw body with the secret it was given.
 */
public final class Receiver implements AutoCloseable {

    /** One request as received, and when it had been read in full. */
    public record Request(String path, Map<String, List<String>> headers, byte[] body, boolean signatureValid,
                          Instant receivedAt) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0))
                    .findFirst().orElse(null);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final String secret;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicLong delayMillis = new AtomicLong();

    private Receiver(HttpServer server, String secret) {
        this.server = server;
        this.secret = secret;
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String signature = exchange.getRequestHeaders().getFirst("X-Mia-Signature");
            boolean valid = secret == null ? signature == null : sign(body, secret).equals(signature);
            requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    body, valid, Instant.now()));
            long delay = delayMillis.get();
            if (delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] answer = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        // as many handlers as the host runs attempts against one target by default, so bursts of thousands
        // of deliveries are answered as fast as they come instead of queueing behind a few threads
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    /** A receiver on a free loopback port, checking signatures with {@code secret} ({@code null}: expects none). */
    public static Receiver start(String secret) throws IOException {
        return start(0, secret);
    }

    /** A receiver on the given loopback port. */
    public static Receiver start(int port, String secret) throws IOException {
        return new Receiver(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0), secret);
    }

    /** Answers every later request with this status. */
    public Receiver answer(int statusCode) {
        status.set(statusCode);
        return this;
    }

    /** Waits this long before answering each later request (read in full and recorded as received first). */
    public Receiver delay(java.time.Duration delay) {
        delayMillis.set(delay.toMillis());
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public String secret() {
        return secret;
    }

    /** {@code hex(sha256(body + secret))}, computed independently of the product's code. */
    public static String sign(byte[] body, String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(body);
            sha256.update(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
