package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/webhooks/{id}/test}: sends a {@code webhook_ping} event to the webhook now, whatever its state, and
 * answers 200 with that attempt's outcome; the attempt is recorded as a delivery.
 *
 * <p>Answered asynchronously: the request thread only hands the test event to {@link WebhookPing}'s own threads and
 * is free at once, so that test events to a hung target, however many, hold none of the HTTP server's threads. When
 * {@link WebhookPing#MAX_IN_FLIGHT} test events are in flight already, the answer is 429 with {@code Retry-After} at
 * once rather than a wait.
 */
@Path("api/webhooks/{webhookId}/test")
@Produces(MediaType.APPLICATION_JSON)
public final class WebhookTestResource {

    /** Seconds after which a client refused for too many test events in flight may try again. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final WebhookPing ping;

    WebhookTestResource(WebhookPing ping) {
        this.ping = Objects.requireNonNull(ping, "ping");
    }

    @POST
    public void test(@PathParam("webhookId") String webhookId, @Suspended AsyncResponse answer) {
        if (!ObjectId.isValid(webhookId)) {
            answer.resume(notFound());
            return;
        }
        // a bound that is never reached while the sender keeps its timeout, so that no answer can hang
        answer.setTimeout(ping.longestAnswer().toMillis(), TimeUnit.MILLISECONDS);
        answer.setTimeoutHandler(late -> late.resume(ApiErrors.unavailable("the test event took longer than its"
                + " timeout allows; its outcome will be in the webhook's deliveries")));
        try {
            ping.ping(webhookId).whenComplete((result, failure) -> {
                if (failure != null) {
                    answer.resume(failure instanceof CompletionException wrapped && wrapped.getCause() != null
                            ? wrapped.getCause() : failure);
                } else if (result.isEmpty()) {
                    answer.resume(notFound());
                } else {
                    answer.resume(result.get());
                }
            });
        } catch (RejectedExecutionException busy) {
            answer.resume(ApiErrors.tooManyRequests(RETRY_AFTER_SECONDS, ping.maxInFlight()
                    + " test events are in flight already, the most this host sends at once; try again in a few"
                    + " seconds"));
        }
    }

    private static RuntimeException notFound() {
        return ApiErrors.notFound("_id", "no webhook has this id");
    }
}
