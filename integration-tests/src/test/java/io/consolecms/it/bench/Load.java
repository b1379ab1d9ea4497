package io.consolecms.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/** Load from the JVM: one pooled Apache HttpClient 5 classic client, shared by a number of threads. */
final class Load {

    /** An answer: status code and body text. */
    record Answer(int status, String body) {
        String eventId() {
            try {
                JsonNode json = Api.JSON.readTree(body);
                return json.path("eventId").asText(null);
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** The outcome of a parallel run. */
    record Run(int sent, int ok, int notOk, int errors, long startMillis, double seconds) {
        double okPerSecond() {
            return seconds > 0 ? ok / seconds : 0;
        }
    }

    private Load() {
    }

    static CloseableHttpClient client(int connections, int timeoutSeconds) {
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(connections)
                .setMaxConnPerRoute(connections)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofSeconds(5))
                        .setSocketTimeout(Timeout.ofSeconds(timeoutSeconds))
                        .build())
                .build();
        return HttpClients.custom().setConnectionManager(pool).disableAutomaticRetries().disableCookieManagement()
                .build();
    }

    static Answer post(CloseableHttpClient client, String url, String bearer, String body) throws IOException {
        HttpPost post = new HttpPost(url);
        if (bearer != null) {
            post.setHeader("Authorization", "Bearer " + bearer);
        }
        post.setEntity(new ByteArrayEntity(body.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON));
        return client.execute(post, response -> new Answer(response.getCode(),
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity())));
    }

    /**
     * POSTs from {@code threads} threads until {@code count} requests were sent or {@code seconds} passed. A 2xx is ok;
     * any other answer is notOk; an exception is an error.
     */
    static Run parallel(CloseableHttpClient client, String url, String bearer, int threads, int count, double seconds,
                        IntFunction<String> body) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger notOk = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong lastError = new AtomicLong();
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count && System.nanoTime() < deadline;
                     i = next.getAndIncrement()) {
                    try {
                        int status = post(client, url, bearer, body.apply(i)).status();
                        (status / 100 == 2 ? ok : notOk).incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        if (System.nanoTime() - lastError.get() > 5_000_000_000L) {
                            lastError.set(System.nanoTime());
                            Bench.progress("  request failed: " + e);
                        }
                    }
                }
            }));
        }
        pool.shutdown();
        if (!pool.awaitTermination((long) seconds + 60, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Run(Math.min(next.get(), count), ok.get(), notOk.get(), errors.get(), startMillis, elapsed);
    }

    /** Latencies in nanoseconds, sorted. */
    static double percentileMs(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

    /** Sequential publishes on one kept-alive connection; returns the sorted 202 latencies of the measured ones. */
    static long[] sequential(String url, String bearer, int warmup, int samples, double seconds,
                             IntFunction<String> body) throws IOException {
        return sequential(url, bearer, warmup, samples, seconds, 0, body);
    }

    /**
     * As {@link #sequential(String, String, int, int, double, IntFunction)}, each publish starting {@code everyMillis}
     * after the one before (or at once, when that one took longer); back to back when 0.
     */
    static long[] sequential(String url, String bearer, int warmup, int samples, double seconds, int everyMillis,
                             IntFunction<String> body) throws IOException {
        long[] result = inOrder(url, bearer, warmup, samples, seconds, everyMillis, body);
        Arrays.sort(result);
        return result;
    }

    /**
     * As {@link #sequential(String, String, int, int, double, int, IntFunction)}, the latencies in the order of the
     * publishes rather than sorted: the {@code k}th is that of the body made for index {@code warmup + k}.
     */
    static long[] inOrder(String url, String bearer, int warmup, int samples, double seconds, int everyMillis,
                          IntFunction<String> body) throws IOException {
        long every = TimeUnit.MILLISECONDS.toNanos(everyMillis);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long[] latencies = new long[samples];
        int measured = 0;
        try (CloseableHttpClient client = client(1, 30)) {
            long next = System.nanoTime();
            for (int i = -warmup; i < samples && System.nanoTime() < deadline; i++) {
                for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                long start = System.nanoTime();
                next = start + every;
                Answer answer = post(client, url, bearer, body.apply(i + warmup));
                long took = System.nanoTime() - start;
                if (answer.status() != 202) {
                    throw new IllegalStateException("publish answered " + answer.status() + " " + answer.body());
                }
                if (i >= 0) {
                    latencies[measured++] = took;
                }
            }
        }
        return Arrays.copyOf(latencies, measured);
    }
}
