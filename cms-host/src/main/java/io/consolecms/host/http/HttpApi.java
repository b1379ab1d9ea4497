package io.consolecms.host.http;

import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jetty12.server.TimedHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.jetty.JettyHttpContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Jersey on Jetty 12, with a bounded pool of request threads and limits on what a client may hold.
 *
 * <p>What keeps slow clients from starving the host: Jetty parses a request head only when bytes arrive (the selector
 * waits for them, no thread does), so a client that sends half a head and stops holds a socket and a buffer, not a
 * thread; {@link #IDLE_TIMEOUT} then closes it (in Jetty 12 the idle timeout is also the timeout for reading a head; no
 * other setting is needed: with 1,000 such clients connected, {@code /health} and {@code POST /api/events} still answer
 * within a second, as {@code HttpApiTest} checks). A request body or a response that stalls does hold a thread (Jersey
 * reads and writes blocking), again for at most {@link #IDLE_TIMEOUT} without progress. {@link #REQUEST_HEADER_SIZE}
 * bounds the memory of every head. {@link #MAX_CONNECTIONS} bounds sockets, and with them the job queue (an HTTP/1.1
 * connection queues at most one request at a time): Jetty 12.1 warns against a bounded queue, since a rejected job can
 * be one of its own that completes a request; at the limit it stops accepting and shortens the idle timeout of the
 * connections it has to {@link #IDLE_TIMEOUT_AT_LIMIT}, which sheds clients that hold a socket and send nothing. Jetty
 * 12.1's {@code HttpConfiguration.setMinRequestDataRate} is read by nothing, and its {@code MinimumDataRateHandler}
 * divides the bytes of all requests by the time of one, so neither is used.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    static final int MAX_THREADS = 64;
    static final int MIN_THREADS = 8;
    /** Open connections; past it, new ones wait in the kernel's accept backlog. */
    static final int MAX_CONNECTIONS = 4096;
    /** A connection (a head, a body, a keep-alive pause, a response the client does not read) without progress. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration IDLE_TIMEOUT_AT_LIMIT = Duration.ofSeconds(5);
    static final int REQUEST_HEADER_SIZE = 16 * 1024;
    static final int RESPONSE_HEADER_SIZE = 8 * 1024;
    /** How long {@link #close()} lets running requests finish. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Server server;
    private final URI baseUri;

    private HttpApi(Server server, URI baseUri) {
        this.server = server;
        this.baseUri = baseUri;
    }

    /**
     * Starts serving {@code application} on {@code bind}:{@code port}.
     *
     * @throws InvalidSettingException naming {@code CMS_PORT} when it cannot listen there
     */
    public static HttpApi start(String bind, int port, ResourceConfig application) {
        return start(bind, port, application, UnaryOperator.identity(), new CompositeMeterRegistry());
    }

    /**
     * Starts serving {@code application} on {@code bind}:{@code port}, behind the handlers {@code inFront} wraps
     * around it (endpoints served by Jetty directly, passing every other request on to Jersey). The server's meters go
     * to {@code meters}: every request timed by method and status ({@code jetty_server_requests_seconds}), the request
     * threads ({@code jetty_threads_*}) and the connections ({@code jetty_connections_*}).
     *
     * @throws InvalidSettingException naming {@code CMS_PORT} when it cannot listen there
     */
    public static HttpApi start(String bind, int port, ResourceConfig application, UnaryOperator<Handler> inFront,
                                MeterRegistry meters) {
        uri(bind, port); // CMS_BIND must make a URL before anything listens
        QueuedThreadPool threads = threads();
        new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(meters);
        Server server = new Server(threads);
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        server.setErrorHandler(errors);

        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http()));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        // Jetty's default too; said here because a response head and body written apart would otherwise wait for the
        // client's delayed ACK (40 ms) on every keep-alive request.
        connector.setAcceptedTcpNoDelay(true);
        server.addConnector(connector);
        NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, connector);
        limit.setEndPointIdleTimeout(IDLE_TIMEOUT_AT_LIMIT.toMillis());
        server.addBean(limit);
        JettyConnectionMetrics.addToAllConnectors(server, meters);

        // Lets running requests finish on close (up to the stop timeout) while new ones are refused.
        Handler jersey = new RequestTargetCheck(new FailedWriteCompletion(
                ContainerFactory.createContainer(JettyHttpContainer.class, application)));
        TimedHandler timed = new TimedHandler(meters, Tags.empty());
        timed.setHandler(new SecurityHeaders(inFront.apply(jersey)));
        server.setHandler(new GracefulHandler(new UnreadBodyDrain(timed)));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new InvalidSettingException("CMS_PORT", "cannot listen on " + bind + ":" + port + ": " + e);
        }
        return new HttpApi(server, uri(bind, connector.getLocalPort()));
    }

    /** {@code http://<bind>:<port>/}. */
    public URI baseUri() {
        return baseUri;
    }

    /** Stops accepting requests, lets running ones finish for up to {@link #STOP_TIMEOUT}, then stops the threads. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (TimeoutException e) {
            LOG.warn("requests still running after {} were cut off", STOP_TIMEOUT);
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTP server", e);
        }
    }

    private static HttpConfiguration http() {
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(REQUEST_HEADER_SIZE);
        http.setResponseHeaderSize(RESPONSE_HEADER_SIZE);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        return http;
    }

    private static QueuedThreadPool threads() {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("http");
        return threads;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Already failing to start; the start failure is the one to report.
        }
    }

    private static URI uri(String bind, int port) {
        try {
            return new URI("http", null, bind, port, "/", null, null);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException("CMS_BIND", "'" + bind + "' cannot be part of a URL");
        }
    }
}
