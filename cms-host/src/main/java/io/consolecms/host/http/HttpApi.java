package io.consolecms.host.http;

import com.sun.net.httpserver.HttpServer;
import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.jdkhttp.JdkHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/** The HTTP server: Jersey on the JDK's HttpServer, with a bounded pool of request threads. */
public final class HttpApi implements AutoCloseable {

    static final int THREADS = 32;
    private static final int STOP_DELAY_SECONDS = 1;

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private HttpApi(HttpServer server, ExecutorService executor, URI baseUri) {
        this.server = server;
        this.executor = executor;
        this.baseUri = baseUri;
    }

    /**
     * Starts serving {@code application} on {@code bind}:{@code port}.
     *
     * @throws InvalidSettingException naming {@code CMS_PORT} when it cannot listen there
     */
    public static HttpApi start(String bind, int port, ResourceConfig application) {
        // The JDK server writes a response's head and body separately; without TCP_NODELAY, Nagle holds the body until
        // the client's delayed ACK (40 ms) on every keep-alive request. Read once, when the first server is made.
        System.setProperty(NO_DELAY, System.getProperty(NO_DELAY, "true"));
        HttpServer server;
        try {
            server = JdkHttpServerFactory.createHttpServer(uri(bind, port), application, false);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidSettingException("CMS_PORT", "cannot listen on " + bind + ":" + port + ": " + cause);
        }
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads());
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.start();
        return new HttpApi(server, executor, uri(bind, server.getAddress().getPort()));
    }

    /** {@code http://<bind>:<port>/}. */
    public URI baseUri() {
        return baseUri;
    }

    /** Stops accepting requests, lets running ones finish briefly, then stops the request threads. */
    @Override
    public void close() {
        server.stop(STOP_DELAY_SECONDS);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static URI uri(String bind, int port) {
        try {
            return new URI("http", null, bind, port, "/", null, null);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException("CMS_BIND", "'" + bind + "' cannot be part of a URL");
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "http-" + count.incrementAndGet());
            thread.setDaemon(false);
            return thread;
        };
    }
}
