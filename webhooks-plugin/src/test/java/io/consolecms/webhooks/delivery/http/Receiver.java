package io.consolecms.webhooks.delivery.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A webhook receiver on loopback (a JDK {@link HttpServer} on port 0, or {@link HttpsServer}): records every request
 * and answers what the test says.
 */
final class Receiver implements AutoCloseable {

    /** A request as the receiver saw it: the raw body bytes, to recompute the signature over. */
    record Received(String method, String path, Headers headers, byte[] body, int clientPort) {

        String header(String name) {
            return headers.getFirst(name);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }
    }

    /** What to answer. */
    record Answer(int status, Map<String, String> headers, byte[] body) {

        static Answer of(int status) {
            return new Answer(status, Map.of(), new byte[0]);
        }

        static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        Answer with(String header, String value) {
            Map<String, String> more = new java.util.HashMap<>(headers);
            more.put(header, value);
            return new Answer(status, Map.copyOf(more), body);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final String scheme;
    private volatile Function<Received, Answer> answers = request -> Answer.of(200, "ok");
    private volatile boolean hang;

    private Receiver(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A plain HTTP receiver on 127.0.0.1 answering 200 "ok". */
    static Receiver http() {
        try {
            return new Receiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0),
                    "http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTPS receiver on 127.0.0.1 with the server certificate of {@code tls}. */
    static Receiver https(SSLContext tls) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new Receiver(server, "https");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Receiver answering(Function<Received, Answer> answers) {
        this.answers = answers;
        return this;
    }

    Receiver answering(Answer answer) {
        return answering(request -> answer);
    }

    /** Reads requests but never answers them (until closed). */
    Receiver hanging() {
        this.hang = true;
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** This receiver's URL at {@code path} on host {@code host} (e.g. {@code localhost}, {@code 127.0.0.1}). */
    URI uri(String host, String path) {
        return URI.create(scheme + "://" + host + ":" + port() + path);
    }

    URI uri(String path) {
        return uri("127.0.0.1", path);
    }

    /** The next request received, waiting up to 5 s; fails the test when none came. */
    Received next() {
        try {
            Received request = received.poll(5, TimeUnit.SECONDS);
            if (request == null) {
                throw new AssertionError("the receiver got no request");
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** How many requests arrived and were not taken by {@link #next()}. */
    int pending() {
        return received.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), in.readAllBytes(),
                    exchange.getRemoteAddress().getPort());
            received.add(request);
            if (hang) {
                released.await();
                return;
            }
            Answer answer = answers.apply(request);
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
