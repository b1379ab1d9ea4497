package io.consolecms.webhooks.delivery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on loopback: answers with scripted replies in order (the last one repeats) and remembers every
 * request it got. A receiver that {@link #hanging()} never answers until closed.
 */
final class ScriptedReceiver implements AutoCloseable {

    /** One scripted reply. */
    record Reply(int status, Map<String, String> headers, String body) {
        static Reply status(int status) {
            return new Reply(status, Map.of(), "");
        }
    }

    /** One request as the receiver got it. */
    record Request(long receivedAtMillis, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().get(0)).orElse(null);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Reply> script;
    private final boolean hang;
    private final long delayMillis;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch opened;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();

    private ScriptedReceiver(List<Reply> script, boolean hang, boolean gated) throws IOException {
        this(script, hang, gated, 0);
    }

    private ScriptedReceiver(List<Reply> script, boolean hang, boolean gated, long delayMillis) throws IOException {
        this.script = new ArrayList<>(script);
        this.hang = hang;
        this.delayMillis = delayMillis;
        this.opened = new CountDownLatch(gated ? 1 : 0);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static ScriptedReceiver answering(Reply... replies) throws IOException {
        return new ScriptedReceiver(List.of(replies), false, false);
    }

    static ScriptedReceiver answering(int... statuses) throws IOException {
        List<Reply> replies = new ArrayList<>();
        for (int status : statuses) {
            replies.add(Reply.status(status));
        }
        return new ScriptedReceiver(replies, false, false);
    }

    /** A receiver that holds every request until {@link #open()}, then answers {@code status} to all. */
    static ScriptedReceiver gated(int status) throws IOException {
        return new ScriptedReceiver(List.of(Reply.status(status)), false, true);
    }

    /** A receiver that answers {@code status} to every request, each after {@code delay}. */
    static ScriptedReceiver slow(int status, Duration delay) throws IOException {
        return new ScriptedReceiver(List.of(Reply.status(status)), false, false, delay.toMillis());
    }

    /** Lets a {@link #gated} receiver answer what it holds and what comes next. */
    void open() {
        opened.countDown();
    }

    static ScriptedReceiver hanging() throws IOException {
        return new ScriptedReceiver(List.of(), true, false);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    String url() {
        return uri("/hook").toString();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int index;
            synchronized (requests) {
                index = requests.size();
                requests.add(new Request(System.currentTimeMillis(), Map.copyOf(exchange.getRequestHeaders()), body));
            }
            if (hang) {
                closed.await();
                return;
            }
            opened.await();
            Thread.sleep(delayMillis);
            Reply reply = script.get(Math.min(index, script.size() - 1));
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
