package io.consolecms.webhooks.delivery;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small real sender for tests, on the JDK's HTTP client: the delivery headers, a whole-request timeout, no
 * redirects, {@code Retry-After} in seconds. Stands in for the product's sender so that tests talk to real servers.
 */
class JdkHttpDeliverySender implements DeliverySender {

    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Duration timeout;

    JdkHttpDeliverySender(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public AttemptResult send(DeliveryRequest request) {
        long start = System.nanoTime();
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.target())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("webhook-id", request.deliveryId())
                .header("webhook-timestamp", Long.toString(System.currentTimeMillis() / 1000))
                .header("User-Agent", "console-cms-webhooks/test")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.secret() != null) {
            builder.header(MiaSignature.HEADER, MiaSignature.sign(request.body(), request.secret()));
        }
        try {
            HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            long duration = (System.nanoTime() - start) / 1_000_000;
            int status = response.statusCode();
            Duration retryAfter = (status == 429 || status == 503)
                    ? response.headers().firstValue("Retry-After").map(s -> Duration.ofSeconds(Long.parseLong(s.trim())))
                            .orElse(null)
                    : null;
            boolean succeeded = status >= 200 && status < 300;
            return new AttemptResult(succeeded, status, retryAfter, succeeded ? null : "the receiver answered " + status,
                    response.body(), duration);
        } catch (HttpTimeoutException timedOut) {
            return AttemptResult.noAnswer("timed out after " + timeout.toMillis() + " ms", (System.nanoTime() - start) / 1_000_000);
        } catch (IOException failure) {
            return AttemptResult.noAnswer("could not reach the target: " + failure, (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return AttemptResult.noAnswer("interrupted", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Override
    public void close() {
        // the JDK 17 client has no close; its threads are daemons
    }
}
