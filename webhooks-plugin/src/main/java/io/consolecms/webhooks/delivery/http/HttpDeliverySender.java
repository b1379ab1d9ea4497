package io.consolecms.webhooks.delivery.http;

import io.consolecms.webhooks.delivery.AttemptResult;
import io.consolecms.webhooks.delivery.DeliveryRequest;
import io.consolecms.webhooks.delivery.DeliverySender;
import io.consolecms.webhooks.delivery.Memo;
import io.consolecms.webhooks.delivery.MiaSignature;
import io.consolecms.webhooks.delivery.StandardSignature;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Makes delivery attempts with one pooled Apache HttpClient (classic): connections are reused per route (target,
 * proxy) and per trust and proxy credentials; no redirects, no automatic retries, no cookies. Each attempt has a
 * whole-request timeout, enforced by cancelling the request when it runs out (a read timeout alone would let a
 * receiver trickle bytes forever). Every address connected to passes the {@link TargetPolicy} first. What a receiver or
 * proxy may answer is bounded too: status line and headers by {@link AnswerHeadParser}, the body read for the log by
 * {@link ReceiverAnswer}; a connection whose answer was not read to its end is closed, never drained.
 */
public final class HttpDeliverySender implements DeliverySender {

    /**
     * Connections per route and in all: high enough never to be what limits attempts, since the dispatcher caps the
     * attempts per target ({@code CMS_WEBHOOKS_PER_TARGET}) and in all ({@code CMS_WEBHOOKS_WORKERS}); idle ones close
     * after a minute.
     */
    static final int MAX_CONNECTIONS_PER_ROUTE = 1024;
    static final int MAX_CONNECTIONS = 4096;
    static final String WEBHOOK_ID = "webhook-id";
    static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
    private static final String ROUTE_COMPLETE = "webhook-route-complete";
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final ContentType JSON = ContentType.create("application/json");
    private static final int MAX_HOST_HEADERS = 10_000;

    private final Duration timeout;
    private final TargetPolicy policy;
    private final Clock clock;
    private final WebhookTls tls = new WebhookTls();
    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor timer;
    /**
     * The Host header of each target, as the client's own {@link RequestTargetHost} writes it: worked out once rather
     * than at every attempt, where formatting it was a sixth of a delivery thread's work.
     */
    private final Memo<URI, String> hostHeaders = new Memo<>(MAX_HOST_HEADERS, HttpDeliverySender::hostHeader);

    /**
     * Opens nothing yet; starts a timer thread for timeouts and one that closes idle pooled connections, both stopped
     * by {@link #close()}.
     *
     * @param timeout the whole-request timeout of one attempt ({@code CMS_WEBHOOKS_TIMEOUT})
     * @param policy the addresses attempts may connect to
     */
    public HttpDeliverySender(Duration timeout, TargetPolicy policy) {
        this(timeout, policy, Clock.systemUTC(), userAgent());
    }

    /** @param clock gives {@code webhook-timestamp} */
    HttpDeliverySender(Duration timeout, TargetPolicy policy, Clock clock, String userAgent) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the delivery timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
        this.policy = policy;
        this.clock = clock;
        this.client = client(timeout, new PolicyDnsResolver(policy), tls, userAgent);
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "webhook-delivery-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** One client for every attempt: pooled, no redirects, no retries, no cookies, no compression. */
    private static CloseableHttpClient client(Duration timeout, DnsResolver resolver, TlsSocketStrategy tls,
                                              String userAgent) {
        Timeout whole = Timeout.of(timeout);
        Timeout connect = Timeout.of(timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setConnectionFactory(AnswerHeadParser.connectionFactory())
                        .setDnsResolver(resolver)
                        .setTlsSocketStrategy(tls)
                        .setMaxConnPerRoute(MAX_CONNECTIONS_PER_ROUTE)
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(whole).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                .setSocketTimeout(whole)
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                // a bounded life makes DNS changes and certificate rotations show up
                                .setTimeToLive(TimeValue.ofMinutes(5))
                                .build())
                        .build())
                .setRoutePlanner(new ContextProxyRoutePlanner())
                // runs once the connection (and any tunnel) is up, just before the POST is written
                .addExecInterceptorAfter(ChainElement.CONNECT.name(), ROUTE_COMPLETE, (request, scope, chain) -> {
                    scope.clientContext.setAttribute(ROUTE_COMPLETE, Boolean.TRUE);
                    return chain.proceed(request, scope);
                })
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(whole)
                        .setResponseTimeout(whole)
                        .setRedirectsEnabled(false)
                        .build())
                .setUserAgent(userAgent)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.ofMinutes(1))
                .build();
    }

    /** {@code ConsoleCMSWebhooks/<version>}, the version from the plugin jar's manifest, {@code dev} outside a jar. */
    static String userAgent() {
        String version = HttpDeliverySender.class.getPackage().getImplementationVersion();
        return "ConsoleCMSWebhooks/" + (version == null ? "dev" : version);
    }

    @Override
    public AttemptResult send(DeliveryRequest request) {
        long started = System.nanoTime();
        try {
            return attempt(request, started);
        } catch (RuntimeException unexpected) {
            return AttemptResult.noAnswer("unexpected error: " + unexpected, millisSince(started));
        }
    }

    private AttemptResult attempt(DeliveryRequest request, long started) {
        URI target = request.target();
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || target.getHost() == null) {
            return AttemptResult.noAnswer("target must be an absolute http or https URL", millisSince(started));
        }
        TlsSocketStrategy trust;
        WebhookProxy proxy;
        try {
            trust = tls.forCa(request.base64Ca());
            proxy = request.proxyUrl() == null || request.proxyUrl().isBlank()
                    ? null : WebhookProxy.parse(request.proxyUrl());
        } catch (IllegalArgumentException invalid) {
            return AttemptResult.noAnswer(invalid.getMessage(), millisSince(started));
        }
        if (proxy != null) {
            String denial = checkThroughProxy(proxy, target);
            if (denial != null) {
                return AttemptResult.noAnswer(denial, millisSince(started));
            }
        }

        HttpPost post = post(request);
        HttpClientContext context = context(request.base64Ca(), trust, proxy);

        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(() -> {
                timedOut.set(true);
                post.cancel();
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return AttemptResult.noAnswer("the delivery sender is closed", millisSince(started));
        }
        try {
            CloseableHttpResponse response = CloseableHttpResponse.adapt(client.executeOpen(null, post, context));
            return answer(response, context, proxy, timedOut, started);
        } catch (IOException failure) {
            // the socket's read timeout equals the whole timeout: whichever fires first, the attempt ran out of time
            boolean outOfTime = timedOut.get() || millisSince(started) >= timeout.toMillis();
            String error = outOfTime ? AttemptFailures.timedOut(timeout)
                    : AttemptFailures.describe(failure, target, proxy == null ? null : proxy.host(),
                    proxy != null && isAnswerToConnect(context));
            return AttemptResult.noAnswer(error, millisSince(started));
        } finally {
            deadline.cancel(false);
        }
    }

    private HttpPost post(DeliveryRequest request) {
        HttpPost post = new HttpPost(request.target());
        post.setEntity(new ByteArrayEntity(request.body(), JSON));
        String host = hostHeaders.get(request.target());
        if (host != null) {
            post.setHeader(HttpHeaders.HOST, host);
        }
        long timestamp = clock.instant().getEpochSecond();
        if (request.secret() != null) {
            post.setHeader(MiaSignature.HEADER, MiaSignature.sign(request.body(), request.secret()));
            post.setHeader(StandardSignature.HEADER, StandardSignature.header(request.deliveryId(), timestamp,
                    request.body(), request.signingSecrets()));
        }
        post.setHeader(WEBHOOK_ID, request.deliveryId());
        post.setHeader(WEBHOOK_TIMESTAMP, Long.toString(timestamp));
        return post;
    }

    /** The Host header the client would write for {@code target}, or null to let it write it. */
    private static String hostHeader(URI target) {
        if (target.getRawAuthority() == null) {
            return null;
        }
        HttpPost probe = new HttpPost(target);
        try {
            RequestTargetHost.INSTANCE.process(probe, null, HttpClientContext.create());
        } catch (HttpException | IOException | RuntimeException unusual) {
            return null;
        }
        Header host = probe.getFirstHeader(HttpHeaders.HOST);
        return host == null ? null : host.getValue();
    }

    /** What this attempt's route, trust and proxy login are, for the shared client's planner, TLS and pool. */
    private static HttpClientContext context(String base64Ca, TlsSocketStrategy trust, WebhookProxy proxy) {
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute(WebhookTls.CONTEXT_ATTRIBUTE, trust);
        String caKey = base64Ca == null || base64Ca.isBlank() ? "" : TrustMaterial.key(base64Ca);
        // connections are pooled per route and per this token: never reused under another trust or proxy login
        String proxyKey = proxy == null ? "" : proxy.key();
        context.setUserToken(caKey.isEmpty() && proxyKey.isEmpty() ? PoolKey.NONE : new PoolKey(caKey, proxyKey));
        if (proxy != null) {
            context.setAttribute(ContextProxyRoutePlanner.CONTEXT_ATTRIBUTE, proxy.host());
            if (proxy.credentials() != null) {
                context.setCredentialsProvider(proxy.credentials());
            }
        }
        return context;
    }

    /** Reads what the attempt keeps of the answer, then closes it: the connection is reused only if nothing is left. */
    private AttemptResult answer(CloseableHttpResponse response, HttpClientContext context, WebhookProxy proxy,
                                 AtomicBoolean timedOut, long started) {
        boolean reusable = false;
        try {
            int status = response.getCode();
            if (proxy != null && (status == 407 || isAnswerToConnect(context))) {
                return AttemptResult.noAnswer(AttemptFailures.proxyRefusal(status, response.getReasonPhrase(), proxy),
                        millisSince(started));
            }
            boolean succeeded = status >= 200 && status < 300;
            String body = null;
            String readError = null;
            try {
                ReceiverAnswer.Body answer = ReceiverAnswer.body(response.getEntity());
                body = answer.text();
                reusable = answer.whole();
            } catch (IOException failure) {
                readError = "reading the answer: " + (timedOut.get() ? AttemptFailures.timedOut(timeout)
                        : failure.getClass().getSimpleName() + " " + failure.getMessage());
            }
            String error = succeeded ? readError
                    : ReceiverAnswer.statusError(response) + (readError == null ? "" : "; " + readError);
            return new AttemptResult(succeeded, status, ReceiverAnswer.retryAfter(response, clock.instant()), error,
                    body, millisSince(started));
        } finally {
            // a graceful close reads the rest of the body to reuse the connection: a receiver could make that last
            // for as long as it streams, so a connection with anything left is closed at once instead
            response.close(reusable ? CloseMode.GRACEFUL : CloseMode.IMMEDIATE);
        }
    }

    private static boolean isAnswerToConnect(HttpClientContext context) {
        // a refused CONNECT comes back as the proxy's response, and the route was never completed
        return context.getAttribute(ROUTE_COMPLETE) == null;
    }

    /**
     * With a proxy the connection goes to the proxy, whose address the resolver checks; the target is checked here
     * too. A target the local DNS does not know is left to the proxy, which may resolve names this host cannot.
     */
    private String checkThroughProxy(WebhookProxy proxy, URI target) {
        try {
            policy.resolveAllowed(proxy.host().getHostName());
        } catch (TargetPolicy.Denied denied) {
            return denied.describe("proxy");
        } catch (UnknownHostException unknown) {
            return "DNS: cannot resolve the proxy " + proxy.host().getHostName();
        }
        try {
            policy.resolveAllowed(target.getHost());
        } catch (TargetPolicy.Denied denied) {
            return denied.describe("target");
        } catch (UnknownHostException unknownHere) {
            return null;
        }
        return null;
    }

    private static long millisSince(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** Stops the timeout timer and closes every pooled connection; attempts still running fail. */
    @Override
    public void close() {
        try {
            client.close(CloseMode.GRACEFUL);
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * What, besides the route, a pooled connection is tied to. The pool compares it with each free connection's at
     * every lease: the usual key is one instance, compared by identity first.
     */
    private record PoolKey(String caKey, String proxyKey) {
        static final PoolKey NONE = new PoolKey("", "");

        @Override
        public boolean equals(Object other) {
            return this == other
                    || other instanceof PoolKey key && caKey.equals(key.caKey) && proxyKey.equals(key.proxyKey);
        }

        @Override
        public int hashCode() {
            return 31 * caKey.hashCode() + proxyKey.hashCode();
        }
    }
}
