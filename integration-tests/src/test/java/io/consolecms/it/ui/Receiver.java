package io.consolecms.it.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on loopback: {@code /hook} answers 200, {@code /markup} answers 500 with a body made of HTML
 * markup (to check that the admin UI shows what targets answer as text). Every request is recorded.
 */
final class Receiver implements AutoCloseable {

    /** What {@code /markup} answers; it would run script if a page ever parsed it as HTML. */
    static final String MARKUP = "<img src=x onerror=alert(1)><script>alert(2)</script>";

    /** One request as the receiver saw it. */
    record Request(String path, String webhookId, String signature, String standardSignature, String timestamp,
                   String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private Receiver(HttpServer server) {
        this.server = server;
    }

    static Receiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Receiver receiver = new Receiver(server);
        server.createContext("/", receiver::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return receiver;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(path, exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("X-Mia-Signature"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"), body));
            boolean markup = path.startsWith("/markup");
            byte[] answer = (markup ? MARKUP : "{\"received\":true}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", markup ? "text/html" : "application/json");
            exchange.sendResponseHeaders(markup ? 500 : 200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    /** An absolute URL of this receiver, e.g. {@code url("/hook")}. */
    String url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery).toString();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The requests received so far whose body contains {@code text}, in arrival order. */
    List<Request> requestsContaining(String text) {
        return requests.stream().filter(request -> request.body().contains(text)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
